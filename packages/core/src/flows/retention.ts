import type { Database } from "@palisade/db";
import { daysAhead, dropExpiredFlowPartitions, ensurePartitions } from "./partitions.ts";

/** Days of flow logs kept; whole days older go with their partition. */
export const DEFAULT_FLOW_RETENTION_DAYS = 30;
/** Partitions created before records need them, so ingest rarely has to. */
export const PARTITIONS_AHEAD_DAYS = 2;

/** The flow-retention job: creates the coming days' partitions and drops those past retention. */
export async function runFlowRetention(deps: { db: Database; now: () => Date }, retentionDays: number): Promise<{ dropped: string[] }> {
  const now = deps.now();
  await ensurePartitions(deps.db, daysAhead(now, PARTITIONS_AHEAD_DAYS));
  return { dropped: await dropExpiredFlowPartitions(deps.db, now, retentionDays) };
}
