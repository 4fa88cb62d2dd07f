import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowStore } from "./flow-store.ts";

// one traffic round of the simulated storefront (zones and the rogue pod applied), as the simulator wrote it
const round = readFileSync(new URL("./fixtures/storefront-round.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const at = (records: Record<string, unknown>[], t: number) => records.map((r) => ({ ...r, start_time: t, end_time: t }));

let db: Database;
let store: FlowStore;
let tenantId: string;
let clusterId: string;

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_flow_store");
  db = opened.db;
  store = new FlowStore(db, opened.ownerUrl, 2);
  const tenant = await db.system.tenant.create({ data: { slug: `fs-${randomUUID().slice(0, 8)}`, name: "Flow store" } });
  tenantId = tenant.id;
  clusterId = (await db.system.cluster.create({ data: { tenantId, name: "c1" } })).id;
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

const one = async <T>(sql: string, ...params: unknown[]) => (await db.system.$queryRawUnsafe<T[]>(sql, ...params))[0]!;

describe("flow ingest", () => {
  const t0 = Date.UTC(2026, 10, 20, 10, 0, 5) / 1000;

  it("lifts the fields queries filter on out of each record, the deciding policy included", async () => {
    await store.store({ tenantId, clusterId, batchId: randomUUID(), records: at(round, t0), receivedAt: new Date() });
    const denied = await one<{ source_name: string; policy_tier: string; policy_name: string; policy_rule: number; enforced_policies: string[]; labels: string[]; packets_out: bigint }>(
      `SELECT f.source_name, f.policy_tier, f.policy_name, f.policy_rule, f.enforced_policies, s.labels, f.packets_out
       FROM flow_logs f JOIN flow_label_sets s ON s.id = f.source_labels_id
       WHERE f.cluster_id = $1::uuid AND f.action = 'deny' AND f.dest_name_aggr = 'public' AND f.dest_port = 443 AND f.source_name_aggr LIKE 'microservice2-%'`,
      clusterId,
    );
    expect(denied.source_name).toMatch(/^microservice2-/);
    expect([denied.policy_tier, denied.policy_name, denied.policy_rule]).toEqual(["default", "storefront/default.trusted", 1]);
    expect(denied.enforced_policies.at(-1)).toBe("2|default|storefront/default.trusted|deny|1");
    expect(denied.labels).toEqual(["app=microservice2", "fw-zone=trusted", "pod-template-hash=fddf7cff8"]);
    expect(Number(denied.packets_out)).toBe(1);
  });

  it("keeps per-minute and hourly rollups whose sums equal the raw records'", async () => {
    const raw = await one<{ n: bigint; flows: bigint; bytes: bigint }>(`SELECT count(*) n, sum(num_flows) flows, sum(bytes_in + bytes_out) bytes FROM flow_logs WHERE cluster_id = $1::uuid`, clusterId);
    const rolled = await one<{ n: bigint; flows: bigint; bytes: bigint; minutes: bigint }>(
      `SELECT sum(records) n, sum(num_flows) flows, sum(bytes_in + bytes_out) bytes, count(DISTINCT minute) minutes FROM flow_rollups WHERE cluster_id = $1::uuid`,
      clusterId,
    );
    expect([Number(rolled.n), Number(rolled.flows), Number(rolled.bytes)]).toEqual([Number(raw.n), Number(raw.flows), Number(raw.bytes)]);
    expect(Number(rolled.minutes)).toBe(1);
    const hourly = await one<{ n: bigint; flows: bigint; bytes: bigint }>(`SELECT sum(records) n, sum(num_flows) flows, sum(bytes_in + bytes_out) bytes FROM flow_rollups_hourly WHERE cluster_id = $1::uuid`, clusterId);
    expect([Number(hourly.n), Number(hourly.flows), Number(hourly.bytes)]).toEqual([Number(raw.n), Number(raw.flows), Number(raw.bytes)]);
    const policyLevels = await one<{ per_minute: bigint; per_hour: bigint }>(
      `SELECT (SELECT sum(num_flows) FROM flow_policy_rollups WHERE cluster_id = $1::uuid) AS per_minute, (SELECT sum(num_flows) FROM flow_policy_rollups_hourly WHERE cluster_id = $1::uuid) AS per_hour`,
      clusterId,
    );
    expect(Number(policyLevels.per_hour)).toBe(Number(policyLevels.per_minute));
  });

  it("counts each trace entry on the policy rollup, by reporter and action", async () => {
    const rows = await db.system.$queryRawUnsafe<{ policy: string; rule: number; reporter: string; action: string; n: bigint }[]>(
      `SELECT policy, rule, reporter, action, sum(num_flows) n FROM flow_policy_rollups WHERE cluster_id = $1::uuid AND NOT pending AND tier = 'default' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      clusterId,
    );
    // trusted's egress Deny rule stops the microservices' traffic to the internet, at the source
    const deniedByTrusted = rows.find((r) => r.policy === "storefront/default.trusted" && r.action === "deny" && r.reporter === "src");
    expect(deniedByTrusted).toMatchObject({ rule: 1 });
    // the rogue pod's flows into the dmz are denied by dmz's ingress Deny rule, at the destination
    expect(rows.find((r) => r.policy === "storefront/default.dmz" && r.action === "deny")).toMatchObject({ rule: 1, reporter: "dst" });
    const expected = round.filter((r) => r.reporter === "src" && (r.policies as { enforced_policies: string[] }).enforced_policies.includes("2|default|storefront/default.trusted|deny|1")).length;
    expect(Number(deniedByTrusted!.n)).toBe(expected);
  });

  it("adds a second batch of the same minute to the same rollup rows, and a resent batch to nothing", async () => {
    const before = await one<{ n: bigint; rows: bigint }>(`SELECT sum(records) n, count(*) rows FROM flow_rollups WHERE cluster_id = $1::uuid`, clusterId);
    const batchId = randomUUID();
    await store.store({ tenantId, clusterId, batchId, records: at(round, t0 + 30), receivedAt: new Date() });
    const again = await store.store({ tenantId, clusterId, batchId, records: at(round, t0 + 30), receivedAt: new Date() });
    expect(again.duplicate).toBe(true);
    const after = await one<{ n: bigint; rows: bigint }>(`SELECT sum(records) n, count(*) rows FROM flow_rollups WHERE cluster_id = $1::uuid`, clusterId);
    expect(Number(after.n)).toBe(Number(before.n) + round.length);
    expect(after.rows).toBe(before.rows);
    const sets = await one<{ n: bigint }>(`SELECT count(*) n FROM flow_label_sets WHERE cluster_id = $1::uuid`, clusterId);
    expect(Number(sets.n)).toBe(new Set(round.flatMap((r) => [JSON.stringify(r.source_labels), JSON.stringify(r.dest_labels)]).values()).size - (round.some((r) => !r.source_labels || !r.dest_labels) ? 1 : 0));
  });
});
