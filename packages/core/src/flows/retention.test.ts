import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePartitions, partitionName } from "./partitions.ts";
import { runFlowRetention } from "./retention.ts";

let db: Database;
beforeAll(async () => {
  db = (await openTestDatabase("palisade_test_flows")).db;
});
afterAll(async () => {
  await db?.close();
});

const partitions = async () =>
  (
    await db.system.$queryRaw<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'flow_logs'`
  ).map((r) => r.name);

describe("flow retention", () => {
  it("drops whole partitions past retention, keeps the rest and creates the coming days'", async () => {
    const now = new Date("2031-03-10T05:00:00Z");
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    await ensurePartitions(db, [day("2031-02-01"), day("2031-02-07"), day("2031-02-08"), day("2031-03-10")]);
    const { dropped } = await runFlowRetention({ db, now: () => now }, 30);
    // the cutoff is midnight 30 days before today (2031-02-08): days ending by then go
    expect(dropped).toEqual(expect.arrayContaining([partitionName(day("2031-02-01")), partitionName(day("2031-02-07"))]));
    expect(dropped).not.toContain(partitionName(day("2031-02-08")));
    const left = await partitions();
    for (const d of ["2031-02-08", "2031-03-10", "2031-03-11", "2031-03-12"]) expect(left).toContain(partitionName(day(d)));
    expect(left).not.toContain(partitionName(day("2031-02-01")));
  });

  it("is safe to run twice", async () => {
    const now = new Date("2031-03-10T05:00:00Z");
    await runFlowRetention({ db, now: () => now }, 30);
    const again = await runFlowRetention({ db, now: () => now }, 30);
    expect(again.dropped).toEqual([]);
  });
});
