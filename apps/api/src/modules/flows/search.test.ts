import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { AppError, searchFlowLogs, type FlowAccess, type FlowFilterInput, type FlowLogQuery, type FlowLogSort, type FlowLogView } from "@palisade/core";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowStore } from "./flow-store.ts";

// one traffic round of the simulated storefront, stored three times a minute apart (batches A, B, C)
const round = readFileSync(new URL("./fixtures/storefront-round.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const t0 = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;
// num_flows varies so COUNT_DESC has ties and differences; ids make each stored record recognisable
const batch = (k: number) => round.map((r, i) => ({ ...r, start_time: t0 + 60 * k, end_time: t0 + 60 * k + 5, num_flows: (i % 4) + 1, id: `${k}-${i}` }));
const all = [0, 1, 2].flatMap(batch);

let db: Database;
let store: FlowStore;
let tenantId: string;
let clusterId: string;
let otherCluster: string;
const window = { from: new Date((t0 - 60) * 1000), to: new Date((t0 + 600) * 1000) };
const everyone: FlowAccess = { clusterId: "", visibleNamespaces: null, tierVisible: () => true };

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_flow_search");
  db = opened.db;
  store = new FlowStore(db, opened.ownerUrl, 2);
  tenantId = (await db.system.tenant.create({ data: { slug: `fsr-${randomUUID().slice(0, 8)}`, name: "Flow search" } })).id;
  clusterId = (await db.system.cluster.create({ data: { tenantId, name: "c1" } })).id;
  otherCluster = (await db.system.cluster.create({ data: { tenantId, name: "c2" } })).id;
  everyone.clusterId = clusterId;
  for (const k of [0, 1, 2]) await store.store({ tenantId, clusterId, batchId: randomUUID(), records: batch(k), receivedAt: new Date() });
  // the other cluster's records never show in this one's search
  await store.store({ tenantId, clusterId: otherCluster, batchId: randomUUID(), records: batch(0), receivedAt: new Date() });
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

const search = (q: Partial<FlowLogQuery>, access: FlowAccess = everyone) => db.withTenant(tenantId, (tx) => searchFlowLogs(tx, access, { clusterId, ...window, ...q }));

/** Every page of a search, following endCursor. */
async function everything(q: Partial<FlowLogQuery>, access?: FlowAccess): Promise<FlowLogView[]> {
  const out: FlowLogView[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const page = await search({ first: 7, ...q, after }, access);
    out.push(...page.records);
    if (!page.hasNextPage) {
      expect(page.records.length).toBeGreaterThan(0);
      return out;
    }
    after = page.endCursor;
  }
  throw new Error("paging did not end");
}

const ids = (records: { record: Record<string, unknown> }[]) => records.map((r) => r.record.id as string).sort();
const idsOf = (pred: (r: Record<string, unknown>) => boolean) => all.filter(pred).map((r) => r.id).sort();
const trace = (r: Record<string, unknown>) => (r.policies as { enforced_policies: string[] }).enforced_policies;

async function refusal(q: Partial<FlowLogQuery>): Promise<AppError> {
  try {
    await search(q);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("searchFlowLogs paging", () => {
  it.each<FlowLogSort>(["TIME_DESC", "TIME_ASC", "COUNT_DESC"])("pages through %s returning every record once, in order", async (sort) => {
    const got = await everything({ sort });
    expect(got).toHaveLength(all.length);
    expect(new Set(got.map((r) => r.record.id)).size).toBe(all.length);
    for (let i = 1; i < got.length; i++) {
      const [a, b] = [got[i - 1]!, got[i]!];
      if (sort === "TIME_ASC") expect(a.startTime <= b.startTime).toBe(true);
      else if (sort === "TIME_DESC") expect(a.startTime >= b.startTime).toBe(true);
      else expect(a.numFlows >= b.numFlows).toBe(true);
    }
    // within one batch (one start time) records come in batch order, reversed for the descending sorts
    const firstBatch = got.filter((r) => r.startTime === new Date(t0 * 1000).toISOString() && (sort !== "COUNT_DESC" || r.numFlows === 1)).map((r) => Number(String(r.record.id).split("-")[1]));
    const sorted = [...firstBatch].sort((x, y) => (sort === "TIME_ASC" ? x - y : y - x));
    expect(firstBatch).toEqual(sorted);
  });

  it("says there is no next page on the last one and hands out no cursor for an empty result", async () => {
    const whole = await search({ first: 500 });
    expect(whole.records).toHaveLength(all.length);
    expect(whole.hasNextPage).toBe(false);
    const none = await search({ filter: { namespaces: ["nowhere"] } });
    expect(none).toMatchObject({ records: [], hasNextPage: false, endCursor: null });
  });
});

describe("searchFlowLogs filters", () => {
  const cases: Array<[string, FlowFilterInput, (r: Record<string, unknown>) => boolean]> = [
    ["actions", { actions: ["DENY"] }, (r) => r.action === "deny"],
    ["a namespace at either end", { namespaces: ["kube-system"] }, (r) => r.source_namespace === "kube-system" || r.dest_namespace === "kube-system"],
    ["source and destination namespaces", { sourceNamespaces: ["storefront"], destNamespaces: ["-"] }, (r) => r.source_namespace === "storefront" && r.dest_namespace === "-"],
    ["a name prefix", { names: ["microservice2-*"] }, (r) => String(r.source_name_aggr).startsWith("microservice2-") || String(r.dest_name_aggr).startsWith("microservice2-")],
    ["a set of ports", { ports: [80, 443] }, (r) => r.dest_port === 80 || r.dest_port === 443],
    ["protocols and reporter", { protocols: ["UDP"], reporter: "SRC" }, (r) => r.proto === "udp" && r.reporter === "src"],
    ["endpoint types", { endpointTypes: ["NS"] }, (r) => r.source_type === "ns" || r.dest_type === "ns"],
    ["a source selector", { sourceSelector: "fw-zone == 'trusted'" }, (r) => ((r.source_labels as { labels?: string[] } | null)?.labels ?? []).includes("fw-zone=trusted")],
    ["a destination selector with has()", { destSelector: "has(fw-zone) && app != 'frontend'" }, (r) => {
      const l = (r.dest_labels as { labels?: string[] } | null)?.labels ?? [];
      return l.some((x) => x.startsWith("fw-zone=")) && !l.includes("app=frontend");
    }],
    ["the deciding policy by its bare name and action", { policy: { name: "default.trusted", action: "DENY" } }, (r) => trace(r).at(-1)!.split("|")[2] === "storefront/default.trusted" && r.action === "deny"],
    ["the deciding tier", { policy: { tier: "default" } }, (r) => trace(r).at(-1)!.split("|")[1] === "default"],
    ["a policy hit anywhere in the trace (not deciding)", { policy: { tier: "platform", action: "PASS", deciding: false } }, (r) => trace(r).some((e) => e.split("|")[1] === "platform" && e.split("|")[3] === "pass")],
    ["a field by its Calico name", { fields: [{ field: "dest_port", values: ["53"] }] }, (r) => r.dest_port === 53],
    ["a negated field (absent values match)", { fields: [{ field: "dest_service_name", values: ["nothing"], negate: true }, { field: "host", values: ["sim-node-1"] }] }, (r) => r.host === "sim-node-1"],
    ["a negated field that excludes", { fields: [{ field: "reporter", values: ["src"], negate: true }] }, (r) => r.reporter !== "src"],
  ];
  it.each(cases)("by %s", async (_name, filter, pred) => {
    const expected = idsOf(pred);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(ids(await everything({ filter }))).toEqual(expected);
  });

  it("by time: the window takes the records that start in it", async () => {
    const got = await everything({ from: new Date((t0 + 60) * 1000), to: new Date((t0 + 120) * 1000) });
    expect(ids(got)).toEqual(idsOf((r) => r.start_time === t0 + 60));
  });

  it("shows a namespace-limited caller only records with an end in their namespaces", async () => {
    const got = await everything({}, { ...everyone, visibleNamespaces: ["kube-system"] });
    expect(ids(got)).toEqual(idsOf((r) => r.source_namespace === "kube-system" || r.dest_namespace === "kube-system"));
  });

  it("fills every contract field from the record", async () => {
    const page = await search({ filter: { actions: ["DENY"], destNamespaces: ["-"] }, first: 1 });
    const r = page.records[0]!;
    expect(r).toMatchObject({ sourceType: "wep", sourceNamespace: "storefront", destType: "ns", destNameAggr: "public", action: "DENY", reporter: "SRC", proto: "tcp", host: "sim-node-1" });
    expect(r.sourceLabels).toContain("fw-zone=trusted");
    expect(r.decidingPolicy).toMatchObject({ tier: "default", name: "storefront/default.trusted", kind: "NetworkPolicy", namespace: "storefront", staged: false, action: "DENY", ruleIndex: 1, direction: "egress" });
    expect(r.policies.map((p) => p.action)).toEqual(["PASS", "PASS", "DENY"]);
    expect(r.pendingPolicies.length).toBeGreaterThan(0);
  });
});

describe("policy versions on flow logs", () => {
  it("links each hit to the version enforced at the record's time, around an edit", async () => {
    const version = (revision: number, at: number, name = "default.trusted") =>
      db.system.policyResourceVersion.create({
        data: {
          tenantId, clusterId, kind: "NetworkPolicy", namespace: "storefront", name, revision, createdAt: new Date(at * 1000),
          resource: { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name, namespace: "storefront" }, spec: { tier: "default", order: revision, selector: "all()" } },
        },
      });
    await version(1, t0 - 3600);
    // edited between batch B (t0+60) and batch C (t0+120)
    await version(2, t0 + 90);
    const denied = await everything({ filter: { policy: { name: "default.trusted", action: "DENY" } } });
    const byStart = new Map(denied.map((r) => [r.startTime, r.decidingPolicy?.policyVersion?.revision]));
    expect(byStart.get(new Date(t0 * 1000).toISOString())).toBe(1);
    expect(byStart.get(new Date((t0 + 60) * 1000).toISOString())).toBe(1);
    expect(byStart.get(new Date((t0 + 120) * 1000).toISOString())).toBe(2);
    expect(denied[0]!.decidingPolicy!.policyVersion!.yaml).toContain("name: default.trusted");
    // a tier the caller may not get: no version shown
    const hidden = await search({ filter: { policy: { name: "default.trusted", action: "DENY" } }, first: 1 }, { ...everyone, tierVisible: (t) => t !== "default" });
    expect(hidden.records[0]!.decidingPolicy!.policyVersion).toBeNull();
    // a policy Palisade has no version of links nothing
    const dmz = await search({ filter: { policy: { name: "default.dmz" } }, first: 1 });
    expect(dmz.records[0]!.decidingPolicy).toMatchObject({ name: "storefront/default.dmz", policyVersion: null });
  });
});

describe("searchFlowLogs bad input", () => {
  it("refuses page sizes outside 1..500 on first", async () => {
    for (const first of [0, 501, 1.5]) expect(await refusal({ first })).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("refuses a malformed cursor, and one of another sort or cluster, on after", async () => {
    const page = await search({ first: 2 });
    for (const after of ["nope!", "eyJ4IjoxfQ", Buffer.from(JSON.stringify({ s: "x", k: [1, "a", 2] })).toString("base64url")]) {
      expect(await refusal({ after })).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
    expect(await refusal({ after: page.endCursor!, sort: "COUNT_DESC" })).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(await refusal({ after: page.endCursor!, clusterId: otherCluster })).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });

  it("passes the filter's own errors through with their field", async () => {
    expect(await refusal({ filter: { sourceSelector: "app ==" } })).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.sourceSelector" });
    expect(await refusal({ filter: { fields: [{ field: "no_such_field", values: ["x"] }] } })).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.fields[0].field" });
  });
});
