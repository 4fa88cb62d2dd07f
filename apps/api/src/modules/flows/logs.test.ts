import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { LivePublisher } from "@palisade/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { data, firstClusterId, inviteTeammate } from "../users/teammates.testing.ts";
import { FlowStore } from "./flow-store.ts";

const round = readFileSync(new URL("./fixtures/storefront-round.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const t0 = Math.floor(Date.now() / 1000) - 3600;
const at = (t: number) => round.map((r, i) => ({ ...r, start_time: t, end_time: t + 5, id: `${t}-${i}` }));
const denied = round.filter((r) => r.action === "deny").length;
const touchesKubeSystem = (r: { sourceNamespace: string; destNamespace: string }) => r.sourceNamespace === "kube-system" || r.destNamespace === "kube-system";

let db: Database;
let t: RunningApi;
let store: FlowStore;
let a: ProvisionedTenant;
let b: ProvisionedTenant;
let cluster: string;
let bCluster: string;
let limited: string;
let noFlows: string;
// the API's clock: live thinning counts per second of it
let clock = new Date();

const FLOW_LOGS = `query ($c: ID!, $from: String!, $to: String!, $f: FlowLogFilter, $s: FlowLogSort, $n: Int, $after: String) {
  flowLogs(clusterId: $c, from: $from, to: $to, filter: $f, sort: $s, first: $n, after: $after) {
    edges { cursor node { startTime sourceNamespace sourceNameAggr destNamespace destNameAggr destPort action reporter numFlows record
      decidingPolicy { tier name kind namespace ruleIndex action direction policyVersion { revision } } policies { index name action } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
type Node = { sourceNamespace: string; destNamespace: string; action: string; record: { id: string }; decidingPolicy: { tier: string; name: string; ruleIndex: number } | null };
type Conn = { flowLogs: { edges: { cursor: string; node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
const window = { from: new Date((t0 - 60) * 1000).toISOString(), to: new Date((t0 + 3000) * 1000).toISOString() };

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_api");
  db = opened.db;
  t = await startApi(buildDeps(db, testConfig({ FLOW_LIVE_MAX_PER_SECOND: "50" }), { now: () => clock }));
  store = new FlowStore(db, opened.ownerUrl, 2, new LivePublisher(t.deps.events, t.deps.redis, t.deps.config.redisKeyPrefix));
  const promo = await createPromo(db);
  a = await signUpProvisioned(t, promo.code);
  b = await signUpProvisioned(t, promo.code);
  cluster = await firstClusterId(t, a.token);
  bCluster = await firstClusterId(t, b.token);
  const role = `ks-flows-${hex()}`;
  data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: role, r: [{ verbs: ["list", "watch"], resources: ["flowlogs"], namespaces: ["kube-system"] }] }, a.token));
  const policiesOnly = `policies-${hex()}`;
  data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: policiesOnly, r: [{ verbs: ["get", "list"], resources: ["tiers", "clusters"] }] }, a.token));
  limited = await inviteTeammate(t, a.token, `ks.${hex()}@corp-${hex()}.com`, [role]);
  noFlows = await inviteTeammate(t, a.token, `np.${hex()}@corp-${hex()}.com`, [policiesOnly]);
  for (const k of [0, 1]) await store.store({ tenantId: a.tenantId, clusterId: cluster, batchId: randomUUID(), records: at(t0 + 60 * k), receivedAt: new Date() });
  await store.store({ tenantId: b.tenantId, clusterId: bCluster, batchId: randomUUID(), records: at(t0), receivedAt: new Date() });
});
afterAll(async () => {
  await store?.close();
  await t?.stop();
  await db?.close();
});

describe("flowLogs over HTTP", () => {
  it("pages through the tenant's records newest first, each with its deciding policy", async () => {
    const seen: Node[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Conn = data(await t.gql<Conn>(FLOW_LOGS, { c: cluster, ...window, n: 30, after }, a.token));
      seen.push(...page.flowLogs.edges.map((e) => e.node));
      if (!page.flowLogs.pageInfo.hasNextPage) break;
      after = page.flowLogs.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(2 * round.length);
    expect(new Set(seen.map((n) => n.record.id)).size).toBe(2 * round.length);
    expect(seen[0]!.record.id.startsWith(`${t0 + 60}-`)).toBe(true);
    const deny = seen.find((n) => n.action === "DENY" && n.destNamespace === "-")!;
    expect(deny.decidingPolicy).toMatchObject({ tier: "default", name: "storefront/default.trusted", kind: "NetworkPolicy", namespace: "storefront", ruleIndex: 1 });
  });

  it("filters Kibana-style and sorts by count", async () => {
    const res = data(await t.gql<Conn>(FLOW_LOGS, { c: cluster, ...window, f: { actions: ["DENY"], fields: [{ field: "reporter", values: ["dst"], negate: true }] }, s: "COUNT_DESC", n: 100 }, a.token));
    expect(res.flowLogs.edges.length).toBe(2 * round.filter((r) => r.action === "deny" && r.reporter !== "dst").length);
    expect(res.flowLogs.edges.every((e) => e.node.action === "DENY")).toBe(true);
  });

  it("shows a namespace-limited user only the records of their namespaces", async () => {
    const res = data(await t.gql<Conn>(FLOW_LOGS, { c: cluster, ...window, n: 500 }, limited));
    expect(res.flowLogs.edges.length).toBe(2 * round.filter((r) => r.source_namespace === "kube-system" || r.dest_namespace === "kube-system").length);
    expect(res.flowLogs.edges.every((e) => touchesKubeSystem(e.node))).toBe(true);
  });

  it("refuses a user who may list no flow logs, and another tenant's cluster is not found", async () => {
    expect(onlyError(await t.gql(FLOW_LOGS, { c: cluster, ...window }, noFlows)).extensions?.code).toBe("FORBIDDEN");
    expect(onlyError(await t.gql(FLOW_LOGS, { c: cluster, ...window }, b.token)).extensions?.code).toBe("NOT_FOUND");
    expect(onlyError(await t.gql(FLOW_LOGS, { c: cluster, ...window })).extensions?.code).toBe("UNAUTHENTICATED");
    // b's own cluster shows b's records only
    const own = data(await t.gql<Conn>(FLOW_LOGS, { c: bCluster, ...window, n: 500 }, b.token));
    expect(own.flowLogs.edges).toHaveLength(round.length);
  });

  it("answers bad input with the field it concerns", async () => {
    const err = async (vars: Record<string, unknown>) => onlyError(await t.gql(FLOW_LOGS, { c: cluster, ...window, ...vars }, a.token)).extensions;
    expect(await err({ from: "yesterday" })).toMatchObject({ code: "BAD_USER_INPUT", field: "from" });
    expect(await err({ n: 501 })).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
    expect(await err({ after: "bm90LWEtY3Vyc29y" })).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(await err({ f: { destSelector: "app in {" } })).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.destSelector" });
    expect(await err({ f: { fields: [{ field: "password", values: ["x"] }] } })).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.fields[0].field" });
    // a cursor of another tenant's listing is not this listing's
    const bPage = data(await t.gql<Conn>(FLOW_LOGS, { c: bCluster, ...window, n: 1 }, b.token));
    expect(await err({ after: bPage.flowLogs.pageInfo.endCursor })).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

const FLOWS = `subscription ($c: ID!, $f: FlowLogFilter, $m: Int) { flows(clusterId: $c, filter: $f, maxPerSecond: $m) { skipped records { action sourceNamespace destNamespace decidingPolicy { name } } } }`;
type Live = { skipped: number; records: { action: string; sourceNamespace: string; destNamespace: string; decidingPolicy: { name: string } | null }[] };

function subscribeFlows(token: string, vars: Record<string, unknown>) {
  const received: Live[] = [];
  const errors: unknown[] = [];
  const ws = t.ws(token);
  ws.subscribe<{ flows: Live }>({ query: FLOWS, variables: { c: cluster, ...vars } }, { next: (m) => (m.data ? received.push(m.data.flows) : errors.push(m.errors)), error: (e) => errors.push(e), complete: () => {} });
  return { received, errors, stop: () => ws.dispose() };
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const liveSubscribers = async () => {
  const [, n] = (await t.deps.redis.pubsub("NUMSUB", `${t.deps.config.redisKeyPrefix}:flows:${a.tenantId}:${cluster}`)) as [string, number];
  return Number(n);
};
const ingest = (k: number) => store.store({ tenantId: a.tenantId, clusterId: cluster, batchId: randomUUID(), records: at(t0 + 600 + k), receivedAt: new Date() });

describe("the flows subscription over graphql-ws", () => {
  it("delivers matching records as batches are stored, thinned to maxPerSecond with what it skipped counted", async () => {
    clock = new Date("2026-11-28T05:00:00.100Z");
    const sub = subscribeFlows(a.token, { f: { actions: ["DENY"] }, m: 2 });
    await until(async () => (await liveSubscribers()) > 0);
    await ingest(1);
    await until(() => sub.received.length === 1);
    expect(sub.received[0]!.records).toHaveLength(2);
    expect(sub.received[0]!.records.every((r) => r.action === "DENY" && r.decidingPolicy !== null)).toBe(true);
    expect(sub.received[0]!.skipped).toBe(denied - 2);
    // the next second has its own budget (the carrying over of a spent second's count is live-match.test.ts's)
    clock = new Date("2026-11-28T05:00:01.000Z");
    await ingest(3);
    await until(() => sub.received.length === 2);
    expect(sub.received[1]!).toMatchObject({ skipped: denied - 2 });
    expect(sub.received[1]!.records).toHaveLength(2);
    expect(sub.errors).toEqual([]);
    sub.stop();
  });

  it("shows a namespace-limited subscriber only records of their namespaces, and nothing to a user without flow logs", async () => {
    const sub = subscribeFlows(limited, { m: 1000 });
    const refused = subscribeFlows(noFlows, {});
    await until(() => refused.errors.length > 0);
    expect(JSON.stringify(refused.errors)).toContain("FORBIDDEN");
    // keep storing until the subscription is live, then look at everything it got
    for (let k = 10; sub.received.length === 0; k++) {
      clock = new Date(clock.getTime() + 1000);
      await ingest(k);
      await new Promise((r) => setTimeout(r, 100));
    }
    const records = sub.received.flatMap((m) => m.records);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every(touchesKubeSystem)).toBe(true);
    sub.stop();
  });

  it("ends when the subscriber's token is revoked", async () => {
    const issued = data(await t.gql<{ createAccessToken: { token: string; accessToken: { id: string } } }>(`mutation { createAccessToken(name: "live-watcher") { token accessToken { id } } }`, {}, a.token)).createAccessToken;
    let completed = false;
    const received: unknown[] = [];
    const ws = t.ws(issued.token);
    ws.subscribe({ query: FLOWS, variables: { c: cluster, m: 1000 } }, { next: (m) => received.push(m.data), error: () => (completed = true), complete: () => (completed = true) });
    for (let k = 100; received.length === 0; k++) {
      clock = new Date(clock.getTime() + 1000);
      await ingest(k);
      await new Promise((r) => setTimeout(r, 100));
    }
    data(await t.gql(`mutation ($id: ID!) { revokeAccessToken(id: $id) }`, { id: issued.accessToken.id }, a.token));
    for (let k = 200; !completed; k++) {
      if (k > 300) throw new Error("the subscription outlived its token");
      await ingest(k);
      await new Promise((r) => setTimeout(r, 100));
    }
    await ws.dispose();
  });

  it("keeps another tenant out of the cluster's live flows", async () => {
    const other = subscribeFlows(b.token, {});
    await until(() => other.errors.length > 0);
    expect(JSON.stringify(other.errors)).toContain("NOT_FOUND");
    other.stop();
  });

  it("refuses a bad filter or rate before subscribing", async () => {
    const bad = subscribeFlows(a.token, { f: { sourceSelector: "a ==" } });
    const rate = subscribeFlows(a.token, { m: 0 });
    await until(() => bad.errors.length > 0 && rate.errors.length > 0);
    expect(JSON.stringify(bad.errors)).toContain("filter.sourceSelector");
    expect(JSON.stringify(rate.errors)).toContain("maxPerSecond");
    bad.stop();
    rate.stop();
  });
});
