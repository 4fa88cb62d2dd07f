import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Database, PromoCode } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { APPLY, createTierEditorRole, data, firstClusterId, fixture, inviteTeammate, type ApplyView } from "../users/teammates.testing.ts";
import { FlowStore } from "./flow-store.ts";

// one traffic round of the simulated storefront at stage E, stored twice, half an hour apart
const round = readFileSync(new URL("./fixtures/storefront-round.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const t0 = Date.UTC(2026, 10, 20, 10, 0, 5) / 1000;
const at = (t: number) => round.map((r) => ({ ...r, start_time: t, end_time: t }));
const FROM = "2026-11-20T10:00:00Z";
const TO = "2026-11-20T12:00:00Z";

const GRAPH = `query ($c: ID!, $from: String!, $to: String!, $view: FlowGraphView!, $filter: FlowFilter) {
  flowGraph(clusterId: $c, from: $from, to: $to, view: $view, filter: $filter) {
    from to view source
    nodes { id type namespace name status }
    edges { source destination port protocol action connections allowedConnections deniedConnections packetsIn packetsOut bytesIn bytesOut allowedBytes deniedBytes }
  }
}`;
const BOARD = `query ($c: ID!, $from: String!, $to: String!, $staged: Boolean) {
  policyBoard(clusterId: $c, from: $from, to: $to, includeStaged: $staged) {
    from to source
    tiers { name order policies { kind namespace name traceName staged order
      counts { connections allowed denied passed }
      ingress { index action counts { connections allowed denied passed } }
      egress { index action counts { connections allowed denied passed } }
      endOfTier { connections allowed denied passed } } }
  }
}`;

interface GraphView {
  flowGraph: {
    source: string;
    nodes: Array<{ id: string; type: string; status: string | null }>;
    edges: Array<{ source: string; destination: string; port: number | null; protocol: string; action: string; connections: number; deniedConnections: number }>;
  };
}
interface BoardView {
  policyBoard: {
    source: string;
    tiers: Array<{ name: string; policies: Array<{ traceName: string; counts: { denied: number }; ingress: Array<{ index: number; action: string; counts: { denied: number; allowed: number } }> }> }>;
  };
}

let db: Database;
let t: RunningApi;
let store: FlowStore;
let promo: PromoCode;
let owner: ProvisionedTenant;
let clusterId: string;

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_api");
  db = opened.db;
  store = new FlowStore(db, opened.ownerUrl, 2);
  t = await startApi(buildDeps(db, testConfig()));
  promo = await createPromo(db);
  owner = await signUpProvisioned(t, promo.code);
  clusterId = await firstClusterId(t, owner.token);
  const applied = data(await t.gql<{ applyResources: ApplyView }>(APPLY, { c: clusterId, y: `${fixture("01-environment.yaml")}\n---\n${fixture("20-lab3-zones.yaml")}` }, owner.token));
  expect(applied.applyResources.valid).toBe(true);
  for (const s of [t0, t0 + 1800]) await store.store({ tenantId: owner.tenantId, clusterId, batchId: randomUUID(), records: at(s), receivedAt: new Date() });
});
afterAll(async () => {
  await store?.close();
  await t?.stop();
  await db?.close();
});

const graph = (token: string, vars: Record<string, unknown> = {}) => t.gql<GraphView>(GRAPH, { c: clusterId, from: FROM, to: TO, view: "STATUS", ...vars }, token);
const board = (token: string, vars: Record<string, unknown> = {}) => t.gql<BoardView>(BOARD, { c: clusterId, from: FROM, to: TO, ...vars }, token);

describe("flowGraph over HTTP", () => {
  it("answers the STATUS graph from the rollup with the stage's denied edges, each connection once", async () => {
    const g = data(await graph(owner.token)).flowGraph;
    expect(g.source).toBe("ROLLUP");
    const denied = g.edges.filter((e) => e.action === "DENY");
    expect(denied.map((e) => `${e.source} -> ${e.destination} ${e.port}`).sort()).toEqual([
      "wep:storefront/microservice2-fddf7cff8-* -> ns-set:public 443",
      "wep:storefront/rogue-7f9c6d5b8-* -> wep:storefront/backend-55f7dc6b68-* 5432",
      "wep:storefront/rogue-7f9c6d5b8-* -> wep:storefront/frontend-6d996fbd97-* 80",
      "wep:storefront/rogue-7f9c6d5b8-* -> wep:storefront/microservice1-7599d8d8f-* 8080",
      "wep:storefront/rogue-7f9c6d5b8-* -> wep:storefront/microservice2-fddf7cff8-* 8080",
    ]);
    expect(denied.find((e) => e.destination.includes("frontend"))!.deniedConnections).toBe(2);
    expect(g.nodes.find((n) => n.id === "ns-set:public")).toMatchObject({ type: "ns", status: "MIXED" });
    // a twenty-minute window holds the first round alone; a filter on a record field is answered from the raw records
    const short = data(await graph(owner.token, { to: "2026-11-20T10:20:00Z", view: "NAMESPACE" })).flowGraph;
    expect(short.nodes.map((n) => n.id).sort()).toEqual(["net:pvt", "ns-set:public", "ns:kube-system", "ns:storefront"]);
    const raw = data(await graph(owner.token, { view: "NAMESPACE", filter: { policy: { tier: "default", deciding: false } } })).flowGraph;
    expect(raw.source).toBe("RAW");
  });

  it("shows a user who may list flow logs in kube-system only the edges touching it", async () => {
    const role = `dns-watcher-${randomUUID().slice(0, 6)}`;
    data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: role, r: [{ verbs: ["list"], resources: ["flowlogs"], namespaces: ["kube-system"] }] }, owner.token));
    const token = await inviteTeammate(t, owner.token, `dns-${randomUUID().slice(0, 6)}@example.com`, [role]);
    const g = data(await graph(token)).flowGraph;
    expect(g.edges.length).toBe(5);
    expect(g.edges.every((e) => e.destination.startsWith("wep:kube-system/"))).toBe(true);
  });

  it("refuses a caller who may see no flow logs, and another tenant's cluster as not found", async () => {
    const role = `auditor-${randomUUID().slice(0, 6)}`;
    data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: role, r: [{ verbs: ["get", "list"], resources: ["auditevents"] }] }, owner.token));
    const auditor = await inviteTeammate(t, owner.token, `aud-${randomUUID().slice(0, 6)}@example.com`, [role]);
    expect(onlyError(await graph(auditor)).extensions?.code).toBe("FORBIDDEN");
    expect(onlyError(await board(auditor)).extensions?.code).toBe("FORBIDDEN");

    const stranger = await signUpProvisioned(t, promo.code);
    for (const res of [await graph(stranger.token), await board(stranger.token)]) {
      expect(res.data).toBeNull();
      expect(onlyError(res).extensions?.code).toBe("NOT_FOUND");
    }
    // the stranger's own cluster has no flows: an empty graph, not the owner's
    const own = data(await t.gql<GraphView>(GRAPH, { c: await firstClusterId(t, stranger.token), from: FROM, to: TO, view: "NAME" }, stranger.token)).flowGraph;
    expect(own.edges).toEqual([]);
  });

  it("refuses bad input naming the field", async () => {
    expect(onlyError(await graph(owner.token, { filter: { sourceSelector: "app ==" } })).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.sourceSelector" });
    expect(onlyError(await graph(owner.token, { from: "last tuesday" })).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "from" });
    expect(onlyError(await graph(owner.token, { filter: { ports: [-1] } })).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.ports[0]" });
    expect(onlyError(await board(owner.token, { to: FROM })).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to" });
    expect((await graph(owner.token, { view: "SIDEWAYS" })).errors?.[0]?.message).toMatch(/SIDEWAYS/);
  });
});

describe("policyBoard over HTTP", () => {
  it("puts the rogue pod's denials on the zones' ingress Deny rules and lists unused policies with zeros", async () => {
    const b = data(await board(owner.token)).policyBoard;
    expect(b.source).toBe("ROLLUP");
    expect(b.tiers.map((x) => x.name)).toEqual(["security", "platform", "kube-admin", "default", "kube-baseline"]);
    const def = b.tiers.find((x) => x.name === "default")!;
    expect(def.policies.map((p) => p.traceName)).toEqual(["storefront/default.dmz", "storefront/default.trusted", "storefront/default.restricted"]);
    const deny = (name: string) => def.policies.find((p) => p.traceName === name)!.ingress.find((r) => r.action === "Deny")!.counts.denied;
    expect([deny("storefront/default.dmz"), deny("storefront/default.trusted"), deny("storefront/default.restricted")]).toEqual([2, 4, 2]);
    expect(b.tiers.find((x) => x.name === "kube-admin")!.policies).toEqual([]);
  });

  it("shows a tier editor who may list flow logs only the tiers they may get", async () => {
    const role = await createTierEditorRole(t, owner.token, "default");
    const flowRole = `flows-${randomUUID().slice(0, 6)}`;
    data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: flowRole, r: [{ verbs: ["list"], resources: ["flowlogs"] }] }, owner.token));
    const editor = await inviteTeammate(t, owner.token, `ed-${randomUUID().slice(0, 6)}@example.com`, [role, flowRole]);
    const b = data(await board(editor)).policyBoard;
    expect(b.tiers.map((x) => x.name)).toEqual(["default"]);
    expect(b.tiers[0]!.policies.find((p) => p.traceName === "storefront/default.dmz")!.counts.denied).toBe(2);
  });
});
