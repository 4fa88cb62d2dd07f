import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { compileFlowFilter, compileFlowMatcher, createRedis, FILTERABLE_FIELDS, liveFlowsChannel, LivePublisher, LiveThinner, liveMessageOf, matchesFlowFilter, PubSub, type FlowFilterInput, type LiveFlowMessage } from "@palisade/core";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowStore } from "./flow-store.ts";

const round = readFileSync(new URL("./fixtures/storefront-round.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const t0 = Date.UTC(2026, 10, 21, 9, 0, 0) / 1000;
// the round, plus variations that reach the corners of the filter: record-only fields, absent values, odd names
const records: Record<string, unknown>[] = [
  ...round,
  { ...round[3], dest_domains: ["api.example.com", "example.com"], dest_service_name: "frontend", dest_service_namespace: "storefront", dest_service_port: "http", dest_service_port_num: 80 },
  { ...round[4], host: "-", source_port: 40123, process_name: "curl", nat_outgoing_ports: [1, 2], dest_domains: "solo.example.com" },
  { ...round[5], source_labels: null, dest_labels: { app: "plain-map", "fw-zone": "restricted" }, proto: "udp", dest_port: null },
  { ...round[6], policies: { enforced_policies: ["0|security|security.pass|pass|0", "1|default|storefront/knp.default.allow_web|allow|2"], pending_policies: ["0|default|storefront/default.staged:lockdown|deny|-1"] } },
  { ...round[7], policies: { all_policies: ["0|platform|platform.allow-dns|allow|0"] }, action: "allow" },
  { ...round[8], policies: { enforced_policies: ["0|__PROFILE__|__PROFILE__.kns.storefront|allow|0"] }, source_namespace: "lab", source_name_aggr: "rogue_1-*" },
].map((r, i) => ({ ...r, start_time: t0, end_time: t0 + 5, id: `r${i}` }));

let db: Database;
let store: FlowStore;
let tenantId: string;
let clusterId: string;

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_flow_live_match");
  db = opened.db;
  store = new FlowStore(db, opened.ownerUrl, 2);
  tenantId = (await db.system.tenant.create({ data: { slug: `flm-${randomUUID().slice(0, 8)}`, name: "Live match" } })).id;
  clusterId = (await db.system.cluster.create({ data: { tenantId, name: "c1" } })).id;
  await store.store({ tenantId, clusterId, batchId: randomUUID(), records, receivedAt: new Date() });
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

async function bySql(filter: FlowFilterInput, visibleNamespaces: string[] | null): Promise<string[]> {
  return db.withTenant(tenantId, async (tx) => {
    const { where, params } = await compileFlowFilter(tx, "raw", filter, { clusterId, from: new Date((t0 - 60) * 1000), to: new Date((t0 + 60) * 1000), visibleNamespaces });
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT record->>'id' AS id FROM flow_logs WHERE ${where}`, ...params);
    return rows.map((r) => r.id).sort();
  });
}
const inMemory = (filter: FlowFilterInput, visibleNamespaces: string[] | null) => {
  const m = compileFlowMatcher(filter, visibleNamespaces);
  return records.filter((r) => matchesFlowFilter(r, m)).map((r) => r.id as string).sort();
};

const filters: Array<[string, FlowFilterInput, string[] | null]> = [
  ["nothing", {}, null],
  ["visibility", {}, ["kube-system", "lab"]],
  ["namespaces", { namespaces: ["kube-system"] }, null],
  ["source and destination namespaces", { sourceNamespaces: ["storefront", "lab"], destNamespaces: ["storefront"] }, null],
  ["exact and prefix names", { names: ["public", "microservice1-*"] }, null],
  ["a name prefix with LIKE's special characters", { sourceNames: ["rogue_*"] }, null],
  ["destination names", { destNames: ["coredns-*", "nothing"] }, null],
  ["endpoint types", { endpointTypes: ["NS", "HEP"] }, null],
  ["actions", { actions: ["DENY"] }, null],
  ["ports", { ports: [53, 443, 8080] }, null],
  ["protocols in any case", { protocols: ["UDP"] }, null],
  ["reporter", { reporter: "DST" }, null],
  ["deciding tier", { policy: { tier: "default" } }, null],
  ["deciding name, bare", { policy: { name: "default.trusted" } }, null],
  ["deciding name with an underscore (a LIKE wildcard)", { policy: { name: "knp.default.allow_web" } }, null],
  ["deciding action", { policy: { action: "DENY" } }, null],
  ["deciding tier and action", { policy: { tier: "default", action: "ALLOW" } }, null],
  ["any hit: a pass in a tier", { policy: { tier: "security", action: "PASS", deciding: false } }, null],
  ["any hit: by full name", { policy: { name: "storefront/default.dmz", deciding: false } }, null],
  ["a source selector", { sourceSelector: "fw-zone in {'trusted', 'dmz'}" }, null],
  ["a selector that matches unlabelled ends", { sourceSelector: "!has(app)" }, null],
  ["a destination selector over a plain label map", { destSelector: "app == 'plain-map'" }, null],
  ["both selectors", { sourceSelector: "has(fw-zone)", destSelector: "fw-zone == 'trusted'" }, null],
  ["a column field", { fields: [{ field: "dest_service_name", values: ["frontend"] }] }, null],
  ["a negated column field that is absent in most records", { fields: [{ field: "host", values: ["sim-node-1"], negate: true }] }, null],
  ["a numeric field", { fields: [{ field: "source_port", values: ["40123"] }] }, null],
  ["the deciding rule", { fields: [{ field: "policy_rule", values: ["1"] }] }, null],
  ["a record field", { fields: [{ field: "dest_service_port_num", values: ["80"] }] }, null],
  ["a record field held as a dash", { fields: [{ field: "dest_service_port", values: ["-"] }] }, null],
  ["a negated record field", { fields: [{ field: "process_name", values: ["curl"], negate: true }] }, null],
  ["an array record field as text", { fields: [{ field: "nat_outgoing_ports", values: ["[1, 2]"] }] }, null],
  ["domains", { fields: [{ field: "dest_domains", values: ["example.com", "solo.example.com"] }] }, null],
  ["negated domains", { fields: [{ field: "dest_domains", values: ["example.com"], negate: true }] }, null],
  ["everything at once", { namespaces: ["storefront"], actions: ["ALLOW"], protocols: ["tcp"], sourceSelector: "has(app)", fields: [{ field: "reporter", values: ["src"] }] }, ["storefront"]],
];

describe("the in-memory flow matcher", () => {
  it.each(filters)("agrees with the SQL filter on %s", async (_name, filter, visible) => {
    const sql = await bySql(filter, visible);
    expect(inMemory(filter, visible)).toEqual(sql);
  });

  it("is put to the test: most filters select some records and leave others out", async () => {
    let partial = 0;
    for (const [, filter, visible] of filters) {
      const n = (await bySql(filter, visible)).length;
      if (n > 0 && n < records.length) partial++;
    }
    expect(partial).toBeGreaterThanOrEqual(filters.length - 1);
  });

  it.each(FILTERABLE_FIELDS)("reads the field %s the way the SQL filter does", async (field) => {
    // a value of the field from a record that has one, so the match selects something
    const sample = records.find((r) => r[field] !== undefined && r[field] !== null && r[field] !== "-") ?? records[0]!;
    const raw = sample[field] ?? (sample.policies as { enforced_policies?: string[] } | undefined)?.enforced_policies?.at(-1)?.split("|")[field === "policy_tier" ? 1 : field === "policy_name" ? 2 : 4];
    const text = Array.isArray(raw) && field === "dest_domains" ? String(raw[0]) : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
    for (const negate of [false, true]) {
      const filter = { fields: [{ field, values: [text, "no-such-value"], negate }] };
      expect(inMemory(filter, null)).toEqual(await bySql(filter, null));
    }
  });

  it("refuses an unknown field and a bad selector with the field named", () => {
    expect(() => compileFlowMatcher({ fields: [{ field: "nope", values: ["x"] }] }, null)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "filter.fields[0].field" }));
    expect(() => compileFlowMatcher({ destSelector: "app ==" }, null)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "filter.destSelector" }));
  });
});

describe("live thinning", () => {
  it("sends at most the rate in a second and reports what it left out with the next records sent", () => {
    let now = new Date("2026-11-21T09:00:00.100Z");
    const thin = new LiveThinner(5, () => now);
    const msg = (n: number) => ({ total: n, sampled: n });
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(thin.take(msg(10), ten)).toEqual({ records: [0, 1, 2, 3, 4], skipped: 5 });
    // the second's budget is spent: nothing is sent, the count carries over
    expect(thin.take(msg(3), [7, 8, 9])).toBeNull();
    now = new Date("2026-11-21T09:00:01.000Z");
    expect(thin.take(msg(2), [1, 2])).toEqual({ records: [1, 2], skipped: 3 });
    expect(thin.take(msg(0), [])).toBeNull();
  });

  it("publishes a large batch as an even sample and counts the records the sample stands for", () => {
    const batch = Array.from({ length: 2500 }, (_, i) => ({ i }));
    const m = liveMessageOf(batch, 1000);
    expect(m.total).toBe(2500);
    expect(m.records).toHaveLength(1000);
    expect(m.records[1]).toEqual({ i: 2 });
    const thin = new LiveThinner(10, () => new Date(0));
    // 100 of the sample matched: 10 sent, 90 skipped, and 150 more estimated among the 1500 unsampled records
    const out = thin.take({ total: m.total, sampled: m.records.length }, m.records.slice(0, 100));
    expect(out).toEqual({ records: m.records.slice(0, 10), skipped: 90 + 150 });
  });
});

describe("live publishing", () => {
  it("puts a batch on Redis only while someone listens to its cluster", async () => {
    const redis = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", "live-test");
    const subscriber = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", "live-test-events");
    const prefix = `t-${randomUUID()}`;
    const events = new PubSub(redis, subscriber, prefix);
    const live = new LivePublisher(events, redis, prefix);
    try {
      expect(await live.publish(tenantId, clusterId, records)).toBe(false);
      const it = events.iterate<LiveFlowMessage>(liveFlowsChannel(tenantId, clusterId));
      await it.ready;
      expect(await live.publish(tenantId, clusterId, records)).toBe(true);
      const got = await it.next();
      expect(got.value).toEqual({ total: records.length, records: JSON.parse(JSON.stringify(records)) });
      // another cluster's listener does not count
      expect(await live.publish(tenantId, randomUUID(), records)).toBe(false);
      await it.return?.();
    } finally {
      subscriber.disconnect();
      redis.disconnect();
    }
  });
});
