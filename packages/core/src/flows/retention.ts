import type { Database } from "@palisade/db";
import { dayOf, daysAhead, dropPartitionsBefore, ensurePartitions, FLOW_TABLES, type FlowTable } from "./partitions.ts";

/** Partitions created before records need them, so ingest rarely has to. */
export const PARTITIONS_AHEAD_DAYS = 2;

export interface RetentionDefaults {
  /** days of raw flow logs kept for a tenant that set none */
  logDays: number;
  /** days of rollups kept for a tenant that set none */
  rollupDays: number;
}

export interface RetentionOutcome {
  dropped: string[];
  /** rows deleted for tenants that keep less than the longest retention, by table */
  deleted: Record<FlowTable, number>;
}

const DAY = 86_400_000;

/**
 * The flow-retention job. Partitions are shared by every tenant, so a whole day goes when no tenant keeps
 * it any longer (the longest retention decides); a tenant that keeps less has its own older rows deleted
 * from the days that remain. Also creates the coming days' partitions. Safe to run twice.
 */
export async function runFlowRetention(deps: { db: Database; now: () => Date }, defaults: RetentionDefaults): Promise<RetentionOutcome> {
  const now = deps.now();
  const today = dayOf(now).getTime();
  await ensurePartitions(deps.db, daysAhead(now, PARTITIONS_AHEAD_DAYS));
  // cross-tenant: retention is the operator's job across every tenant
  const tenants = await deps.db.system.tenant.findMany({ select: { id: true, flowLogRetentionDays: true, flowRollupRetentionDays: true } });
  const plans: { tables: FlowTable[]; fallback: number; raw: boolean; days: (t: (typeof tenants)[number]) => number }[] = [
    { tables: ["flow_logs"], fallback: defaults.logDays, raw: true, days: (t) => t.flowLogRetentionDays ?? defaults.logDays },
    {
      tables: ["flow_rollups", "flow_policy_rollups", "flow_rollups_hourly", "flow_policy_rollups_hourly"],
      fallback: defaults.rollupDays,
      raw: false,
      days: (t) => t.flowRollupRetentionDays ?? defaults.rollupDays,
    },
  ];
  const dropped: string[] = [];
  const deleted = Object.fromEntries(Object.keys(FLOW_TABLES).map((t) => [t, 0])) as Record<FlowTable, number>;
  for (const plan of plans) {
    const longest = Math.max(plan.fallback, ...tenants.map(plan.days));
    const cutoff = new Date(today - longest * DAY);
    for (const table of plan.tables) {
      dropped.push(...(await dropPartitionsBefore(deps.db, table, cutoff)));
      for (const t of tenants) {
        const days = plan.days(t);
        if (days >= longest) continue;
        const own = new Date(today - days * DAY);
        deleted[table] += await deps.db.system.$executeRawUnsafe(`DELETE FROM "${table}" WHERE tenant_id = $1::uuid AND "${FLOW_TABLES[table]}" < $2`, t.id, own);
      }
    }
    // a batch older than every tenant's raw retention is not resent; forget its id
    if (plan.raw) await deps.db.system.flowBatch.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  }
  return { dropped: dropped.sort(), deleted };
}
