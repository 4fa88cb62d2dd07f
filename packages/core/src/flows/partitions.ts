import type { Database } from "@palisade/db";

/** The day-partitioned flow tables and the column each is partitioned on. */
export const FLOW_TABLES = {
  flow_logs: "start_time",
  flow_rollups: "minute",
  flow_policy_rollups: "minute",
  flow_rollups_hourly: "hour",
  flow_policy_rollups_hourly: "hour",
} as const;
export type FlowTable = keyof typeof FLOW_TABLES;
const TABLES = Object.keys(FLOW_TABLES) as FlowTable[];

/** Each flow table is partitioned by UTC day: <table>_pYYYYMMDD. */
export function partitionName(day: Date, table: FlowTable = "flow_logs"): string {
  return `${table}_p${day.toISOString().slice(0, 10).replace(/-/g, "")}`;
}

export function dayOf(t: Date): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
}

/** The DDL that creates a day's partition of a table if it is missing. */
export function createPartitionSql(day: Date, table: FlowTable = "flow_logs"): string {
  const from = dayOf(day);
  const to = new Date(from.getTime() + 86_400_000);
  return `CREATE TABLE IF NOT EXISTS "${partitionName(from, table)}" PARTITION OF "${table}" FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`;
}

const DUPLICATE_TABLE = "42P07";

/** Creates the partitions of the given days in every flow table. Owner's client: DDL. */
export async function ensurePartitions(db: Database, days: Date[]): Promise<void> {
  for (const day of days) {
    for (const table of TABLES) {
      try {
        await db.system.$executeRawUnsafe(createPartitionSql(day, table));
      } catch (e) {
        // two processes creating the same day at once: the loser's IF NOT EXISTS can still collide
        if (!String((e as { code?: string; message?: string }).message ?? "").includes(DUPLICATE_TABLE) && (e as { code?: string }).code !== DUPLICATE_TABLE) throw e;
      }
    }
  }
}

/** Days from `now` to `now + aheadDays`, for creating partitions before records need them. */
export function daysAhead(now: Date, aheadDays: number): Date[] {
  const first = dayOf(now);
  return Array.from({ length: aheadDays + 1 }, (_, i) => new Date(first.getTime() + i * 86_400_000));
}

/** The partitions of a table with their day, oldest first. */
export async function listPartitions(db: Database, table: FlowTable): Promise<{ name: string; day: Date }[]> {
  const rows = await db.system.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = ${table}`;
  const out: { name: string; day: Date }[] = [];
  for (const { name } of rows) {
    const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (m) out.push({ name, day: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) });
  }
  return out.sort((a, b) => a.day.getTime() - b.day.getTime());
}

/** Drops every partition of `table` whose whole day ended by `cutoff`. Answers the partitions dropped. */
export async function dropPartitionsBefore(db: Database, table: FlowTable, cutoff: Date): Promise<string[]> {
  const dropped: string[] = [];
  for (const { name, day } of await listPartitions(db, table)) {
    if (day.getTime() + 86_400_000 <= cutoff.getTime()) {
      await db.system.$executeRawUnsafe(`DROP TABLE IF EXISTS "${name}"`);
      dropped.push(name);
    }
  }
  return dropped;
}
