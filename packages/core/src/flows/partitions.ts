import type { Database } from "@palisade/db";

/** flow_logs is partitioned by UTC day of the record's start time: flow_logs_pYYYYMMDD. */
export function partitionName(day: Date): string {
  return `flow_logs_p${day.toISOString().slice(0, 10).replace(/-/g, "")}`;
}

export function dayOf(t: Date): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
}

/** The DDL that creates a day's partition if it is missing. */
export function createPartitionSql(day: Date): string {
  const from = dayOf(day);
  const to = new Date(from.getTime() + 86_400_000);
  return `CREATE TABLE IF NOT EXISTS "${partitionName(from)}" PARTITION OF "flow_logs" FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`;
}

const DUPLICATE_TABLE = "42P07";

/** Creates the partitions of the given days (and of the next `aheadDays` after `now`). Owner's client: DDL. */
export async function ensurePartitions(db: Database, days: Date[]): Promise<void> {
  for (const day of days) {
    try {
      await db.system.$executeRawUnsafe(createPartitionSql(day));
    } catch (e) {
      // two processes creating the same day at once: the loser's IF NOT EXISTS can still collide
      if (!String((e as { code?: string; message?: string }).message ?? "").includes(DUPLICATE_TABLE) && (e as { code?: string }).code !== DUPLICATE_TABLE) throw e;
    }
  }
}

/** Days from `now` to `now + aheadDays`, for creating partitions before records need them. */
export function daysAhead(now: Date, aheadDays: number): Date[] {
  const first = dayOf(now);
  return Array.from({ length: aheadDays + 1 }, (_, i) => new Date(first.getTime() + i * 86_400_000));
}

/**
 * Retention: drops every partition whose whole day is older than `retentionDays` before `now`, and the
 * batch ids received before then (a batch that old is not resent). Answers the partitions dropped.
 */
export async function dropExpiredFlowPartitions(db: Database, now: Date, retentionDays: number): Promise<string[]> {
  const cutoff = new Date(dayOf(now).getTime() - retentionDays * 86_400_000);
  const rows = await db.system.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'flow_logs'`;
  const dropped: string[] = [];
  for (const { name } of rows) {
    const m = /^flow_logs_p(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (!m) continue;
    const end = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + 86_400_000);
    if (end <= cutoff) {
      await db.system.$executeRawUnsafe(`DROP TABLE IF EXISTS "${name}"`);
      dropped.push(name);
    }
  }
  // cross-tenant: retention is the operator's, across every tenant
  await db.system.flowBatch.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  return dropped.sort();
}
