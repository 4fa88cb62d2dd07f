import { labelList } from "./labels.ts";
import type { FlowRecord } from "./records.ts";
import { decidingEntry, traceOf } from "./trace.ts";

/** The flow_logs columns a stored record fills, each with its SQL type, in the order `flowRow` answers them. */
export const FLOW_COLUMN_TYPES = {
  tenant_id: "uuid", cluster_id: "uuid", batch_id: "uuid", start_time: "timestamptz", end_time: "timestamptz",
  source_type: "text", source_namespace: "text", source_name_aggr: "text", source_ip: "text",
  dest_type: "text", dest_namespace: "text", dest_name_aggr: "text", dest_ip: "text", dest_port: "int",
  proto: "text", action: "text", reporter: "text", num_flows: "int", bytes_in: "bigint", bytes_out: "bigint", record: "jsonb",
  source_name: "text", source_port: "int", source_labels_id: "bigint", dest_name: "text", dest_labels_id: "bigint",
  dest_service_namespace: "text", dest_service_name: "text", packets_in: "bigint", packets_out: "bigint", host: "text",
  enforced_policies: "text[]", pending_policies: "text[]", policy_tier: "text", policy_name: "text", policy_rule: "int", ordinal: "int",
} as const;
export const FLOW_COLUMNS = Object.keys(FLOW_COLUMN_TYPES) as (keyof typeof FLOW_COLUMN_TYPES)[];

export type FlowRowValue = string | number | string[] | null;

const text = (v: unknown): string | null => (typeof v === "string" && v !== "-" ? v : null);
const int = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * One checked record (flowRecordProblem) as the values of FLOW_COLUMNS: the fields queries filter on lifted
 * from the record, label sets as ids (`labelSetId`), the deciding policy (the last allow or deny of the
 * enforced trace), and the whole record as written.
 */
export function flowRow(tenantId: string, clusterId: string, batchId: string, ordinal: number, raw: Record<string, unknown>, labelSetId: (labels: string[]) => number): FlowRowValue[] {
  const r = raw as unknown as FlowRecord;
  const trace = traceOf(raw);
  const deciding = decidingEntry(trace.enforced);
  const sourceLabels = labelList(raw.source_labels);
  const destLabels = labelList(raw.dest_labels);
  return [
    tenantId, clusterId, batchId, new Date(r.start_time * 1000).toISOString(), new Date(r.end_time * 1000).toISOString(),
    r.source_type, r.source_namespace, r.source_name_aggr, r.source_ip, r.dest_type, r.dest_namespace, r.dest_name_aggr, r.dest_ip,
    r.dest_port ?? null, r.proto, r.action, r.reporter, r.num_flows, r.bytes_in, r.bytes_out, JSON.stringify(raw),
    text(raw.source_name), int(raw.source_port), sourceLabels ? labelSetId(sourceLabels) : null, text(raw.dest_name), destLabels ? labelSetId(destLabels) : null,
    text(raw.dest_service_namespace), text(raw.dest_service_name), int(raw.packets_in), int(raw.packets_out), text(raw.host),
    trace.enforced, trace.pending, deciding?.tier ?? null, deciding?.name ?? null, deciding?.rule ?? null, ordinal,
  ];
}
