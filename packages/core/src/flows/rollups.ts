import { labelList } from "./labels.ts";
import { decidingEntry, parseTraceEntry, traceOf } from "./trace.ts";

/** One per-minute row of the flow graph's rollup (flow_rollups). Absent values are '' and -1. */
export interface GraphRollup {
  minute: number;
  sourceType: string;
  sourceNamespace: string;
  sourceNameAggr: string;
  sourceLabelsId: number;
  destType: string;
  destNamespace: string;
  destNameAggr: string;
  destLabelsId: number;
  destPort: number;
  proto: string;
  action: string;
  reporter: string;
  policyTier: string;
  policyName: string;
  policyRule: number;
  records: number;
  numFlows: number;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** One per-minute row of the policy board's rollup (flow_policy_rollups): a trace entry's connections. */
export interface PolicyRollup {
  minute: number;
  pending: boolean;
  tier: string;
  policy: string;
  rule: number;
  reporter: string;
  action: string;
  records: number;
  numFlows: number;
}

/** Unix seconds of the minute a record's start time falls in. */
export const minuteOf = (startTime: number): number => Math.floor(startTime / 60) * 60;

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * The rollup rows of a batch, aggregated and sorted by key (two batches upserting the same keys then lock
 * rows in the same order, so they cannot deadlock). `labelSetId` answers the id of a label list (0: none).
 */
export function rollupsOf(records: readonly Record<string, unknown>[], labelSetId: (labels: string[] | null) => number): { graph: GraphRollup[]; policy: PolicyRollup[] } {
  const graph = new Map<string, GraphRollup>();
  const policy = new Map<string, PolicyRollup>();
  for (const r of records) {
    const minute = minuteOf(num(r.start_time));
    const trace = traceOf(r);
    const deciding = decidingEntry(trace.enforced);
    const g: GraphRollup = {
      minute,
      sourceType: str(r.source_type),
      sourceNamespace: str(r.source_namespace),
      sourceNameAggr: str(r.source_name_aggr),
      sourceLabelsId: labelSetId(labelList(r.source_labels)),
      destType: str(r.dest_type),
      destNamespace: str(r.dest_namespace),
      destNameAggr: str(r.dest_name_aggr),
      destLabelsId: labelSetId(labelList(r.dest_labels)),
      destPort: typeof r.dest_port === "number" ? r.dest_port : -1,
      proto: str(r.proto),
      action: str(r.action),
      reporter: str(r.reporter),
      policyTier: deciding?.tier ?? "",
      policyName: deciding?.name ?? "",
      policyRule: deciding?.rule ?? -1,
      records: 1,
      numFlows: num(r.num_flows),
      packetsIn: num(r.packets_in),
      packetsOut: num(r.packets_out),
      bytesIn: num(r.bytes_in),
      bytesOut: num(r.bytes_out),
    };
    const gk = [g.minute, g.sourceType, g.sourceNamespace, g.sourceNameAggr, g.sourceLabelsId, g.destType, g.destNamespace, g.destNameAggr, g.destLabelsId, g.destPort, g.proto, g.action, g.reporter, g.policyTier, g.policyName, g.policyRule].join("\u0000");
    const had = graph.get(gk);
    if (had) {
      had.records += 1;
      had.numFlows += g.numFlows;
      had.packetsIn += g.packetsIn;
      had.packetsOut += g.packetsOut;
      had.bytesIn += g.bytesIn;
      had.bytesOut += g.bytesOut;
    } else graph.set(gk, g);

    for (const [pending, list] of [
      [false, trace.enforced],
      [true, trace.pending],
    ] as const) {
      for (const s of list) {
        const e = parseTraceEntry(s);
        if (!e) continue;
        const pk = [minute, pending, e.tier, e.name, e.rule, g.reporter, e.action].join("\u0000");
        const p = policy.get(pk);
        if (p) {
          p.records += 1;
          p.numFlows += g.numFlows;
        } else policy.set(pk, { minute, pending, tier: e.tier, policy: e.name, rule: e.rule, reporter: g.reporter, action: e.action, records: 1, numFlows: g.numFlows });
      }
    }
  }
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { graph: sorted(graph), policy: sorted(policy) };
}
