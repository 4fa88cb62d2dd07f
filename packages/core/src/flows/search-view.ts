import { labelList } from "./labels.ts";
import { policyRefOf, type PolicyRef } from "./search-policy-refs.ts";
import { decidingEntry, directionOf, parseTraceEntry, traceOf } from "./trace.ts";

/** A policy version as the API shows it (policyHistory's shape, times as ISO strings). */
export interface PolicyVersionView {
  revision: number;
  yaml: string | null;
  at: string;
  verb: string | null;
  actor: string | null;
  auditEventId: string | null;
}

export interface FlowPolicyHitView {
  index: number;
  tier: string;
  name: string;
  kind: string | null;
  namespace: string | null;
  staged: boolean;
  action: "ALLOW" | "DENY" | "PASS";
  ruleIndex: number;
  direction: "ingress" | "egress";
  policyVersion: PolicyVersionView | null;
}

/** A flow log as the contract's FlowLog type has it; `record` is the whole record as Calico wrote it. */
export interface FlowLogView {
  startTime: string;
  endTime: string;
  sourceType: string;
  sourceNamespace: string;
  sourceName: string;
  sourceNameAggr: string;
  sourceIp: string | null;
  sourcePort: number | null;
  sourceLabels: string[];
  destType: string;
  destNamespace: string;
  destName: string;
  destNameAggr: string;
  destIp: string | null;
  destPort: number | null;
  destLabels: string[];
  destServiceNamespace: string | null;
  destServiceName: string | null;
  destDomains: string[] | null;
  proto: string;
  action: "ALLOW" | "DENY";
  reporter: "SRC" | "DST";
  numFlows: number;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  host: string | null;
  policies: FlowPolicyHitView[];
  pendingPolicies: FlowPolicyHitView[];
  decidingPolicy: FlowPolicyHitView | null;
  record: Record<string, unknown>;
}

/** Answers the version of a policy enforced at a time (null: Palisade has none, or the caller may not see it). */
export type VersionLookup = (ref: PolicyRef, tier: string, at: Date) => PolicyVersionView | null;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "-" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const iso = (seconds: unknown) => new Date((typeof seconds === "number" ? seconds : 0) * 1000).toISOString();

/** Every policy a record's traces name, with the time its version is wanted for (the record's start). */
export function policyRefsOfRecord(record: Record<string, unknown>): Array<{ ref: PolicyRef; tier: string; at: Date }> {
  const trace = traceOf(record);
  const at = new Date((record.start_time as number) * 1000);
  const out: Array<{ ref: PolicyRef; tier: string; at: Date }> = [];
  for (const s of [...trace.enforced, ...trace.pending]) {
    const e = parseTraceEntry(s);
    const ref = e && policyRefOf(e);
    if (e && ref) out.push({ ref, tier: e.tier, at });
  }
  return out;
}

export function flowLogView(record: Record<string, unknown>, versionOf: VersionLookup = () => null): FlowLogView {
  const trace = traceOf(record);
  const start = new Date((record.start_time as number) * 1000);
  const direction = directionOf(String(record.reporter));
  const hits = (list: string[]) =>
    list.flatMap((s): FlowPolicyHitView[] => {
      const e = parseTraceEntry(s);
      if (!e) return [];
      const ref = policyRefOf(e);
      return [
        {
          index: e.index,
          tier: e.tier,
          name: e.name,
          kind: ref?.kind ?? (e.tier === "__PROFILE__" ? "Profile" : null),
          namespace: ref ? ref.namespace || null : null,
          staged: ref?.staged ?? false,
          action: e.action.toUpperCase() as FlowPolicyHitView["action"],
          ruleIndex: e.rule,
          direction,
          policyVersion: ref ? versionOf(ref, e.tier, start) : null,
        },
      ];
    });
  const policies = hits(trace.enforced);
  const deciding = decidingEntry(trace.enforced);
  const domains = record.dest_domains;
  return {
    startTime: iso(record.start_time),
    endTime: iso(record.end_time),
    sourceType: String(record.source_type),
    sourceNamespace: String(record.source_namespace),
    sourceName: typeof record.source_name === "string" ? record.source_name : "-",
    sourceNameAggr: String(record.source_name_aggr),
    sourceIp: str(record.source_ip),
    sourcePort: num(record.source_port),
    sourceLabels: labelList(record.source_labels) ?? [],
    destType: String(record.dest_type),
    destNamespace: String(record.dest_namespace),
    destName: typeof record.dest_name === "string" ? record.dest_name : "-",
    destNameAggr: String(record.dest_name_aggr),
    destIp: str(record.dest_ip),
    destPort: num(record.dest_port),
    destLabels: labelList(record.dest_labels) ?? [],
    destServiceNamespace: str(record.dest_service_namespace),
    destServiceName: str(record.dest_service_name),
    destDomains: Array.isArray(domains) ? domains.filter((d): d is string => typeof d === "string") : null,
    proto: String(record.proto),
    action: String(record.action).toUpperCase() as FlowLogView["action"],
    reporter: String(record.reporter).toUpperCase() as FlowLogView["reporter"],
    numFlows: num(record.num_flows) ?? 0,
    packetsIn: num(record.packets_in) ?? 0,
    packetsOut: num(record.packets_out) ?? 0,
    bytesIn: num(record.bytes_in) ?? 0,
    bytesOut: num(record.bytes_out) ?? 0,
    host: str(record.host),
    policies,
    pendingPolicies: hits(trace.pending),
    // the deciding entry is the last non-pass of the enforced trace
    decidingPolicy: deciding ? (policies.findLast((h) => h.index === deciding.index && h.name === deciding.name && h.action !== "PASS") ?? null) : null,
    record,
  };
}
