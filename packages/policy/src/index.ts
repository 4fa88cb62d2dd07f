// @palisade/policy: the Calico policy engine. Pure TypeScript, no I/O.
//
//   const { resources, errors } = parseResources(yamlText);       // validated, errors with paths
//   const set = buildPolicySet(resources);                          // compile once
//   set.evaluate({ src: { pod: "ns/name" }, dst: { ip: "203.0.113.10" }, protocol: "TCP", port: 443 });
//     -> { action, egress, ingress, pending } with Calico flow-log traces
//
// Semantics (Calico's, see src/evaluate): tiers by order then name, policies likewise, Pass
// leaves a tier, a tier that applies and matches nothing takes its defaultAction (trace rule -1),
// the namespace profile allows after the last tier; egress is judged at a source pod and
// ingress at a destination pod, an address that is no pod has no side (null).
export type {
  Resource,
  Tier,
  NetworkPolicy,
  GlobalNetworkPolicy,
  StagedNetworkPolicy,
  StagedGlobalNetworkPolicy,
  StagedKubernetesNetworkPolicy,
  KubernetesNetworkPolicy,
  NetworkSet,
  GlobalNetworkSet,
  HostEndpoint,
  Namespace,
  Pod,
  ServiceAccount,
  Rule,
  EntityRule,
  PolicySpec,
  GlobalPolicySpec,
  ObjectMeta,
  ValidationError,
} from "./resources/types.ts";
export { isKubernetesNetworkPolicy, isCalicoNetworkPolicy } from "./resources/types.ts";
export { parseResources } from "./resources/parse.ts";
export { validateResource } from "./resources/validate.ts";
export { normalizeResource } from "./resources/defaults.ts";
export { serializeResources } from "./resources/serialize.ts";
export { resourceKey, tierOf } from "./resources/names.ts";
export { k8sToCalicoSpec } from "./k8s/convert.ts";
export type { Flow, FlowEnd, Verdict, SideVerdict } from "./evaluate/flow.ts";
export { buildPolicySet, type PolicySet, type PolicySetOptions } from "./evaluate/policy-set.ts";
export { policyTraceName, calicoTraceName, k8sTraceName } from "./evaluate/trace-name.ts";
export type { TierInfo } from "./evaluate/tiers.ts";
export { parseSelector, tryParseSelector, SelectorSyntaxError, type Selector, type Labels } from "./selector/index.ts";
