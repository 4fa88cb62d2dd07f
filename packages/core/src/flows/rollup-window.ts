import type { FlowFilterTable } from "./filter.ts";

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A stretch of a window and the table that answers it. */
export interface WindowPart<T extends FlowFilterTable = FlowFilterTable> {
  table: T;
  from: Date;
  to: Date;
}

const ceil = (t: Date, unit: number) => new Date(Math.ceil(t.getTime() / unit) * unit);
const floor = (t: Date, unit: number) => new Date(Math.floor(t.getTime() / unit) * unit);

/** A window as the rollups answer it: its whole hours from the hourly table, the partial hours at its ends per minute. */
export function rollupParts(from: Date, to: Date): WindowPart<"rollup" | "hourly">[] {
  const hoursFrom = ceil(from, HOUR);
  const hoursTo = floor(to, HOUR);
  if (hoursTo <= hoursFrom) return [{ table: "rollup", from, to }];
  const parts: WindowPart<"rollup" | "hourly">[] = [{ table: "hourly", from: hoursFrom, to: hoursTo }];
  if (from < hoursFrom) parts.push({ table: "rollup", from, to: hoursFrom });
  if (hoursTo < to) parts.push({ table: "rollup", from: hoursTo, to });
  return parts;
}

/**
 * A window answered exactly and cheaply: its whole minutes from the rollups (whole hours hourly), the seconds
 * at its ends that fill no minute from the raw records.
 */
export function exactParts(from: Date, to: Date): WindowPart[] {
  const minutesFrom = ceil(from, MINUTE);
  const minutesTo = floor(to, MINUTE);
  if (minutesTo <= minutesFrom) return [{ table: "raw", from, to }];
  const parts: WindowPart[] = rollupParts(minutesFrom, minutesTo);
  if (from < minutesFrom) parts.push({ table: "raw", from, to: minutesFrom });
  if (minutesTo < to) parts.push({ table: "raw", from: minutesTo, to });
  return parts;
}

/** The table each level's rows live in. */
export const ROLLUP_TABLES = {
  graph: { rollup: "flow_rollups", hourly: "flow_rollups_hourly" },
  policy: { rollup: "flow_policy_rollups", hourly: "flow_policy_rollups_hourly" },
} as const;
