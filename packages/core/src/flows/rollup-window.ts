import type { FlowFilterTable } from "./filter.ts";

const HOUR = 3_600_000;

/** A stretch of a window and the rollup table that answers it. */
export interface RollupPart {
  table: Exclude<FlowFilterTable, "raw">;
  from: Date;
  to: Date;
}

/** A window as the rollups answer it: its whole hours from the hourly table, the partial hours at its ends per minute. */
export function rollupParts(from: Date, to: Date): RollupPart[] {
  const hoursFrom = new Date(Math.ceil(from.getTime() / HOUR) * HOUR);
  const hoursTo = new Date(Math.floor(to.getTime() / HOUR) * HOUR);
  if (hoursTo <= hoursFrom) return [{ table: "rollup", from, to }];
  const parts: RollupPart[] = [{ table: "hourly", from: hoursFrom, to: hoursTo }];
  if (from < hoursFrom) parts.push({ table: "rollup", from, to: hoursFrom });
  if (hoursTo < to) parts.push({ table: "rollup", from: hoursTo, to });
  return parts;
}

/** The table each level's rows live in. */
export const ROLLUP_TABLES = {
  graph: { rollup: "flow_rollups", hourly: "flow_rollups_hourly" },
  policy: { rollup: "flow_policy_rollups", hourly: "flow_policy_rollups_hourly" },
} as const;
