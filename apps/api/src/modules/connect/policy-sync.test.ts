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
