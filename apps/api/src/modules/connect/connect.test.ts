import { randomUUID } from "node:crypto";
import { openTestDatabase } from "@palisade/db/testing";
import type { Database, PromoCode } from "@palisade/db";
import { encode, MAX_BATCH_RECORDS, PROTOCOL_VERSION, type ApiMessage } from "@palisade/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildDeps, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { createPromo, signUpProvisioned } from "../../../test/signups.ts";

let db: Database;
let t: RunningApi;
let promo: PromoCode;
let clock = Date.now();

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_api");
  db = opened.db;
  t = await startApi(buildDeps(db, testConfig({ DATABASE_URL: opened.ownerUrl }), { now: () => new Date(clock) }));
  promo = await createPromo(db);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

/** A connector's end of /connect: messages queue up until read. */
async function dial() {
  const ws = new WebSocket(`${t.url.replace("http", "ws")}/connect`);
  const queue: ApiMessage[] = [];
  const waiters: ((m: ApiMessage) => void)[] = [];
  let closed: { code: number } | null = null;
  ws.on("message", (d: Buffer) => {
    const m = JSON.parse(d.toString()) as ApiMessage;
    if (m.type === "heartbeat" || m.type === "policyChanges") return;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  ws.on("close", (code) => (closed = { code }));
  await new Promise((r, j) => ws.once("open", r).once("error", j));
  return {
    ws,
    send: (m: unknown) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<ApiMessage>((r) => waiters.push(r))),
    closed: () => closed,
    waitClosed: () => new Promise<number>((r) => (closed ? r(closed.code) : ws.once("close", (c) => r(c)))),
  };
}

const hello = (uid: string, auth: Record<string, string>, protocol = PROTOCOL_VERSION) => ({ type: "hello", protocol, connectorVersion: "0.1.0", clusterUid: uid, auth });

async function newCluster() {
  const me = await signUpProvisioned(t, promo.code);
  const res = await t.gql<{ createCluster: { cluster: { id: string }; registration: { token: string } } }>(
    `mutation ($name: String!) { createCluster(name: $name) { cluster { id } registration { token } } }`,
    { name: `c-${randomUUID().slice(0, 8)}` },
    me.token,
  );
  return { me, clusterId: res.data!.createCluster.cluster.id, token: res.data!.createCluster.registration.token, uid: randomUUID() };
}

async function register() {
  const c = await newCluster();
  const conn = await dial();
  conn.send(hello(c.uid, { registrationToken: c.token }));
  const welcome = await conn.next();
  if (welcome.type !== "welcome") throw new Error(JSON.stringify(welcome));
  return { ...c, conn, credential: welcome.credential! };
}

const record = (i: number) => ({
  start_time: 1_795_000_000 + i, end_time: 1_795_000_015 + i, source_type: "wep", source_namespace: "shop", source_name_aggr: "frontend-*", source_ip: null,
  dest_type: "wep", dest_namespace: "shop", dest_name_aggr: "backend-*", dest_ip: null, dest_port: 8080, proto: "tcp", action: "allow", reporter: "src",
  num_flows: 1, bytes_in: 10, bytes_out: 20, policies: { enforced_policies: [], pending_policies: [] },
});
const flowRows = async (clusterId: string) => Number((await db.system.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM flow_logs WHERE cluster_id = ${clusterId}::uuid`)[0]!.n);
const credentials = (clusterId: string) => db.system.clusterCredential.count({ where: { clusterId } });

describe("registration", () => {
  it("trades the registration token for a credential stored only as its hash, and shows the cluster CONNECTED", async () => {
    const r = await register();
    expect(r.credential).toMatch(/^ccr_[0-9A-Za-z]{40}$/);
    const row = await db.system.clusterCredential.findFirstOrThrow({ where: { clusterId: r.clusterId } });
    expect(row.prefix).toBe(r.credential.slice(0, 12));
    const status = await t.gql<{ cluster: { status: string; connection: { state: string; kubeSystemUid: string } } }>(`query ($id: ID!) { cluster(id: $id) { status connection { state kubeSystemUid } } }`, { id: r.clusterId }, r.me.token);
    expect(status.data?.cluster).toEqual({ status: "CONNECTED", connection: { state: "CONNECTED", kubeSystemUid: r.uid } });
    r.conn.ws.close();
  });

  it("refuses a registration token the second time once its credential was used, changing nothing", async () => {
    const r = await register();
    const withCredential = await dial();
    withCredential.send(hello(r.uid, { credential: r.credential }));
    expect(await withCredential.next()).toMatchObject({ type: "welcome" });
    const again = await dial();
    again.send(hello(r.uid, { registrationToken: r.token }));
    expect(await again.next()).toMatchObject({ type: "refused", code: "TOKEN_USED" });
    expect(await again.waitClosed()).toBe(4401);
    expect(await credentials(r.clusterId)).toBe(1);
    r.conn.ws.close();
    withCredential.ws.close();
  });

  it("gives a connector that died before saving its credential a new one for the same token, revoking the unsaved one; never to another cluster", async () => {
    const r = await register();
    r.conn.ws.close();
    const other = await dial();
    other.send(hello(randomUUID(), { registrationToken: r.token }));
    expect(await other.next()).toMatchObject({ type: "refused", code: "TOKEN_USED", reason: expect.stringMatching(/another cluster/) });

    const retry = await dial();
    retry.send(hello(r.uid, { registrationToken: r.token }));
    const welcome = await retry.next();
    expect(welcome).toMatchObject({ type: "welcome", clusterId: r.clusterId, credential: expect.stringMatching(/^ccr_/) });
    const fresh = (welcome as { credential: string }).credential;
    expect(fresh).not.toBe(r.credential);
    retry.ws.close();

    const unsaved = await dial();
    unsaved.send(hello(r.uid, { credential: r.credential }));
    expect(await unsaved.next()).toMatchObject({ type: "refused", code: "UNAUTHENTICATED", reason: expect.stringMatching(/revoked/) });
    const saved = await dial();
    saved.send(hello(r.uid, { credential: fresh }));
    expect(await saved.next()).toMatchObject({ type: "welcome", clusterId: r.clusterId });
    saved.ws.close();
    // the new credential was used (saved): the token is spent for good
    const late = await dial();
    late.send(hello(r.uid, { registrationToken: r.token }));
    expect(await late.next()).toMatchObject({ type: "refused", code: "TOKEN_USED" });
    expect(await db.system.clusterCredential.count({ where: { clusterId: r.clusterId, revokedAt: null } })).toBe(1);
  });

  it("refuses the retry after the window, even when the credential was never used", async () => {
    const r = await register();
    r.conn.ws.close();
    const start = clock;
    clock += 11 * 60 * 1000;
    try {
      const late = await dial();
      late.send(hello(r.uid, { registrationToken: r.token }));
      expect(await late.next()).toMatchObject({ type: "refused", code: "TOKEN_USED" });
      expect(await credentials(r.clusterId)).toBe(1);
    } finally {
      clock = start;
    }
  });

  it("refuses an expired token and a revoked token, each with its reason", async () => {
    const expired = await newCluster();
    await db.system.registrationToken.updateMany({ where: { clusterId: expired.clusterId }, data: { expiresAt: new Date(clock - 1000) } });
    const a = await dial();
    a.send(hello(expired.uid, { registrationToken: expired.token }));
    expect(await a.next()).toMatchObject({ type: "refused", code: "TOKEN_EXPIRED", reason: expect.stringMatching(/expired on/) });

    const revoked = await newCluster();
    await t.gql(`mutation ($id: ID!) { revokeRegistrationTokens(clusterId: $id) }`, { id: revoked.clusterId }, revoked.me.token);
    const b = await dial();
    b.send(hello(revoked.uid, { registrationToken: revoked.token }));
    expect(await b.next()).toMatchObject({ type: "refused", code: "TOKEN_REVOKED" });
    expect(await credentials(expired.clusterId)).toBe(0);
    expect(await credentials(revoked.clusterId)).toBe(0);
  });

  it("refuses a wrong credential, and a right one presented by another cluster", async () => {
    const r = await register();
    const a = await dial();
    a.send(hello(r.uid, { credential: `ccr_${"x".repeat(40)}` }));
    expect(await a.next()).toMatchObject({ type: "refused", code: "UNAUTHENTICATED", reason: "the cluster credential is not valid" });
    const b = await dial();
    b.send(hello(randomUUID(), { credential: r.credential }));
    expect(await b.next()).toMatchObject({ type: "refused", code: "WRONG_CLUSTER" });
    const c = await dial();
    c.send(hello(r.uid, { credential: r.credential }));
    expect(await c.next()).toMatchObject({ type: "welcome", clusterId: r.clusterId });
    r.conn.ws.close();
    c.ws.close();
  });

  it("tells a connector of an unsupported protocol version which versions Palisade speaks", async () => {
    const c = await newCluster();
    const a = await dial();
    a.send(hello(c.uid, { registrationToken: c.token }, PROTOCOL_VERSION + 1));
    expect(await a.next()).toEqual({ type: "refused", code: "INCOMPATIBLE_PROTOCOL", reason: expect.stringContaining(`Palisade speaks protocol ${PROTOCOL_VERSION}`) });
    expect(await credentials(c.clusterId)).toBe(0);
  });

  it("refuses a first message that is not a hello", async () => {
    const a = await dial();
    a.send("not json");
    expect(await a.next()).toEqual({ type: "refused", code: "BAD_MESSAGE", reason: "message is not JSON" });
    expect(await a.waitClosed()).toBe(4400);
  });
});

describe("flow batches", () => {
  it("stores a batch once however often it arrives, acknowledging each arrival", async () => {
    const r = await register();
    const batch = { type: "flowBatch", id: randomUUID(), records: [record(1), record(2), record(3)] };
    r.conn.send(batch);
    expect(await r.conn.next()).toEqual({ type: "flowAck", id: batch.id, duplicate: false });
    r.conn.send(batch);
    expect(await r.conn.next()).toEqual({ type: "flowAck", id: batch.id, duplicate: true });
    expect(await flowRows(r.clusterId)).toBe(3);
    r.conn.ws.close();
  });

  it("refuses a batch over the record limit and a batch with a malformed record, storing nothing of either and keeping the connection", async () => {
    const r = await register();
    const big = { type: "flowBatch", id: randomUUID(), records: Array.from({ length: MAX_BATCH_RECORDS + 1 }, (_, i) => record(i)) };
    r.conn.send(big);
    expect(await r.conn.next()).toMatchObject({ type: "error", code: "BAD_MESSAGE", ref: big.id, message: expect.stringMatching(/at records/) });
    const bad = { type: "flowBatch", id: randomUUID(), records: [record(1), { ...record(2), start_time: "yesterday" }] };
    r.conn.send(bad);
    expect(await r.conn.next()).toMatchObject({ type: "error", ref: bad.id, message: `flow batch ${bad.id} refused: record 1: start_time must be Unix seconds` });
    const good = { type: "flowBatch", id: randomUUID(), records: [record(1)] };
    r.conn.send(good);
    expect(await r.conn.next()).toEqual({ type: "flowAck", id: good.id, duplicate: false });
    expect(await flowRows(r.clusterId)).toBe(1);
    r.conn.ws.close();
  });

  it("counts the batches a connector's full spool dropped, as it reports them", async () => {
    const r = await register();
    const id = randomUUID();
    r.conn.send({ type: "flowBatch", id, records: [record(1)], dropped: 3 });
    expect(await r.conn.next()).toMatchObject({ type: "flowAck", id });
    const res = await t.gql<{ cluster: { connection: { droppedBatches: number } } }>(`query ($id: ID!) { cluster(id: $id) { connection { droppedBatches } } }`, { id: r.clusterId }, r.me.token);
    expect(res.data?.cluster.connection.droppedBatches).toBe(3);
    r.conn.ws.close();
  });

  it("answers a malformed message after hello with an error naming why", async () => {
    const r = await register();
    r.conn.send({ type: "inventory", nodes: -1 });
    expect(await r.conn.next()).toMatchObject({ type: "error", code: "BAD_MESSAGE", message: expect.stringMatching(/^invalid message at /) });
    r.conn.send(encode({ type: "heartbeat", at: new Date().toISOString() }));
    expect(r.conn.closed()).toBeNull();
    r.conn.ws.close();
  });

  it("stores flows of different days in their day's partition", async () => {
    const r = await register();
    const id = randomUUID();
    r.conn.send({ type: "flowBatch", id, records: [record(0), { ...record(0), start_time: 1_795_000_000 + 86_400 * 3 }] });
    await r.conn.next();
    const parts = await db.system.$queryRaw<{ p: string }[]>`SELECT tableoid::regclass::text AS p FROM flow_logs WHERE batch_id = ${id}::uuid ORDER BY start_time`;
    expect(parts.map((x) => x.p)).toEqual(["flow_logs_p20261118", "flow_logs_p20261121"]);
    r.conn.ws.close();
  });
});

describe("subscription clusterStatus(clusterId)", () => {
  it("starts with the current state, then follows the connector connecting and disconnecting", async () => {
    const c = await newCluster();
    const client = t.ws(c.me.token);
    const seen: { state: string; since: string | null; connectorVersion: string | null }[] = [];
    const errors: unknown[] = [];
    const stop = client.subscribe<{ clusterStatus: { state: string; since: string | null; connectorVersion: string | null } }>(
      { query: `subscription ($id: ID!) { clusterStatus(clusterId: $id) { state since connectorVersion } }`, variables: { id: c.clusterId } },
      { next: (r) => (r.data ? seen.push(r.data.clusterStatus) : errors.push(r.errors)), error: (e) => errors.push(e), complete: () => {} },
    );
    try {
      await expect.poll(() => seen.map((s) => s.state)).toEqual(["PENDING"]);
      const conn = await dial();
      conn.send(hello(c.uid, { registrationToken: c.token }));
      await conn.next();
      await expect.poll(() => seen.map((s) => s.state)).toEqual(["PENDING", "CONNECTED"]);
      expect(seen[1]).toMatchObject({ connectorVersion: "0.1.0", since: expect.any(String) });
      conn.ws.close();
      await expect.poll(() => seen.map((s) => s.state)).toEqual(["PENDING", "CONNECTED", "DISCONNECTED"]);
      expect(seen[2]!.since).toEqual(expect.any(String));
      expect(errors).toEqual([]);
    } finally {
      stop();
      await client.dispose();
    }
  });

  it("is refused for a cluster of another tenant", async () => {
    const mine = await newCluster();
    const theirs = await newCluster();
    const client = t.ws(mine.me.token);
    const errors: { extensions?: { code?: string } }[] = [];
    const stop = client.subscribe({ query: `subscription ($id: ID!) { clusterStatus(clusterId: $id) { state } }`, variables: { id: theirs.clusterId } }, {
      next: (r) => errors.push(...((r.errors ?? []) as never[])),
      error: (e) => errors.push(...(Array.isArray(e) ? e : [e])),
      complete: () => {},
    });
    try {
      await expect.poll(() => errors.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    } finally {
      stop();
      await client.dispose();
    }
  });
});

describe("flow partitions dropped by retention elsewhere", () => {
  it("stores a batch for a day whose partition another process dropped since this one created it", async () => {
    const r = await register();
    const day = { ...record(0), start_time: 1_795_000_000 + 86_400 * 9 };
    const first = randomUUID();
    r.conn.send({ type: "flowBatch", id: first, records: [day] });
    expect(await r.conn.next()).toMatchObject({ type: "flowAck", id: first });
    await db.system.$executeRawUnsafe(`DROP TABLE "flow_logs_p20261127"`);
    const second = randomUUID();
    r.conn.send({ type: "flowBatch", id: second, records: [day] });
    expect(await r.conn.next()).toEqual({ type: "flowAck", id: second, duplicate: false });
    expect(await flowRows(r.clusterId)).toBe(1);
    r.conn.ws.close();
  });
});

describe("credential rotation and revocation", () => {
  it("sends a rotated credential over the connection; the old one works for the overlap window only", async () => {
    const r = await register();
    const res = await t.gql(`mutation ($id: ID!) { rotateClusterCredential(clusterId: $id, overlapSeconds: 60) }`, { id: r.clusterId }, r.me.token);
    expect(res.errors).toBeUndefined();
    const rotated = await r.conn.next();
    if (rotated.type !== "credentialRotated") throw new Error(JSON.stringify(rotated));
    expect(rotated.credential).not.toBe(r.credential);
    const withOld = await dial();
    withOld.send(hello(r.uid, { credential: r.credential }));
    expect(await withOld.next()).toMatchObject({ type: "welcome" });
    withOld.ws.close();
    clock += 61_000;
    const late = await dial();
    late.send(hello(r.uid, { credential: r.credential }));
    expect(await late.next()).toMatchObject({ type: "refused", code: "UNAUTHENTICATED", reason: expect.stringMatching(/rotated and expired/) });
    const withNew = await dial();
    withNew.send(hello(r.uid, { credential: rotated.credential }));
    expect(await withNew.next()).toMatchObject({ type: "welcome" });
    withNew.ws.close();
    r.conn.ws.close();
    expect(await clusterEvents(r.clusterId)).toContainEqual(["rotate-credential", "ALLOWED"]);
  });

  it("revoking closes the connection and the credential is refused afterwards", async () => {
    const r = await register();
    const res = await t.gql<{ revokeClusterCredential: number }>(`mutation ($id: ID!) { revokeClusterCredential(clusterId: $id) }`, { id: r.clusterId }, r.me.token);
    expect(res.data?.revokeClusterCredential).toBe(1);
    expect(await r.conn.next()).toMatchObject({ type: "refused", code: "UNAUTHENTICATED" });
    expect(await r.conn.waitClosed()).toBe(4410);
    const again = await dial();
    again.send(hello(r.uid, { credential: r.credential }));
    expect(await again.next()).toMatchObject({ type: "refused", reason: expect.stringMatching(/revoked/) });
    expect(await clusterEvents(r.clusterId)).toContainEqual(["revoke-credential", "ALLOWED"]);
  });
});

/** verb and outcome of the cluster's audit events, oldest first */
async function clusterEvents(clusterId: string): Promise<[string, string][]> {
  const rows = await db.system.auditEvent.findMany({ where: { clusterId, kind: "Cluster" }, orderBy: { seq: "asc" } });
  return rows.map((e) => [e.verb, e.outcome]);
}
