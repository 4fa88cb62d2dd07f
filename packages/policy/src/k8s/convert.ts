import { defaultK8sTypes } from "../resources/defaults.ts";
import type {
  EntityRule,
  K8sNetworkPolicySpec,
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicySpec,
  Port,
  Rule,
} from "../resources/types.ts";

/** Calico places every Kubernetes NetworkPolicy in the default tier at this order. */
export const K8S_POLICY_ORDER = 1000;

/**
 * A Kubernetes NetworkPolicy as the equivalent Calico NetworkPolicy spec, the way Calico's
 * converter writes it: selectors in Calico syntax limited to Kubernetes pods, one Allow rule per
 * peer and protocol, ipBlock as nets with except as notNets.
 */
export function k8sToCalicoSpec(spec: K8sNetworkPolicySpec): PolicySpec {
  const types = spec.policyTypes ?? defaultK8sTypes(spec);
  const ingress: Rule[] = [];
  const egress: Rule[] = [];
  // Rules of a direction not in policyTypes are ignored, as the API server's semantics say.
  if (types.includes("Ingress")) for (const r of spec.ingress ?? []) ingress.push(...convertRule(r.from, r.ports, "source"));
  if (types.includes("Egress")) for (const r of spec.egress ?? []) egress.push(...convertRule(r.to, r.ports, "destination"));
  return {
    tier: "default",
    order: K8S_POLICY_ORDER,
    selector: podSelector(spec.podSelector),
    types,
    ingress,
    egress,
  };
}

function convertRule(peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined, side: "source" | "destination"): Rule[] {
  // An absent or empty peer list allows every peer; an absent or empty port list every port.
  const entities: Array<EntityRule | undefined> = peers && peers.length > 0 ? peers.map(peerToEntity) : [undefined];
  const rules: Rule[] = [];
  // As Calico's converter: one rule per protocol (in protocol-name order) and peer, protocol
  // outermost, which fixes the rule indices traces report.
  for (const group of groupPorts(ports)) {
    for (const entity of entities) {
      const rule: Rule = { action: "Allow" };
      if (group) rule.protocol = group.protocol;
      if (entity) rule[side] = { ...entity };
      if (group && group.ports.length > 0) rule.destination = { ...rule.destination, ports: group.ports };
      rules.push(rule);
    }
  }
  return rules;
}

interface PortGroup { protocol: string; ports: Port[] }

function groupPorts(ports: NetworkPolicyPort[] | undefined): Array<PortGroup | undefined> {
  if (!ports || ports.length === 0) return [undefined];
  const groups = new Map<string, { ports: Port[]; any: boolean }>();
  for (const p of ports) {
    // Kubernetes' default protocol is TCP; an entry without a port means every port.
    const protocol = p.protocol ?? "TCP";
    let g = groups.get(protocol);
    if (!g) groups.set(protocol, (g = { ports: [], any: false }));
    if (p.port === undefined) g.any = true;
    else if (typeof p.port === "number" && p.endPort !== undefined) g.ports.push(`${p.port}:${p.endPort}`);
    else g.ports.push(p.port);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([protocol, g]) => ({ protocol, ports: g.any ? [] : g.ports }));
}

function peerToEntity(peer: NetworkPolicyPeer): EntityRule {
  if (peer.ipBlock) {
    const e: EntityRule = { nets: [peer.ipBlock.cidr] };
    if (peer.ipBlock.except && peer.ipBlock.except.length > 0) e.notNets = [...peer.ipBlock.except];
    return e;
  }
  const e: EntityRule = {};
  // podSelector alone: pods of the policy's namespace; namespaceSelector alone: every pod of the
  // matching namespaces; both: matching pods in matching namespaces.
  e.selector = podSelector(peer.podSelector ?? {});
  if (peer.namespaceSelector) e.namespaceSelector = labelSelectorToCalico(peer.namespaceSelector) || "all()";
  return e;
}

function podSelector(sel: LabelSelector): string {
  const s = labelSelectorToCalico(sel);
  return s ? `projectcalico.org/orchestrator == 'k8s' && ${s}` : "projectcalico.org/orchestrator == 'k8s'";
}

/** A Kubernetes label selector in Calico selector syntax; "" for the empty selector. */
export function labelSelectorToCalico(sel: LabelSelector): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k} == '${v}'`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).map((v) => `'${v}'`).join(", ");
    if (e.operator === "In") parts.push(`${e.key} in { ${values} }`);
    else if (e.operator === "NotIn") parts.push(`${e.key} not in { ${values} }`);
    else if (e.operator === "Exists") parts.push(`has(${e.key})`);
    else parts.push(`!has(${e.key})`);
  }
  return parts.join(" && ");
}
