import { protocolNumber } from "../net/protocols.ts";
import type { EntityRule, ICMPFields, Rule } from "../resources/types.ts";
import type { Entity } from "./entities.ts";
import { compileDomains, compileNets, compilePorts, compileSelection, type PeerContext } from "./peer.ts";

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
  matches(flow: FlowContext): boolean;
  /** the trace entry after its index, `|tier|policy|action|ruleIndex`, set by the policy */
  trace: string;
  /** complete trace entries by index, built on first use */
  traces: string[];
}

type Check = (f: FlowContext) => boolean;
type EntityCheck = (e: Entity) => boolean;
type PortCheck = (port: number | undefined, proto: number, e: Entity) => boolean;

/** The parts of one side (source or destination) of a rule, absent parts being null. */
interface SideParts {
  ports: PortCheck | null;
  notPorts: PortCheck | null;
  nets: EntityCheck | null;
  notNets: EntityCheck | null;
  selection: EntityCheck | null;
  notSelection: EntityCheck | null;
  domains: ((names: readonly string[] | undefined) => boolean) | null;
  never: boolean;
}

/**
 * Compiles one rule. `http` matches are not judged: Felix leaves them to the application layer
 * (Dikastes/Envoy) and matches the rule at layers 3-4, and so does this engine.
 */
export function compileRule(rule: Rule, index: number, ctx: PeerContext): CompiledRule {
  const proto = protocolNumber(rule.protocol) ?? -1;
  const notProto = protocolNumber(rule.notProtocol) ?? -1;
  const icmp = rule.icmp ? icmpMatcher(rule.icmp) : null;
  const notIcmp = rule.notICMP ? icmpMatcher(rule.notICMP) : null;
  const ipVersion = rule.ipVersion ?? 0;
  const src = sideParts(rule.source, "src", ctx);
  const dst = sideParts(rule.destination, "dst", ctx);
  const never = src.never || dst.never;
  const action = rule.action === "Log" ? null : (rule.action.toLowerCase() as TraceAction);
  // One function testing the cheap fields first (protocol, ports) and selectors last.
  const matches = (f: FlowContext): boolean => {
    if (never) return false;
    if (proto !== -1 && f.protocol !== proto) return false;
    if (notProto !== -1 && f.protocol === notProto) return false;
    if (dst.ports !== null && !dst.ports(f.port, f.protocol, f.dst)) return false;
    if (dst.notPorts !== null && dst.notPorts(f.port, f.protocol, f.dst)) return false;
    if (icmp !== null && !icmp(f)) return false;
    if (notIcmp !== null && notIcmp(f)) return false;
    if (ipVersion !== 0 && !((f.src.ip === undefined || f.src.ip.version === ipVersion) && (f.dst.ip === undefined || f.dst.ip.version === ipVersion)))
      return false;
    if (dst.domains !== null && !dst.domains(f.domains)) return false;
    return sideMatches(src, f.src) && sideMatches(dst, f.dst);
  };
  return { index, action, matches, trace: "", traces: [] };
}

function sideMatches(s: SideParts, e: Entity): boolean {
  if (s.nets !== null && !s.nets(e)) return false;
  if (s.notNets !== null && s.notNets(e)) return false;
  if (s.selection !== null && !s.selection(e)) return false;
  if (s.notSelection !== null && s.notSelection(e)) return false;
  return true;
}

function icmpMatcher(icmp: ICMPFields): Check {
  return (f) =>
    f.icmp !== undefined &&
    (icmp.type === undefined || f.icmp.type === icmp.type) &&
    (icmp.code === undefined || f.icmp.code === icmp.code);
}

function sideParts(e: EntityRule | undefined, side: "src" | "dst", ctx: PeerContext): SideParts {
  const parts: SideParts = { ports: null, notPorts: null, nets: null, notNets: null, selection: null, notSelection: null, domains: null, never: false };
  if (!e) return parts;
  // Flows carry only the destination port; a source port constraint cannot be shown to hold.
  if (e.ports && e.ports.length > 0) {
    if (side === "src") parts.never = true;
    else parts.ports = compilePorts(e.ports);
  }
  if (e.notPorts && e.notPorts.length > 0) {
    if (side === "src") parts.never = true;
    else parts.notPorts = compilePorts(e.notPorts);
  }
  if (e.nets && e.nets.length > 0) parts.nets = compileNets(e.nets);
  if (e.notNets && e.notNets.length > 0) parts.notNets = compileNets(e.notNets);
  if (e.domains && e.domains.length > 0) parts.domains = compileDomains(e.domains);
  // Service matches need the Service inventory (endpoints), which the engine does not model.
  if (e.services) parts.never = true;
  if (e.selector !== undefined || e.namespaceSelector !== undefined || e.serviceAccounts !== undefined)
    parts.selection = compileSelection(e.selector, e.namespaceSelector, e.serviceAccounts, ctx);
  if (e.notSelector !== undefined) {
    // Calico renders notSelector as "not in the IP set of endpoints matching it", so an address
    // that is no endpoint and in no network set passes a notSelector. Calico does not scope
    // notSelector to the policy's namespace (only the positive selector is), and neither do we.
    parts.notSelection = compileSelection(e.notSelector, undefined, undefined, { ...ctx, namespace: undefined });
  }
  return parts;
}
