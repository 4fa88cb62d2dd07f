/** The fields of a Calico flow log record that Palisade stores in columns; the whole record is kept too. */
export interface FlowRecord {
  start_time: number;
  end_time: number;
  source_type: string;
  source_namespace: string;
  source_name_aggr: string;
  source_ip: string | null;
  dest_type: string;
  dest_namespace: string;
  dest_name_aggr: string;
  dest_ip: string | null;
  dest_port: number | null;
  proto: string;
  action: string;
  reporter: string;
  num_flows: number;
  bytes_in: number;
  bytes_out: number;
}

const STRINGS = ["source_type", "source_namespace", "source_name_aggr", "dest_type", "dest_namespace", "dest_name_aggr", "proto", "action", "reporter"] as const;
const OPTIONAL_STRINGS = ["source_ip", "dest_ip"] as const;
const COUNTS = ["num_flows", "bytes_in", "bytes_out"] as const;
/** Calico writes times as Unix seconds; anything before 2000 or after 2100 is not a flow time. */
const MIN_TIME = 946_684_800;
const MAX_TIME = 4_102_444_800;

/** Why a record cannot be stored, or null. Checked before anything of its batch is written. */
export function flowRecordProblem(r: Record<string, unknown>): string | null {
  for (const f of ["start_time", "end_time"] as const) {
    const v = r[f];
    if (typeof v !== "number" || !Number.isFinite(v) || v < MIN_TIME || v > MAX_TIME) return `${f} must be Unix seconds`;
  }
  for (const f of STRINGS) if (typeof r[f] !== "string") return `${f} must be a string`;
  for (const f of OPTIONAL_STRINGS) if (r[f] !== null && r[f] !== undefined && typeof r[f] !== "string") return `${f} must be a string or null`;
  for (const f of COUNTS) if (typeof r[f] !== "number" || !Number.isInteger(r[f]) || (r[f] as number) < 0) return `${f} must be a non-negative integer`;
  const port = r.dest_port;
  if (port !== null && port !== undefined && (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)) return "dest_port must be a port number";
  return null;
}
