import { parseSelector, SelectorSyntaxError, type Selector } from "@palisade/policy";
import { badInput } from "../errors.ts";
import { FILTERABLE_FIELDS, type FlowFilterInput, type PolicyHitInput } from "./filter.ts";
import { labelList, labelMap } from "./labels.ts";
import { decidingEntry, traceOf } from "./trace.ts";

/**
 * The flow filter in memory, for records that never reach SQL (the live `flows` subscription). It reads each
 * field the way flow-store.ts stores it and filter.ts compares it, so a record matches here exactly when the
 * compiled WHERE clause would select its row (match.test.ts holds the two to the same answers).
 */
export interface FlowMatcher {
  test(record: Record<string, unknown>): boolean;
}

type Test = (r: Record<string, unknown>) => boolean;

/** flow-store's lifting: "-" and non-strings are NULL for these columns */
const dashNull = (v: unknown): string | null => (typeof v === "string" && v !== "-" ? v : null);
const intOrNull = (v: unknown): string | null => (typeof v === "number" && Number.isFinite(v) ? String(v) : null);
const asIs = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The text a jsonb value's ->> gives (objects and arrays printed as Postgres prints jsonb) */
function jsonbText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  return jsonbOut(v);
}
function jsonbOut(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(jsonbOut).join(", ")}]`;
  if (typeof v === "object") {
    // jsonb keeps object keys shorter first, then bytewise
    const keys = Object.keys(v as object).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbOut((v as Record<string, unknown>)[k])}`).join(", ")}}`;
  }
  return JSON.stringify(v);
}

/** Each field a `fields` match may name, as the flow_logs column or record path filter.ts reads it. */
const FIELD_READERS: Record<string, (r: Record<string, unknown>) => string | null> = {
  source_type: (r) => asIs(r.source_type),
  source_namespace: (r) => asIs(r.source_namespace),
  source_name: (r) => dashNull(r.source_name),
  source_name_aggr: (r) => asIs(r.source_name_aggr),
  source_ip: (r) => asIs(r.source_ip),
  dest_type: (r) => asIs(r.dest_type),
  dest_namespace: (r) => asIs(r.dest_namespace),
  dest_name: (r) => dashNull(r.dest_name),
  dest_name_aggr: (r) => asIs(r.dest_name_aggr),
  dest_ip: (r) => asIs(r.dest_ip),
  dest_service_namespace: (r) => dashNull(r.dest_service_namespace),
  dest_service_name: (r) => dashNull(r.dest_service_name),
  proto: (r) => asIs(r.proto),
  action: (r) => asIs(r.action),
  reporter: (r) => asIs(r.reporter),
  host: (r) => dashNull(r.host),
  policy_tier: (r) => decidingEntry(traceOf(r).enforced)?.tier ?? null,
  policy_name: (r) => decidingEntry(traceOf(r).enforced)?.name ?? null,
  policy_rule: (r) => {
    const d = decidingEntry(traceOf(r).enforced);
    return d ? String(d.rule) : null;
  },
  source_port: (r) => intOrNull(r.source_port),
  dest_port: (r) => intOrNull(r.dest_port),
  num_flows: (r) => intOrNull(r.num_flows),
  bytes_in: (r) => intOrNull(r.bytes_in),
  bytes_out: (r) => intOrNull(r.bytes_out),
  packets_in: (r) => intOrNull(r.packets_in),
  packets_out: (r) => intOrNull(r.packets_out),
};
for (const f of ["dest_service_port", "dest_service_port_num", "process_name", "process_id", "num_flows_started", "num_flows_completed", "tcp_mean_send_congestion_window",
  "tcp_mean_smooth_rtt", "nat_outgoing_ports", "original_source_ips"]) {
  FIELD_READERS[f] = (r) => jsonbText(r[f]);
}

/** `record->'dest_domains' ?| values`: a string element (or the string itself, or an object key) among values */
function jsonbHasAny(v: unknown, values: Set<string>): boolean | null {
  if (v === undefined) return null;
  if (typeof v === "string") return values.has(v);
  if (Array.isArray(v)) return v.some((x) => typeof x === "string" && values.has(x));
  if (v && typeof v === "object") return Object.keys(v).some((k) => values.has(k));
  return false;
}

/** SQL LIKE (backslash escapes) as a regular expression */
function likeRegex(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) out += escapeRegex(pattern[++i]!);
    else if (c === "%") out += "[\\s\\S]*";
    else if (c === "_") out += "[\\s\\S]";
    else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`);
}
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function nameTest(names: string[], read: (r: Record<string, unknown>) => unknown): Test {
  const exact = new Set(names.filter((n) => !n.endsWith("*")));
  const prefixes = names.filter((n) => n.endsWith("*")).map((n) => likeRegex(`${likeEscape(n.slice(0, -1))}%`));
  return (r) => {
    const v = read(r);
    return typeof v === "string" && (exact.has(v) || prefixes.some((p) => p.test(v)));
  };
}

function selectorOf(field: string, text: string | null | undefined): Selector | null {
  if (text === null || text === undefined) return null;
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) throw badInput(field, `${field}: ${e.message}`);
    throw e;
  }
}

const nonEmpty = <T>(v: T[] | null | undefined): v is T[] => Array.isArray(v) && v.length > 0;

/** policy_name = n OR policy_name LIKE '%/' || n (the name unescaped, as filter.ts passes it) */
function policyNameTest(n: string): (name: string) => boolean {
  const like = likeRegex(`%/${n}`);
  return (name) => name === n || like.test(name);
}

function policyTest(hit: PolicyHitInput): Test {
  const nameMatches = hit.name ? policyNameTest(hit.name) : null;
  const action = hit.action?.toLowerCase();
  if (hit.deciding !== false) {
    return (r) => {
      const d = decidingEntry(traceOf(r).enforced);
      if (hit.tier && d?.tier !== hit.tier) return false;
      if (nameMatches && !(d && nameMatches(d.name))) return false;
      if (action && r.action !== action) return false;
      return true;
    };
  }
  return (r) =>
    traceOf(r).enforced.some((e) => {
      const part = (i: number) => e.split("|")[i] ?? "";
      return (!hit.tier || part(1) === hit.tier) && (!nameMatches || nameMatches(part(2))) && (!action || part(3) === action);
    });
}

/**
 * Compiles a filter (already checked by compileFlowFilter, which gives the precise errors) and the caller's
 * visibility into a matcher. The window is not part of it: live records are matched as they arrive.
 */
export function compileFlowMatcher(filter: FlowFilterInput | null | undefined, visibleNamespaces: string[] | null): FlowMatcher {
  const f = filter ?? {};
  const tests: Test[] = [];
  const eitherNamespace = (list: string[]) => {
    const set = new Set(list);
    return (r: Record<string, unknown>) => set.has(r.source_namespace as string) || set.has(r.dest_namespace as string);
  };
  const inSet = (list: readonly (string | number)[], read: (r: Record<string, unknown>) => unknown) => {
    const set = new Set<unknown>(list);
    return (r: Record<string, unknown>) => set.has(read(r));
  };
  if (visibleNamespaces) tests.push(eitherNamespace(visibleNamespaces));
  if (nonEmpty(f.namespaces)) tests.push(eitherNamespace(f.namespaces));
  if (nonEmpty(f.sourceNamespaces)) tests.push(inSet(f.sourceNamespaces, (r) => r.source_namespace));
  if (nonEmpty(f.destNamespaces)) tests.push(inSet(f.destNamespaces, (r) => r.dest_namespace));
  if (nonEmpty(f.names)) {
    const s = nameTest(f.names, (r) => r.source_name_aggr);
    const d = nameTest(f.names, (r) => r.dest_name_aggr);
    tests.push((r) => s(r) || d(r));
  }
  if (nonEmpty(f.sourceNames)) tests.push(nameTest(f.sourceNames, (r) => r.source_name_aggr));
  if (nonEmpty(f.destNames)) tests.push(nameTest(f.destNames, (r) => r.dest_name_aggr));
  if (nonEmpty(f.endpointTypes)) {
    const set = new Set<unknown>(f.endpointTypes.map((t) => t.toLowerCase()));
    tests.push((r) => set.has(r.source_type) || set.has(r.dest_type));
  }
  if (nonEmpty(f.actions)) tests.push(inSet(f.actions.map((a) => a.toLowerCase()), (r) => r.action));
  if (nonEmpty(f.ports)) tests.push(inSet(f.ports, (r) => r.dest_port));
  if (nonEmpty(f.protocols)) tests.push(inSet(f.protocols.map((p) => p.toLowerCase()), (r) => r.proto));
  if (f.reporter) {
    const reporter = f.reporter.toLowerCase();
    tests.push((r) => r.reporter === reporter);
  }
  if (f.policy) tests.push(policyTest(f.policy));
  for (const [end, text, field] of [
    ["source", f.sourceSelector, "filter.sourceSelector"],
    ["dest", f.destSelector, "filter.destSelector"],
  ] as const) {
    const sel = selectorOf(field, text);
    if (sel) tests.push((r) => sel.matches(labelMap(labelList(r[`${end}_labels`]) ?? [])));
  }
  f.fields?.forEach((m, i) => {
    const read = FIELD_READERS[m.field];
    if (!read && m.field !== "dest_domains") throw badInput(`filter.fields[${i}].field`, `unknown flow log field ${JSON.stringify(m.field)}; one of: ${FILTERABLE_FIELDS.join(", ")}`);
    const values = new Set(m.values);
    // SQL's three values: null (the field is absent) fails a match and passes a negated one
    const cond: (r: Record<string, unknown>) => boolean | null =
      m.field === "dest_domains"
        ? (r) => jsonbHasAny(r.dest_domains, values)
        : (r) => {
            const v = read!(r);
            return v === null ? null : values.has(v);
          };
    tests.push(m.negate ? (r) => cond(r) !== true : (r) => cond(r) === true);
  });
  return { test: (r) => tests.every((t) => t(r)) };
}

export function matchesFlowFilter(record: Record<string, unknown>, compiled: FlowMatcher): boolean {
  return compiled.test(record);
}
