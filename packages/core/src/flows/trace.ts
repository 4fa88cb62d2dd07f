/** One entry of a flow record's policy trace, as Calico writes it: `<index>|<tier>|<name>|<action>|<rule>`. */
export interface TraceEntry {
  index: number;
  tier: string;
  /** Calico's flow-log name: `<namespace>/<tier>.<name>` for namespaced policies, `staged:` before staged names */
  name: string;
  action: "allow" | "deny" | "pass";
  /** the rule's index in the policy's ingress or egress rules; -1 when none matched (the tier's end) */
  rule: number;
}

export function parseTraceEntry(s: string): TraceEntry | null {
  const parts = s.split("|");
  if (parts.length !== 5) return null;
  const [index, tier, name, action, rule] = parts as [string, string, string, string, string];
  if (action !== "allow" && action !== "deny" && action !== "pass") return null;
  const i = Number(index);
  const r = Number(rule);
  if (!Number.isInteger(i) || !Number.isInteger(r) || !tier || !name) return null;
  return { index: i, tier, name, action, rule: r };
}

/** The record's trace lists (enforced, pending), or empty lists when the record has none. */
export function traceOf(record: Record<string, unknown>): { enforced: string[]; pending: string[] } {
  const p = record.policies as { enforced_policies?: unknown; pending_policies?: unknown; all_policies?: unknown } | null | undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  // Calico OSS writes `all_policies` only: that is the enforced trace
  return { enforced: strings(p?.enforced_policies ?? p?.all_policies), pending: strings(p?.pending_policies) };
}

/** The entry that decided the record: the last of the enforced trace (Calico stops at the first allow or deny). */
export function decidingEntry(enforced: readonly string[]): TraceEntry | null {
  for (let i = enforced.length - 1; i >= 0; i--) {
    const e = parseTraceEntry(enforced[i]!);
    if (e && e.action !== "pass") return e;
  }
  return null;
}

/**
 * Whether a trace name is a staged policy's: Calico writes `<ns>/<tier>.staged:<name>`, `<tier>.staged:<name>`
 * for global ones, and `<ns>/staged:knp.default.<name>` for staged Kubernetes policies.
 */
export function isStagedName(name: string): boolean {
  const bare = name.slice(name.indexOf("/") + 1);
  return bare.startsWith("staged:") || bare.includes(".staged:");
}

/** Traces ingress rules at the destination's report and egress rules at the source's. */
export function directionOf(reporter: string): "ingress" | "egress" {
  return reporter === "dst" ? "ingress" : "egress";
}
