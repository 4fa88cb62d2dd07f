import type { Tx } from "@palisade/db";
import { parseSelector, SelectorSyntaxError, type Selector } from "@palisade/policy";
import { badInput } from "../errors.ts";
import { labelMap } from "./labels.ts";

export type EndpointType = "WEP" | "HEP" | "NS" | "NET";

export interface PolicyHitInput {
  tier?: string | null;
  /** Calico's flow-log name (`storefront/default.trusted`) or the tier-qualified name alone (`default.trusted`) */
  name?: string | null;
  action?: "ALLOW" | "DENY" | "PASS" | null;
  /** only the entry that decided the flow (default), or any entry of the enforced trace */
  deciding?: boolean | null;
}

export interface FieldMatch {
  field: string;
  values: string[];
  negate?: boolean | null;
}

/** Lists are OR within themselves and AND across fields; `namespaces`, `names` and `endpointTypes` match either end. */
export interface FlowFilterInput {
  namespaces?: string[] | null;
  sourceNamespaces?: string[] | null;
  destNamespaces?: string[] | null;
  /** aggregated names (`frontend-6d996fbd97-*`); a trailing `*` makes a prefix (`frontend-*`) */
  names?: string[] | null;
  sourceNames?: string[] | null;
  destNames?: string[] | null;
  endpointTypes?: EndpointType[] | null;
  actions?: ("ALLOW" | "DENY")[] | null;
  ports?: number[] | null;
  protocols?: string[] | null;
  reporter?: "SRC" | "DST" | null;
  policy?: PolicyHitInput | null;
  sourceSelector?: string | null;
  destSelector?: string | null;
  /** flow logs only: any field of the record by its Calico name */
  fields?: FieldMatch[] | null;
}

export interface FlowScope {
  clusterId: string;
  from: Date;
  to: Date;
  /** null: every namespace */
  visibleNamespaces: string[] | null;
}

/** flow_logs, flow_rollups (per minute) or flow_rollups_hourly */
export type FlowFilterTable = "raw" | "rollup" | "hourly";

const MAX_VALUES = 200;
const MAX_WINDOW_DAYS = 31;

/** How each Calico field a `fields` match may name is read from flow_logs. */
const FIELDS: Record<string, { sql: string; list?: boolean }> = Object.fromEntries([
  ...["source_type", "source_namespace", "source_name", "source_name_aggr", "source_ip", "dest_type", "dest_namespace", "dest_name", "dest_name_aggr", "dest_ip",
    "dest_service_namespace", "dest_service_name", "proto", "action", "reporter", "host", "policy_tier", "policy_name"].map((f) => [f, { sql: f }]),
  ...["source_port", "dest_port", "num_flows", "bytes_in", "bytes_out", "packets_in", "packets_out", "policy_rule"].map((f) => [f, { sql: `${f}::text` }]),
  ...["dest_service_port", "dest_service_port_num", "process_name", "process_id", "num_flows_started", "num_flows_completed", "tcp_mean_send_congestion_window",
    "tcp_mean_smooth_rtt", "nat_outgoing_ports", "original_source_ips"].map((f) => [f, { sql: `(record->>'${f}')` }]),
  ["dest_domains", { sql: "record->'dest_domains'", list: true }],
]);

/** Names of the fields `fields` accepts, for errors and documentation. */
export const FILTERABLE_FIELDS: readonly string[] = Object.keys(FIELDS).sort();

/** A window from ISO strings: from before to, at most 31 days. */
export function flowWindow(from: string, to: string): { from: Date; to: Date } {
  const f = new Date(from);
  const t = new Date(to);
  if (Number.isNaN(f.getTime())) throw badInput("from", `from must be an ISO-8601 time, not ${JSON.stringify(from)}`);
  if (Number.isNaN(t.getTime())) throw badInput("to", `to must be an ISO-8601 time, not ${JSON.stringify(to)}`);
  if (f >= t) throw badInput("to", "to must be after from");
  if (t.getTime() - f.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw badInput("to", `a window spans at most ${MAX_WINDOW_DAYS} days`);
  return { from: f, to: t };
}

/** The rollup answers every filter except record fields and non-deciding policy hits. */
export function rollupCanAnswer(filter: FlowFilterInput | null | undefined): boolean {
  return !filter?.fields?.length && filter?.policy?.deciding !== false;
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function list<T>(field: string, v: T[] | null | undefined): T[] | null {
  if (v === null || v === undefined) return null;
  if (v.length === 0) throw badInput(field, `${field} must name at least one value (leave it out to match all)`);
  if (v.length > MAX_VALUES) throw badInput(field, `${field} takes at most ${MAX_VALUES} values`);
  return v;
}

function strings(field: string, v: string[] | null | undefined): string[] | null {
  const l = list(field, v);
  l?.forEach((s, i) => {
    if (s.length === 0 || s.length > 253) throw badInput(`${field}[${i}]`, `${field}[${i}] must be 1 to 253 characters`);
  });
  return l;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function nameCondition(p: Params, column: string, names: string[]): string {
  const exact = names.filter((n) => !n.endsWith("*"));
  const prefixes = names.filter((n) => n.endsWith("*")).map((n) => `${likeEscape(n.slice(0, -1))}%`);
  const parts: string[] = [];
  if (exact.length) parts.push(`${column} = ANY(${p.add(exact)}::text[])`);
  if (prefixes.length) parts.push(`${column} LIKE ANY(${p.add(prefixes)}::text[])`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`;
}

function selectorOf(field: string, text: string | null | undefined): Selector | null {
  if (text === null || text === undefined) return null;
  if (text.length > 4096) throw badInput(field, `${field} is longer than 4096 characters`);
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) throw badInput(field, `${field}: ${e.message}`);
    throw e;
  }
}

/** Ids of the cluster's label sets a selector matches (0 stands for ends without labels). */
async function matchingLabelSets(tx: Tx, clusterId: string, selectors: Selector[]): Promise<number[][]> {
  const sets = await tx.$queryRawUnsafe<{ id: bigint; labels: string[] }[]>(`SELECT id, labels FROM flow_label_sets WHERE cluster_id = $1::uuid`, clusterId);
  const maps = sets.map((s) => ({ id: Number(s.id), labels: labelMap(s.labels) }));
  return selectors.map((sel) => [...(sel.matches({}) ? [0] : []), ...maps.filter((m) => sel.matches(m.labels)).map((m) => m.id)]);
}

/**
 * The filter, the window, the cluster and the caller's visibility as a WHERE clause (without `WHERE`) over
 * flow_logs ("raw") or flow_rollups ("rollup"), with its parameters ($1...). Bad input is refused with the
 * field it concerns, before anything is read.
 */
export async function compileFlowFilter(tx: Tx, table: FlowFilterTable, filter: FlowFilterInput | null | undefined, scope: FlowScope): Promise<{ where: string; params: unknown[] }> {
  const f = filter ?? {};
  const p = new Params();
  const and: string[] = [];
  const raw = table === "raw";
  const time = raw ? "start_time" : table === "rollup" ? "minute" : "hour";

  and.push(`tenant_id = palisade_current_tenant()`, `cluster_id = ${p.add(scope.clusterId)}::uuid`);
  // a rollup row holds a whole minute (or hour): the window takes the units it starts in
  const unit = table === "rollup" ? 60_000 : 3_600_000;
  const from = raw ? scope.from : new Date(Math.floor(scope.from.getTime() / unit) * unit);
  and.push(`${time} >= ${p.add(from)}::timestamptz`, `${time} < ${p.add(scope.to)}::timestamptz`);
  if (scope.visibleNamespaces) {
    const v = p.add(scope.visibleNamespaces);
    and.push(`(source_namespace = ANY(${v}::text[]) OR dest_namespace = ANY(${v}::text[]))`);
  }

  const namespaces = strings("filter.namespaces", f.namespaces);
  if (namespaces) {
    const v = p.add(namespaces);
    and.push(`(source_namespace = ANY(${v}::text[]) OR dest_namespace = ANY(${v}::text[]))`);
  }
  const sourceNamespaces = strings("filter.sourceNamespaces", f.sourceNamespaces);
  if (sourceNamespaces) and.push(`source_namespace = ANY(${p.add(sourceNamespaces)}::text[])`);
  const destNamespaces = strings("filter.destNamespaces", f.destNamespaces);
  if (destNamespaces) and.push(`dest_namespace = ANY(${p.add(destNamespaces)}::text[])`);

  const names = strings("filter.names", f.names);
  if (names) and.push(`(${nameCondition(p, "source_name_aggr", names)} OR ${nameCondition(p, "dest_name_aggr", names)})`);
  const sourceNames = strings("filter.sourceNames", f.sourceNames);
  if (sourceNames) and.push(nameCondition(p, "source_name_aggr", sourceNames));
  const destNames = strings("filter.destNames", f.destNames);
  if (destNames) and.push(nameCondition(p, "dest_name_aggr", destNames));

  const types = list("filter.endpointTypes", f.endpointTypes);
  if (types) {
    const v = p.add(types.map((t) => t.toLowerCase()));
    and.push(`(source_type = ANY(${v}::text[]) OR dest_type = ANY(${v}::text[]))`);
  }
  const actions = list("filter.actions", f.actions);
  if (actions) and.push(`action = ANY(${p.add(actions.map((a) => a.toLowerCase()))}::text[])`);
  const ports = list("filter.ports", f.ports);
  if (ports) {
    ports.forEach((port, i) => {
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw badInput(`filter.ports[${i}]`, `filter.ports[${i}] must be a port number (0-65535)`);
    });
    and.push(`dest_port = ANY(${p.add(ports)}::int[])`);
  }
  const protocols = strings("filter.protocols", f.protocols);
  if (protocols) and.push(`proto = ANY(${p.add(protocols.map((x) => x.toLowerCase()))}::text[])`);
  if (f.reporter) and.push(`reporter = ${p.add(f.reporter.toLowerCase())}`);

  if (f.policy) and.push(policyCondition(p, f.policy, raw));

  const selectors = [selectorOf("filter.sourceSelector", f.sourceSelector), selectorOf("filter.destSelector", f.destSelector)];
  const given = selectors.filter((s): s is Selector => s !== null);
  if (given.length > 0) {
    const ids = await matchingLabelSets(tx, scope.clusterId, given);
    let i = 0;
    for (const [k, end] of [
      [0, "source"],
      [1, "dest"],
    ] as const) {
      if (!selectors[k]) continue;
      const column = raw ? `coalesce(${end}_labels_id, 0)` : `${end}_labels_id`;
      and.push(`${column} = ANY(${p.add(ids[i++])}::bigint[])`);
    }
  }

  const fields = list("filter.fields", f.fields);
  if (fields) {
    if (!raw) throw badInput("filter.fields", "filter.fields is answered from flow logs only");
    fields.forEach((m, i) => {
      const spec = FIELDS[m.field];
      if (!spec) throw badInput(`filter.fields[${i}].field`, `unknown flow log field ${JSON.stringify(m.field)}; one of: ${FILTERABLE_FIELDS.join(", ")}`);
      const values = strings(`filter.fields[${i}].values`, m.values)!;
      const v = p.add(values);
      const cond = spec.list ? `(${spec.sql} ?| ${v}::text[])` : `(${spec.sql} = ANY(${v}::text[]))`;
      // a record without the field matches a negated match, as Kibana's "is not" does
      and.push(m.negate ? `(${cond}) IS NOT TRUE` : cond);
    });
  }
  return { where: and.join(" AND "), params: p.values };
}

function policyCondition(p: Params, hit: PolicyHitInput, raw: boolean): string {
  if (!hit.tier && !hit.name && !hit.action) throw badInput("filter.policy", "filter.policy must name a tier, a name or an action");
  const deciding = hit.deciding !== false;
  if (deciding && hit.action === "PASS") throw badInput("filter.policy.action", "a pass never decides a flow: use deciding: false to find passes");
  if (!deciding && !raw) throw badInput("filter.policy.deciding", "non-deciding policy hits are answered from flow logs only");
  for (const k of ["tier", "name"] as const) {
    const v = hit[k];
    if (v !== null && v !== undefined && (v.length === 0 || v.length > 253 || v.includes("|"))) throw badInput(`filter.policy.${k}`, `filter.policy.${k} must be 1 to 253 characters without '|'`);
  }
  if (deciding) {
    const parts: string[] = [];
    if (hit.tier) parts.push(`policy_tier = ${p.add(hit.tier)}`);
    if (hit.name) {
      const n = p.add(hit.name);
      parts.push(`(policy_name = ${n} OR policy_name LIKE '%/' || ${n})`);
    }
    if (hit.action) parts.push(`action = ${p.add(hit.action.toLowerCase())}`);
    return parts.join(" AND ");
  }
  const parts: string[] = [];
  if (hit.tier) parts.push(`split_part(e, '|', 2) = ${p.add(hit.tier)}`);
  if (hit.name) {
    const n = p.add(hit.name);
    parts.push(`(split_part(e, '|', 3) = ${n} OR split_part(e, '|', 3) LIKE '%/' || ${n})`);
  }
  if (hit.action) parts.push(`split_part(e, '|', 4) = ${p.add(hit.action.toLowerCase())}`);
  return `EXISTS (SELECT 1 FROM unnest(enforced_policies) e WHERE ${parts.join(" AND ")})`;
}
