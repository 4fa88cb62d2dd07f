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
}

type Check = (f: FlowContext) => boolean;

export function compileRule(rule: Rule, index: number, ctx: PeerContext): CompiledRule {
  const checks: Check[] = [];
  const proto = protocolNumber(rule.protocol);
  if (proto !== undefined) checks.push((f) => f.protocol === proto);
  const notProto = protocolNumber(rule.notProtocol);
  if (notProto !== undefined) checks.push((f) => f.protocol !== notProto);
  if (rule.icmp) {
    const m = icmpMatcher(rule.icmp);
    checks.push((f) => m(f));
  }
  if (rule.notICMP) {
    const m = icmpMatcher(rule.notICMP);
    checks.push((f) => !m(f));
  }
  if (rule.ipVersion !== undefined) {
    const v = rule.ipVersion;
    checks.push((f) => (f.src.ip === undefined || f.src.ip.version === v) && (f.dst.ip === undefined || f.dst.ip.version === v));
  }
  if (rule.source) entityChecks(rule.source, "src", ctx, checks);
  if (rule.destination) entityChecks(rule.destination, "dst", ctx, checks);
  // Ports and protocols first: they are the cheapest tests and reject most flows.
  const action = rule.action === "Log" ? null : (rule.action.toLowerCase() as TraceAction);
  const n = checks.length;
  const [c0, c1, c2] = checks;
  let matches: Check;
  if (n === 0) matches = () => true;
  else if (n === 1) matches = c0!;
  else if (n === 2) matches = (f) => c0!(f) && c1!(f);
  else if (n === 3) matches = (f) => c0!(f) && c1!(f) && c2!(f);
  else
    matches = (f) => {
      for (let i = 0; i < n; i++) if (!checks[i]!(f)) return false;
      return true;
    };
  return { index, action, matches };
}

function icmpMatcher(icmp: ICMPFields): Check {
  return (f) =>
    f.icmp !== undefined &&
    (icmp.type === undefined || f.icmp.type === icmp.type) &&
    (icmp.code === undefined || f.icmp.code === icmp.code);
}

function entityChecks(e: EntityRule, side: "src" | "dst", ctx: PeerContext, checks: Check[]): void {
  const at = side === "src" ? (f: FlowContext) => f.src : (f: FlowContext) => f.dst;
  if (e.ports && e.ports.length > 0) {
    const ports = compilePorts(e.ports);
    // Flows carry only the destination port; a source port constraint cannot be shown to hold.
    if (side === "src") checks.unshift(() => false);
    else checks.unshift((f) => ports(f.port, f.protocol, f.dst));
  }
  if (e.notPorts && e.notPorts.length > 0) {
    const ports = compilePorts(e.notPorts);
    if (side === "src") checks.unshift(() => false);
    else checks.unshift((f) => !ports(f.port, f.protocol, f.dst));
  }
  if (e.nets && e.nets.length > 0) {
    const nets = compileNets(e.nets);
    checks.push((f) => nets(at(f)));
  }
  if (e.notNets && e.notNets.length > 0) {
    const nets = compileNets(e.notNets);
    checks.push((f) => !nets(at(f)));
  }
  if (e.domains && e.domains.length > 0) {
    const domains = compileDomains(e.domains);
    checks.push((f) => domains(f.domains));
  }
  if (e.services) {
    // Service matches need the Service inventory (endpoints), which the engine does not model.
    checks.push(() => false);
  }
  if (e.selector !== undefined || e.namespaceSelector !== undefined || e.serviceAccounts !== undefined) {
    const sel = compileSelection(e.selector, e.namespaceSelector, e.serviceAccounts, ctx);
    checks.push((f) => sel(at(f)));
  }
  if (e.notSelector !== undefined) {
    // Calico renders notSelector as "not in the IP set of endpoints matching it", so an address
    // that is no endpoint and in no network set passes a notSelector. Calico does not scope
    // notSelector to the policy's namespace (only the positive selector is), and neither do we.
    const not = compileSelection(e.notSelector, undefined, undefined, { ...ctx, namespace: undefined });
    checks.push((f) => !not(at(f)));
  }
}
