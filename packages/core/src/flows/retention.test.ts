import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePartitions, listPartitions, partitionName } from "./partitions.ts";
import { runFlowRetention } from "./retention.ts";

let db: Database;
beforeAll(async () => {
  db = (await openTestDatabase("palisade_test_flows")).db;
  // retention reads every tenant's setting: this database is this suite's alone, so start from none
  await db.system.tenant.deleteMany({});
});
afterAll(async () => {
  await db?.close();
});

const day = (d: string) => new Date(`${d}T00:00:00Z`);
const names = async (table: "flow_logs" | "flow_rollups") => (await listPartitions(db, table)).map((p) => p.name);
const defaults = { logDays: 30, rollupDays: 90 };

async function tenant(logDays: number | null): Promise<string> {
  const t = await db.system.tenant.create({ data: { slug: `t-${randomUUID().slice(0, 8)}`, name: "T", flowLogRetentionDays: logDays } });
  return t.id;
}

async function flowAt(tenantId: string, at: Date): Promise<void> {
  await db.system.$executeRawUnsafe(
    `INSERT INTO flow_logs (tenant_id, cluster_id, batch_id, start_time, end_time, source_type, source_namespace, source_name_aggr, dest_type, dest_namespace, dest_name_aggr, proto, action, reporter, num_flows, bytes_in, bytes_out, record)
     VALUES ($1::uuid, gen_random_uuid(), gen_random_uuid(), $2, $2, 'wep', 'a', 'a-*', 'wep', 'b', 'b-*', 'tcp', 'allow', 'src', 1, 0, 0, '{}')`,
    tenantId,
    at,
  );
}

const count = async (tenantId: string) => Number((await db.system.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM flow_logs WHERE tenant_id = $1::uuid`, tenantId))[0]!.n);

describe("flow retention", () => {
  it("drops whole partitions past retention, keeps the rest and creates the coming days'", async () => {
    const now = new Date("2031-03-10T05:00:00Z");
    await ensurePartitions(db, [day("2031-02-01"), day("2031-02-07"), day("2031-02-08"), day("2031-03-10"), day("2030-11-01")]);
    const { dropped } = await runFlowRetention({ db, now: () => now }, defaults);
    // the cutoff is midnight 30 days before today (2031-02-08): days ending by then go
    expect(dropped).toEqual(expect.arrayContaining([partitionName(day("2031-02-01")), partitionName(day("2031-02-07"))]));
    expect(dropped).not.toContain(partitionName(day("2031-02-08")));
    const left = await names("flow_logs");
    for (const d of ["2031-02-08", "2031-03-10", "2031-03-11", "2031-03-12"]) expect(left).toContain(partitionName(day(d)));
    expect(left).not.toContain(partitionName(day("2031-02-01")));
    // rollups keep 90 days: February stays, November 2030 goes
    const rollups = await names("flow_rollups");
    expect(rollups).toContain(partitionName(day("2031-02-01"), "flow_rollups"));
    expect(dropped).toContain(partitionName(day("2030-11-01"), "flow_rollups"));
  });

  it("is safe to run twice", async () => {
    const now = new Date("2031-03-10T05:00:00Z");
    await runFlowRetention({ db, now: () => now }, defaults);
    const again = await runFlowRetention({ db, now: () => now }, defaults);
    expect(again.dropped).toEqual([]);
  });

  it("keeps each tenant's flows as long as that tenant asked, and drops a day only when nobody keeps it", async () => {
    const now = new Date("2031-06-20T05:00:00Z");
    const keepsLong = await tenant(60);
    const keepsShort = await tenant(7);
    const keepsDefault = await tenant(null);
    await ensurePartitions(db, [day("2031-04-01"), day("2031-05-01"), day("2031-06-01"), day("2031-06-19")]);
    for (const t of [keepsLong, keepsShort, keepsDefault]) for (const d of ["2031-04-01", "2031-05-01", "2031-06-01", "2031-06-19"]) await flowAt(t, new Date(`${d}T12:00:00Z`));
    const { dropped, deleted } = await runFlowRetention({ db, now: () => now }, defaults);
    // 60 days back is 2031-04-21: April 1st goes whole; May 1st stays for the tenant keeping 60 days
    expect(dropped).toContain(partitionName(day("2031-04-01")));
    expect(dropped).not.toContain(partitionName(day("2031-05-01")));
    expect(await count(keepsLong)).toBe(3);
    expect(await count(keepsDefault)).toBe(2); // 30 days: June 1st and 19th
    expect(await count(keepsShort)).toBe(1); // 7 days: June 19th
    expect(deleted.flow_logs).toBe(3);
  });
});
