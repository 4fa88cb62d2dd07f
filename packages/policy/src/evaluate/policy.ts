import { parseSelector } from "../selector/index.ts";
import type { GlobalPolicySpec, PolicyType } from "../resources/types.ts";
import { defaultCalicoTypes } from "../resources/defaults.ts";
import type { PodEntity } from "./entities.ts";
import type { PeerContext } from "./peer.ts";
import { compileRule, type CompiledRule } from "./rule.ts";

export interface CompiledPolicy {
  /** unique among compiled policies, for keying sets of them */
  uid: number;
  /** identity for staged Set/Delete: `ns/tier.name`, `tier.name` or `ns/knp.default.name` */
  key: string;
  /** the name flow-log traces show */
  traceName: string;
  tier: string;
  order: number | undefined;
  /** tie-break within equal orders */
  sortName: string;
  namespace: string | undefined;
  ingress: CompiledRule[] | null;
  egress: CompiledRule[] | null;
  selects(pod: PodEntity): boolean;
}

export interface PolicyInput {
  key: string;
  traceName: string;
  tier: string;
  sortName: string;
  namespace: string | undefined;
  spec: GlobalPolicySpec;
  types?: PolicyType[];
}

let nextUid = 0;

/** Compiles a Calico policy spec (Kubernetes ones arrive converted) for one policy set. */
export function compilePolicy(p: PolicyInput, ctx: PeerContext): CompiledPolicy {
  const spec = p.spec;
  const types = p.types ?? spec.types ?? defaultCalicoTypes(spec);
  const sel = parseSelector(spec.selector ?? "");
  const saSel = spec.serviceAccountSelector !== undefined ? parseSelector(spec.serviceAccountSelector) : undefined;
  const nsSel = p.namespace === undefined && spec.namespaceSelector !== undefined ? parseSelector(spec.namespaceSelector) : undefined;
  const ns = p.namespace;
  // doNotTrack and preDNAT policies apply to host endpoints only, never to pods.
  const hostOnly = spec.doNotTrack === true || spec.preDNAT === true;
  const ruleCtx: PeerContext = { ...ctx, namespace: ns };
  const compile = (rules: GlobalPolicySpec["ingress"]) =>
    (rules ?? []).map((r, i) => {
      const c = compileRule(r, i, ruleCtx);
      c.trace = `|${p.tier}|${p.traceName}|${c.action}|${i}`;
      return c;
    });
  return {
    uid: nextUid++,
    key: p.key,
    traceName: p.traceName,
    tier: p.tier,
    order: spec.order,
    sortName: p.sortName,
    namespace: ns,
    ingress: types.includes("Ingress") ? compile(spec.ingress) : null,
    egress: types.includes("Egress") ? compile(spec.egress) : null,
    // A namespaced policy selects pods of its own namespace only; a global policy's
    // namespaceSelector narrows it to pods of matching namespaces.
    selects: (pod) =>
      !hostOnly &&
      (ns === undefined || pod.namespace === ns) &&
      (nsSel === undefined || nsSel.matches(pod.namespaceLabels)) &&
      sel.matches(pod.labels) &&
      (saSel === undefined || saSel.matches(pod.serviceAccountLabels)),
  };
}

/** Calico's policy order within a tier: by order (none = last), ties by name. */
export function comparePolicies(a: CompiledPolicy, b: CompiledPolicy): number {
  const ao = a.order ?? Infinity;
  const bo = b.order ?? Infinity;
  if (ao !== bo) return ao < bo ? -1 : 1;
  return a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0;
}
