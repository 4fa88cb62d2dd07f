import type { GraphRollup, PolicyRollup } from "./rollups.ts";

/** Runs one statement with positional parameters (a pg client in ingest, Prisma in tests and benches). */
export type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

const GRAPH_KEYS = [
  ["source_type", "text", "sourceType"], ["source_namespace", "text", "sourceNamespace"], ["source_name_aggr", "text", "sourceNameAggr"], ["source_labels_id", "bigint", "sourceLabelsId"],
  ["dest_type", "text", "destType"], ["dest_namespace", "text", "destNamespace"], ["dest_name_aggr", "text", "destNameAggr"], ["dest_labels_id", "bigint", "destLabelsId"],
  ["dest_port", "int", "destPort"], ["proto", "text", "proto"], ["action", "text", "action"], ["reporter", "text", "reporter"],
  ["policy_tier", "text", "policyTier"], ["policy_name", "text", "policyName"], ["policy_rule", "int", "policyRule"],
] as const satisfies readonly (readonly [string, string, keyof GraphRollup])[];
const GRAPH_SUMS = [
  ["records", "int", "records"], ["num_flows", "bigint", "numFlows"], ["packets_in", "bigint", "packetsIn"], ["packets_out", "bigint", "packetsOut"],
  ["bytes_in", "bigint", "bytesIn"], ["bytes_out", "bigint", "bytesOut"],
] as const satisfies readonly (readonly [string, string, keyof GraphRollup])[];
const POLICY_KEYS = [
  ["pending", "bool", "pending"], ["tier", "text", "tier"], ["policy", "text", "policy"], ["rule", "int", "rule"], ["reporter", "text", "reporter"], ["action", "text", "action"],
] as const satisfies readonly (readonly [string, string, keyof PolicyRollup])[];
const POLICY_SUMS = [
  ["records", "int", "records"], ["num_flows", "bigint", "numFlows"],
] as const satisfies readonly (readonly [string, string, keyof PolicyRollup])[];

type Column<R> = readonly [name: string, type: string, field: keyof R];

/**
 * One upsert adding rows to a rollup table at a level: the rows (per minute) are summed to the level's unit in
 * SQL first, since one statement cannot update a row twice, and taken in key order, so two batches adding to
 * the same rows lock them in the same order and cannot deadlock.
 */
function upsertSql<R>(table: string, time: "minute" | "hour", keys: readonly Column<R>[], sums: readonly Column<R>[]): string {
  const cols = [...keys, ...sums];
  const unnest = [`$3::timestamptz[]`, ...cols.map(([, type], i) => `$${i + 4}::${type}[]`)].join(", ");
  const keyNames = keys.map(([n]) => n);
  const order = ["3", ...keyNames.map((_, i) => String(i + 4))].join(", ");
  return `INSERT INTO ${table} (tenant_id, cluster_id, ${time}, ${[...keyNames, ...sums.map(([n]) => n)].join(", ")})
    SELECT $1::uuid, $2::uuid, date_trunc('${time}', u.t), ${keyNames.map((n) => `u.${n}`).join(", ")}, ${sums.map(([n]) => `sum(u.${n})`).join(", ")}
    FROM unnest(${unnest}) AS u(t, ${cols.map(([n]) => n).join(", ")})
    GROUP BY ${order} ORDER BY ${order}
    ON CONFLICT (tenant_id, cluster_id, ${time}, ${keyNames.join(", ")})
    DO UPDATE SET ${sums.map(([n]) => `${n} = ${table}.${n} + EXCLUDED.${n}`).join(", ")}`;
}

const STATEMENTS = {
  graphMinute: upsertSql("flow_rollups", "minute", GRAPH_KEYS, GRAPH_SUMS),
  graphHour: upsertSql("flow_rollups_hourly", "hour", GRAPH_KEYS, GRAPH_SUMS),
  policyMinute: upsertSql("flow_policy_rollups", "minute", POLICY_KEYS, POLICY_SUMS),
  policyHour: upsertSql("flow_policy_rollups_hourly", "hour", POLICY_KEYS, POLICY_SUMS),
};

function params<R extends { minute: number }>(tenantId: string, clusterId: string, rows: readonly R[], cols: readonly Column<R>[]): unknown[] {
  return [tenantId, clusterId, rows.map((r) => new Date(r.minute * 1000).toISOString()), ...cols.map(([, , f]) => rows.map((r) => r[f]))];
}

/** Adds a batch's rollups to the per-minute and the hourly tables (four statements), in the caller's transaction. */
export async function writeRollups(exec: Exec, tenantId: string, clusterId: string, rollups: { graph: readonly GraphRollup[]; policy: readonly PolicyRollup[] }): Promise<void> {
  if (rollups.graph.length > 0) {
    const p = params(tenantId, clusterId, rollups.graph, [...GRAPH_KEYS, ...GRAPH_SUMS]);
    await exec(STATEMENTS.graphMinute, p);
    await exec(STATEMENTS.graphHour, p);
  }
  if (rollups.policy.length > 0) {
    const p = params(tenantId, clusterId, rollups.policy, [...POLICY_KEYS, ...POLICY_SUMS]);
    await exec(STATEMENTS.policyMinute, p);
    await exec(STATEMENTS.policyHour, p);
  }
}
