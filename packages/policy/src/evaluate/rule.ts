import { protocolNumber } from "../net/protocols.ts";
import { parsePort, type PortSpec } from "../net/ports.ts";
import type { EntityRule, ICMPFields, Rule } from "../resources/types.ts";
import type { Entity } from "./entities.ts";
import { compileDomains, compileNets, compilePorts, compileSelection, type PeerContext } from "./peer.ts";
import { parseCidr } from "../net/ip.ts";
import {
  FLAGS,
  ALLOW,
  DENY,
  LOG,
  PASS,
  DST_MASK,
  DST_NET,
  SRC_MASK,
  SRC_NET,
  DST_NOT_SEL,
  DST_SEL,
  NEVER,
  NOT_PROTO,
  PORT_HI,
  PORT_LO,
  PORT_NAME,
  PORTS,
  PROTO,
  REST,
  SRC_NOT_SEL,
  SRC_SEL,
  type RuleTable,
} from "./rule-table.ts";

export type TraceAction = "allow" | "deny" | "pass";

/** The flow as rules see it: both ends resolved to entities. */
export interface FlowContext {
  src: Entity;
  dst: Entity;
  protocol: number;
  port: number | undefined;
  domains: readonly string[] | undefined;
  icmp: { type: number; code?: number } | undefined;
}

export interface CompiledRule {
  /** index in the policy's rule list for its direction, as traces report it */
  index: number;
  /** null for Log: it records and evaluation continues */
  action: TraceAction | null;
  /** the rule's row in the policy set's RuleTable */
  at: number;
  /** the trace entry after its index, `|tier|policy|action|ruleIndex`, set by the policy */
  trace: string;
}

type Check = (f: FlowContext) => boolean;

/**
 * Compiles one rule into a row of the rule table. `http` matches are not judged: Felix leaves
 * them to the application layer (Dikastes/Envoy) and matches the rule at layers 3-4, and so does
 * this engine.
 */
export function compileRule(rule: Rule, index: number, ctx: PeerContext): CompiledRule {
  const rules = ctx.rules;
  const at = rules.add();
  const w = rules.words;
  w[at + PROTO] = protocolNumber(rule.protocol) ?? -1;
  w[at + NOT_PROTO] = protocolNumber(rule.notProtocol) ?? -1;
  const rest: Check[] = [];
  if (rule.icmp) rest.push(icmpMatcher(rule.icmp));
  if (rule.notICMP) {
    const notIcmp = icmpMatcher(rule.notICMP);
    rest.push((f) => !notIcmp(f));
  }
  const ipVersion = rule.ipVersion ?? 0;
  if (ipVersion !== 0)
    rest.push((f) => (f.src.ip === undefined || f.src.ip.version === ipVersion) && (f.dst.ip === undefined || f.dst.ip.version === ipVersion));
  const src = rule.source;
  const dst = rule.destination;
  // Flows carry only the destination port; a source port constraint cannot be shown to hold.
  // Service matches need the Service inventory (endpoints), which the engine does not model.
  const never =
    (src?.ports !== undefined && src.ports.length > 0) || (src?.notPorts !== undefined && src.notPorts.length > 0) || Boolean(src?.services) || Boolean(dst?.services);
  if (never) w[at + PROTO] = NEVER;
  if (dst?.ports && dst.ports.length > 0) portFields(dst.ports, at, rules);
  if (dst?.notPorts && dst.notPorts.length > 0) {
    const notPorts = compilePorts(dst.notPorts);
    rest.push((f) => !notPorts(f.port, f.protocol, f.dst));
  }
  if (dst?.domains && dst.domains.length > 0) {
    const domains = compileDomains(dst.domains);
    rest.push((f) => domains(f.domains));
  }
  sideFields(src, "src", at, ctx, rules, rest);
  sideFields(dst, "dst", at, ctx, rules, rest);
  if (rest.length > 0) {
    w[at + REST] = rules.rest.length;
    rules.rest.push(rest.length === 1 ? rest[0]! : (f) => rest.every((c) => c(f)));
  }
  const action = rule.action === "Log" ? null : (rule.action.toLowerCase() as TraceAction);
  w[at + FLAGS]! |= (action === null ? LOG : action === "allow" ? ALLOW : action === "deny" ? DENY : PASS) << 2;
  return { index, action, at, trace: "" };
}

/** One port range and one named port go in the row; any other list is a port check. */
function portFields(ports: Array<number | string>, at: number, rules: RuleTable): void {
  const specs = ports.map(parsePort).filter((p): p is PortSpec => typeof p !== "string");
  const ranges = specs.filter((s) => s.kind === "range");
  const named = specs.filter((s) => s.kind === "named");
  const w = rules.words;
  if (ranges.length <= 1 && named.length <= 1 && specs.length > 0) {
    if (ranges[0]) {
      w[at + PORT_LO] = ranges[0].first;
      w[at + PORT_HI] = ranges[0].last;
    }
    if (named[0]) {
      w[at + PORT_NAME] = rules.names.length;
      rules.names.push(named[0].name);
    }
  } else {
    // Also a list with no valid entry (input that skipped validation): it matches no port.
    w[at + PORTS] = rules.portChecks.length;
    rules.portChecks.push(compilePorts(ports));
  }
}

function icmpMatcher(icmp: ICMPFields): Check {
  return (f) =>
    f.icmp !== undefined &&
    (icmp.type === undefined || f.icmp.type === icmp.type) &&
    (icmp.code === undefined || f.icmp.code === icmp.code);
}

function sideFields(e: EntityRule | undefined, side: "src" | "dst", at: number, ctx: PeerContext, rules: RuleTable, rest: Check[]): void {
  if (!e) return;
  const end = (f: FlowContext) => (side === "src" ? f.src : f.dst);
  const one = e.nets && e.nets.length === 1 ? parseCidr(e.nets[0]!) : undefined;
  if (one !== undefined && one.version === 4) {
    const w = rules.words;
    w[at + FLAGS]! |= side === "src" ? 1 : 2;
    w[at + (side === "src" ? SRC_NET : DST_NET)] = one.v4base | 0;
    w[at + (side === "src" ? SRC_MASK : DST_MASK)] = one.v4mask | 0;
  } else if (e.nets && e.nets.length > 0) {
    const nets = compileNets(e.nets);
    rest.push((f) => nets(end(f)));
  }
  if (e.notNets && e.notNets.length > 0) {
    const notNets = compileNets(e.notNets);
    rest.push((f) => !notNets(end(f)));
  }
  if (e.selector !== undefined || e.namespaceSelector !== undefined || e.serviceAccounts !== undefined)
    rules.words[at + (side === "src" ? SRC_SEL : DST_SEL)] = compileSelection(e.selector, e.namespaceSelector, e.serviceAccounts, ctx);
  if (e.notSelector !== undefined) {
    // Calico renders notSelector as "not in the IP set of endpoints matching it", so an address
    // that is no endpoint and in no network set passes a notSelector. Calico does not scope
    // notSelector to the policy's namespace (only the positive selector is), and neither do we.
    rules.words[at + (side === "src" ? SRC_NOT_SEL : DST_NOT_SEL)] = compileSelection(e.notSelector, undefined, undefined, { ...ctx, namespace: undefined });
  }
}
