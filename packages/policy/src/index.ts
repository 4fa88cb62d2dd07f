// @palisade/policy: the Calico policy engine. Pure TypeScript, no I/O.
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
export { buildPolicySet, type PolicySet } from "./evaluate/policy-set.ts";
export type { TierInfo } from "./evaluate/tiers.ts";
export { parseSelector, tryParseSelector, SelectorSyntaxError, type Selector, type Labels } from "./selector/index.ts";
