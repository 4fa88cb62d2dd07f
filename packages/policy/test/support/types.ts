export type {
  GlobalNetworkPolicy,
  GlobalNetworkSet,
  GlobalPolicySpec,
  KubernetesNetworkPolicy,
  Namespace,
  NetworkPolicy,
  NetworkSet,
  Pod,
  PolicySpec,
  ServiceAccount,
  Tier,
} from "../../src/resources/types.ts";
export type { K8sNetworkPolicySpec as K8sNetworkPolicySpecInput } from "../../src/resources/types.ts";
