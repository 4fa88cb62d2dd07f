import { randomUUID } from "node:crypto";
import { openTestDatabase } from "@palisade/db/testing";
import type { Database, PromoCode } from "@palisade/db";
import { PROTOCOL_VERSION, type ApiMessage, type PolicyChanges } from "@palisade/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildDeps, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { createPromo, signUpProvisioned } from "../../../test/signups.ts";

let db: Database;
let t: RunningApi;
/** a second API process on the same database: changes made through it must reach connections held by `t` */
let other: RunningApi;
let promo: PromoCode;

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_policy_sync");
  db = opened.db;
  t = await startApi(buildDeps(db, testConfig({ DATABASE_URL: opened.ownerUrl })));
  other = await startApi(buildDeps(db, testConfig({ DATABASE_URL: opened.ownerUrl })));
  promo = await createPromo(db);
});
afterAll(async () => {
  await t?.stop();
  await other?.stop();
  await db?.close();
});

/** A connector's end of /connect that only cares about policy: changes queue up until read. */
async function dial(hello: Record<string, unknown>) {
  const ws = new WebSocket(`${t.url.replace("http", "ws")}/connect`);
  const changes: PolicyChanges[] = [];
  const waiters: ((m: PolicyChanges) => void)[] = [];
  let welcome: ApiMessage | null = null;
  ws.on("message", (d: Buffer) => {
    const m = JSON.parse(d.toString()) as ApiMessage;
    if (m.type === "welcome" || m.type === "refused") welcome = m;
    if (m.type !== "policyChanges") return;
    const w = waiters.shift();
    if (w) w(m);
    else changes.push(m);
  });
  await new Promise((r, j) => ws.once("open", r).once("error", j));
  ws.send(JSON.stringify(hello));
  return {
    ws,
    welcome: () => welcome,
    next: () => (changes.length ? Promise.resolve(changes.shift()!) : new Promise<PolicyChanges>((r) => waiters.push(r))),
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    ack: (m: PolicyChanges) => ws.send(JSON.stringify({ type: "policyAck", revision: m.toRevision, outcomes: [] })),
    close: () => new Promise<void>((r) => (ws.readyState === ws.CLOSED ? r() : (ws.once("close", () => r()), ws.close()))),
  };
}

const hello = (uid: string, auth: Record<string, string>, appliedRevision: number) => ({ type: "hello", protocol: PROTOCOL_VERSION, connectorVersion: "0.1.0", clusterUid: uid, auth, appliedRevision });

async function connectedCluster() {
  const me = await signUpProvisioned(t, promo.code);
  const res = await t.gql<{ createCluster: { cluster: { id: string }; registration: { token: string } } }>(
    `mutation ($name: String!) { createCluster(name: $name) { cluster { id } registration { token } } }`,
    { name: `c-${randomUUID().slice(0, 8)}` },
    me.token,
  );
  const clusterId = res.data!.createCluster.cluster.id;
  const uid = randomUUID();
  const conn = await dial(hello(uid, { registrationToken: res.data!.createCluster.registration.token }, 0));
  const first = await conn.next();
  const w = conn.welcome() as { credential?: string } | null;
  return { me, clusterId, uid, conn, first, credential: w!.credential! };
}

const networkSet = (name: string, net: string) => `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: ${name}
spec:
  nets: ["${net}"]
`;

async function create(api: RunningApi, token: string, clusterId: string, yaml: string): Promise<number> {
  const r = await api.gql<{ createResource: { revision: number } }>(`mutation ($id: ID!, $yaml: String!) { createResource(clusterId: $id, yaml: $yaml) { revision } }`, { id: clusterId, yaml }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.createResource.revision;
}

async function remove(api: RunningApi, token: string, clusterId: string, name: string): Promise<void> {
  const r = await api.gql(`mutation ($id: ID!, $name: String!) { deleteResource(clusterId: $id, kind: GlobalNetworkSet, name: $name) { name } }`, { id: clusterId, name }, token);
  expect(r.errors).toBeUndefined();
}

const names = (m: PolicyChanges) => m.upserts.map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe("policy sync", () => {
  it("sends a new connector the whole desired state, then only the object a change touched, made through another API process", async () => {
    const c = await connectedCluster();
    expect(c.first).toMatchObject({ full: true, fromRevision: 0, toRevision: 0, deletes: [] });
    expect(names(c.first)).toEqual(["Tier/default", "Tier/kube-admin", "Tier/kube-baseline"]);
    c.conn.ack(c.first);

    await create(other, c.me.token, c.clusterId, networkSet("blocked", "10.1.0.0/16"));
    const change = await c.conn.next();
    expect(change).toMatchObject({ full: false, fromRevision: 0, toRevision: 1, deletes: [] });
    expect(names(change)).toEqual(["GlobalNetworkSet/blocked"]);
    expect(change.upserts[0]).toMatchObject({ spec: { nets: ["10.1.0.0/16"] } });
    await c.conn.close();
  });

  it("sends a delete as a delete, naming the object as the cluster has it", async () => {
    const c = await connectedCluster();
    await create(t, c.me.token, c.clusterId, networkSet("temporary", "10.2.0.0/16"));
    const created = await c.conn.next();
    expect(names(created)).toEqual(["GlobalNetworkSet/temporary"]);

    await remove(t, c.me.token, c.clusterId, "temporary");
    const deleted = await c.conn.next();
    expect(deleted).toMatchObject({ full: false, fromRevision: created.toRevision, toRevision: created.toRevision + 1, upserts: [] });
    expect(deleted.deletes).toEqual([{ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", name: "temporary" }]);
    await c.conn.close();
  });

  it("sends a connector that reconnects from an acknowledged revision only what changed since", async () => {
    const c = await connectedCluster();
    await create(t, c.me.token, c.clusterId, networkSet("kept", "10.3.0.0/16"));
    await create(t, c.me.token, c.clusterId, networkSet("dropped", "10.4.0.0/16"));
    let reached = c.first.toRevision;
    while (reached < 2) reached = (await c.conn.next()).toRevision;
    await c.conn.close();

    // while it is away: one new, one deleted, and one created and deleted again
    await create(t, c.me.token, c.clusterId, networkSet("added", "10.5.0.0/16"));
    await remove(t, c.me.token, c.clusterId, "dropped");
    await create(t, c.me.token, c.clusterId, networkSet("fleeting", "10.6.0.0/16"));
    await remove(t, c.me.token, c.clusterId, "fleeting");

    const again = await dial(hello(c.uid, { credential: c.credential }, reached));
    const m = await again.next();
    expect(m).toMatchObject({ full: false, fromRevision: 2, toRevision: 6 });
    expect(names(m)).toEqual(["GlobalNetworkSet/added"]);
    expect(m.deletes.map((d) => d.name).sort()).toEqual(["dropped", "fleeting"]);
    await again.close();
  });

  it("sends the whole state to a connector that applied nothing, or whose revision is unknown or older than what is recorded", async () => {
    const c = await connectedCluster();
    await create(t, c.me.token, c.clusterId, networkSet("one", "10.7.0.0/16"));
    await create(t, c.me.token, c.clusterId, networkSet("two", "10.8.0.0/16"));
    let reached = 0;
    while (reached < 2) reached = (await c.conn.next()).toRevision;
    await c.conn.close();
    const all = ["GlobalNetworkSet/one", "GlobalNetworkSet/two", "Tier/default", "Tier/kube-admin", "Tier/kube-baseline"];

    for (const revision of [0, 99]) {
      const again = await dial(hello(c.uid, { credential: c.credential }, revision));
      const m = await again.next();
      expect(m).toMatchObject({ full: true, toRevision: 2, deletes: [] });
      expect(names(m)).toEqual(all);
      await again.close();
    }

    const behind = await dial(hello(c.uid, { credential: c.credential }, 1));
    expect(await behind.next()).toMatchObject({ full: false, fromRevision: 1, toRevision: 2 });
    await behind.close();
    // as for a cluster whose changes before revision 2 were made before they were recorded (the migration's floor)
    await db.system.cluster.update({ where: { id: c.clusterId }, data: { deltaFloorRevision: 2 } });
    const tooOld = await dial(hello(c.uid, { credential: c.credential }, 1));
    const m = await tooOld.next();
    expect(m).toMatchObject({ full: true, toRevision: 2 });
    expect(names(m)).toEqual(all);
    await tooOld.close();
  });

  it("answers a connector already at the desired revision with an empty change it can acknowledge", async () => {
    const c = await connectedCluster();
    await create(t, c.me.token, c.clusterId, networkSet("steady", "10.9.0.0/16"));
    const m = await c.conn.next();
    await c.conn.close();
    const again = await dial(hello(c.uid, { credential: c.credential }, m.toRevision));
    const same = await again.next();
    expect(same).toEqual({ type: "policyChanges", fromRevision: 1, toRevision: 1, upserts: [], deletes: [], full: false });
    again.ack(same);
    let applied = 0n;
    while (applied !== 1n) applied = (await db.system.clusterConnection.findUniqueOrThrow({ where: { clusterId: c.clusterId } })).appliedRevision;
    await again.close();
  });
});

const blocklist = (nets: string[]) => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "kubectl-blocklist", labels: { list: "blocked" } }, spec: { nets } });

async function until<T>(what: () => Promise<T | null | undefined>): Promise<T> {
  for (;;) {
    const v = await what();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const events = (clusterId: string, verbs: string[]) =>
  db.system.auditEvent.findMany({ where: { clusterId, verb: { in: verbs } }, orderBy: { seq: "asc" }, select: { verb: true, actorKind: true, actorDisplay: true, name: true, beforeYaml: true, afterYaml: true, revision: true, outcome: true } });

describe("resources mirrored from the cluster", () => {
  it("records each create, update and delete with an audit event by the connector and a version in the resource's history", async () => {
    const c = await connectedCluster();
    c.conn.send({ type: "clusterResources", full: false, upserts: [blocklist(["198.51.100.0/24"])], deletes: [] });
    c.conn.send({ type: "clusterResources", full: false, upserts: [blocklist(["198.51.100.0/24", "203.0.113.0/24"])], deletes: [] });
    // the same object again (a watch relist) changes nothing and records nothing
    c.conn.send({ type: "clusterResources", full: true, upserts: [blocklist(["198.51.100.0/24", "203.0.113.0/24"])], deletes: [] });
    c.conn.send({ type: "clusterResources", full: false, upserts: [], deletes: [{ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", name: "kubectl-blocklist" }] });
    const recorded = await until(async () => {
      const rows = await events(c.clusterId, ["MIRRORED_CREATE", "MIRRORED_UPDATE", "MIRRORED_DELETE"]);
      return rows.length >= 3 ? rows : null;
    });
    expect(recorded.map((e) => [e.verb, e.revision])).toEqual([["MIRRORED_CREATE", 1], ["MIRRORED_UPDATE", 2], ["MIRRORED_DELETE", 3]]);
    for (const e of recorded) expect(e).toMatchObject({ actorKind: "cluster", actorDisplay: expect.stringMatching(/^palisade-connector \(cluster c-/), name: "kubectl-blocklist", outcome: "ALLOWED" });
    expect(recorded[0]!.afterYaml).toContain("198.51.100.0/24");
    expect(recorded[1]!.beforeYaml).not.toContain("203.0.113.0/24");
    expect(recorded[1]!.afterYaml).toContain("203.0.113.0/24");
    expect(recorded[2]!.afterYaml).toBeNull();

    const history = await t.gql<{ policyHistory: { revision: number; verb: string; actor: string; yaml: string | null }[] }>(
      `query ($id: ID!) { policyHistory(clusterId: $id, kind: GlobalNetworkSet, name: "kubectl-blocklist") { revision verb actor yaml } }`,
      { id: c.clusterId },
      c.me.token,
    );
    expect(history.errors).toBeUndefined();
    expect(history.data!.policyHistory.map((v) => [v.revision, v.verb, v.yaml === null])).toEqual([[1, "MIRRORED_CREATE", false], [2, "MIRRORED_UPDATE", false], [3, "MIRRORED_DELETE", true]]);
    expect(history.data!.policyHistory[1]!.yaml).toContain("203.0.113.0/24");

    // a re-created object continues the numbering; a full set without it deletes it
    c.conn.send({ type: "clusterResources", full: false, upserts: [blocklist(["192.0.2.0/24"])], deletes: [] });
    c.conn.send({ type: "clusterResources", full: true, upserts: [], deletes: [] });
    const more = await until(async () => {
      const rows = await events(c.clusterId, ["MIRRORED_CREATE", "MIRRORED_UPDATE", "MIRRORED_DELETE"]);
      return rows.length >= 5 ? rows : null;
    });
    expect(more.slice(3).map((e) => [e.verb, e.revision])).toEqual([["MIRRORED_CREATE", 4], ["MIRRORED_DELETE", 5]]);
    // mirrored changes are the cluster's, not desired state: nothing was sent back
    expect(Number((await db.system.cluster.findUniqueOrThrow({ where: { id: c.clusterId } })).desiredRevision)).toBe(0);
    await c.conn.close();
  });

  it("is adopted only with update rights (a refusal is audited and changes nothing); adopted, it is a version of the desired state sent to the connector", async () => {
    const c = await connectedCluster();
    c.conn.ack(c.first);
    c.conn.send({ type: "clusterResources", full: false, upserts: [blocklist(["198.51.100.0/24"])], deletes: [] });
    await until(() => db.system.policyResource.findFirst({ where: { clusterId: c.clusterId, name: "kubectl-blocklist" } }));
    const adopt = `mutation ($id: ID!) { adoptClusterResource(clusterId: $id, kind: GlobalNetworkSet, name: "kubectl-blocklist") { origin revision } }`;

    const viewer = await t.gql<{ createAccessToken: { token: string } }>(`mutation { createAccessToken(name: "read-only", roles: ["viewer"]) { token } }`, {}, c.me.token);
    const refused = await t.gql(adopt, { id: c.clusterId }, viewer.data!.createAccessToken.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await db.system.policyResource.findFirstOrThrow({ where: { clusterId: c.clusterId, name: "kubectl-blocklist" } })).origin).toBe("CLUSTER");
    expect(await events(c.clusterId, ["ADOPT"])).toMatchObject([{ outcome: "REFUSED", actorKind: "user" }]);

    const adopted = await t.gql<{ adoptClusterResource: { origin: string; revision: number } }>(adopt, { id: c.clusterId }, c.me.token);
    expect(adopted.errors).toBeUndefined();
    expect(adopted.data!.adoptClusterResource).toEqual({ origin: "PALISADE", revision: 2 });
    expect((await events(c.clusterId, ["ADOPT"])).map((e) => [e.outcome, e.revision])).toEqual([["REFUSED", null], ["ALLOWED", 2]]);
    const versions = await db.system.policyResourceVersion.findMany({ where: { clusterId: c.clusterId, name: "kubectl-blocklist" }, orderBy: { revision: "asc" } });
    expect(versions.map((v) => [v.revision, v.clusterRevision])).toEqual([[1, null], [2, 1n]]);

    const change = await c.conn.next();
    expect(change).toMatchObject({ full: false, fromRevision: 0, toRevision: 1, deletes: [] });
    expect(names(change)).toEqual(["GlobalNetworkSet/kubectl-blocklist"]);
    await c.conn.close();
  });

  it("is read-only until adopted: a changed apply or update is refused naming adoption, and changes nothing", async () => {
    const c = await connectedCluster();
    c.conn.send({ type: "clusterResources", full: false, upserts: [blocklist(["198.51.100.0/24"])], deletes: [] });
    await until(() => db.system.policyResource.findFirst({ where: { clusterId: c.clusterId, name: "kubectl-blocklist" } }));
    const changed = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: kubectl-blocklist
  labels: { list: blocked }
spec:
  nets: ["10.9.0.0/16"]
`;
    const applied = await t.gql<{ applyResources: { valid: boolean; results: { status: string; errors: { message: string }[] }[] } }>(
      `mutation ($id: ID!, $yaml: String!) { applyResources(clusterId: $id, yaml: $yaml) { valid results { status errors { message } } } }`,
      { id: c.clusterId, yaml: changed },
      c.me.token,
    );
    expect(applied.data!.applyResources.valid).toBe(false);
    expect(applied.data!.applyResources.results[0]!.errors[0]!.message).toMatch(/mirrored from the cluster and read-only in Palisade; adopt it/);
    const updated = await t.gql(`mutation ($id: ID!, $yaml: String!) { updateResource(clusterId: $id, yaml: $yaml, revision: 1) { revision } }`, { id: c.clusterId, yaml: changed }, c.me.token);
    expect(updated.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(updated.errors?.[0]?.message).toMatch(/adopt it/);
    const row = await db.system.policyResource.findFirstOrThrow({ where: { clusterId: c.clusterId, name: "kubectl-blocklist" } });
    expect([row.origin, row.revision, JSON.stringify(row.resource)]).toEqual(["CLUSTER", 1, expect.stringContaining("198.51.100.0/24")]);
    await c.conn.close();
  });

  it("never fails when an apply through Palisade races the connector mirroring the same new object", async () => {
    const c = await connectedCluster();
    for (let i = 0; i < 8; i++) {
      const name = `raced-${i}`;
      const yaml = networkSet(name, "10.3.0.0/16");
      const mirrored = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name }, spec: { nets: ["10.3.0.0/16"] } };
      c.conn.send({ type: "clusterResources", full: false, upserts: [mirrored], deletes: [] });
      const applied = await t.gql<{ applyResources: { valid: boolean } }>(`mutation ($id: ID!, $yaml: String!) { applyResources(clusterId: $id, yaml: $yaml) { valid } }`, { id: c.clusterId, yaml }, c.me.token);
      // whichever came first owns the row; the other either changed nothing or was told why
      expect(applied.errors).toBeUndefined();
      const row = await until(() => db.system.policyResource.findFirst({ where: { clusterId: c.clusterId, name } }));
      expect(["PALISADE", "CLUSTER"]).toContain(row.origin);
    }
    await c.conn.close();
  });
});
