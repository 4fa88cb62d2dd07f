// Resource types mirroring Calico v3 (projectcalico.org/v3) and the Kubernetes v1 objects the
// engine reads, field for field. Only fields Palisade reads or round-trips are typed strictly;
// everything else survives parse/serialise untouched because objects are kept as given.

export type LabelMap = Record<string, string>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: LabelMap;
  annotations?: LabelMap;
  [extra: string]: unknown;
}

export type PolicyType = "Ingress" | "Egress";
export type RuleAction = "Allow" | "Deny" | "Log" | "Pass";
export type Port = number | string;

export interface ServiceAccountMatch { names?: string[]; selector?: string }
export interface ServiceMatch { name: string; namespace?: string }

export interface EntityRule {
  nets?: string[];
  notNets?: string[];
  selector?: string;
  notSelector?: string;
  namespaceSelector?: string;
  ports?: Port[];
  notPorts?: Port[];
  serviceAccounts?: ServiceAccountMatch;
  services?: ServiceMatch;
  domains?: string[];
}

export interface ICMPFields { type?: number; code?: number }

export interface Rule {
  action: RuleAction;
  protocol?: string | number;
  notProtocol?: string | number;
  icmp?: ICMPFields;
  notICMP?: ICMPFields;
  ipVersion?: 4 | 6;
  source?: EntityRule;
  destination?: EntityRule;
  http?: { methods?: string[]; paths?: Array<{ exact?: string; prefix?: string }> };
  metadata?: { annotations?: LabelMap };
}

export interface PolicySpec {
  tier?: string;
  order?: number;
  selector?: string;
  serviceAccountSelector?: string;
  types?: PolicyType[];
  ingress?: Rule[];
  egress?: Rule[];
  performanceHints?: string[];
}

export interface GlobalPolicySpec extends PolicySpec {
  namespaceSelector?: string;
  doNotTrack?: boolean;
  preDNAT?: boolean;
  applyOnForward?: boolean;
}

export type StagedAction = "Set" | "Delete";

interface Base<K extends string, A extends string, S> {
  apiVersion: A;
  kind: K;
  metadata: ObjectMeta;
  spec: S;
}

type V3 = "projectcalico.org/v3";

export interface TierSpec { order?: number; defaultAction?: "Deny" | "Pass" }
export type Tier = Base<"Tier", V3, TierSpec>;
export type NetworkPolicy = Base<"NetworkPolicy", V3, PolicySpec>;
export type GlobalNetworkPolicy = Base<"GlobalNetworkPolicy", V3, GlobalPolicySpec>;
export type StagedNetworkPolicy = Base<"StagedNetworkPolicy", V3, PolicySpec & { stagedAction?: StagedAction }>;
export type StagedGlobalNetworkPolicy = Base<"StagedGlobalNetworkPolicy", V3, GlobalPolicySpec & { stagedAction?: StagedAction }>;

export interface NetworkSetSpec { nets?: string[]; allowedEgressDomains?: string[] }
export type NetworkSet = Base<"NetworkSet", V3, NetworkSetSpec>;
export type GlobalNetworkSet = Base<"GlobalNetworkSet", V3, NetworkSetSpec>;

export interface EndpointPort { name: string; port: number; protocol: string }
export interface HostEndpointSpec {
  node?: string;
  interfaceName?: string;
  expectedIPs?: string[];
  profiles?: string[];
  ports?: EndpointPort[];
}
export type HostEndpoint = Base<"HostEndpoint", V3, HostEndpointSpec>;

// Kubernetes networking.k8s.io/v1 NetworkPolicy.
export interface LabelSelectorRequirement { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }
export interface LabelSelector { matchLabels?: LabelMap; matchExpressions?: LabelSelectorRequirement[] }
export interface IPBlock { cidr: string; except?: string[] }
export interface NetworkPolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: IPBlock }
export interface NetworkPolicyPort { protocol?: "TCP" | "UDP" | "SCTP"; port?: number | string; endPort?: number }
export interface K8sIngressRule { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface K8sEgressRule { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface K8sNetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: K8sIngressRule[];
  egress?: K8sEgressRule[];
}
export type KubernetesNetworkPolicy = Base<"NetworkPolicy", "networking.k8s.io/v1", K8sNetworkPolicySpec>;
export type StagedKubernetesNetworkPolicy = Base<"StagedKubernetesNetworkPolicy", V3, K8sNetworkPolicySpec & { stagedAction?: StagedAction }>;

// Inventory (Kubernetes core v1).
export interface ContainerPort { name?: string; containerPort: number; protocol?: string }
export interface Container { name: string; image?: string; ports?: ContainerPort[]; [extra: string]: unknown }
export interface Namespace { apiVersion: "v1"; kind: "Namespace"; metadata: ObjectMeta; spec?: Record<string, unknown> }
export interface Pod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: ObjectMeta;
  spec: { serviceAccountName?: string; containers?: Container[]; nodeName?: string; [extra: string]: unknown };
  status?: { podIP?: string; podIPs?: Array<{ ip: string }>; [extra: string]: unknown };
}
export interface ServiceAccount { apiVersion: "v1"; kind: "ServiceAccount"; metadata: ObjectMeta; spec?: Record<string, unknown> }

export type CalicoPolicy = NetworkPolicy | GlobalNetworkPolicy | StagedNetworkPolicy | StagedGlobalNetworkPolicy;

export type Resource =
  | Tier
  | NetworkPolicy
  | GlobalNetworkPolicy
  | StagedNetworkPolicy
  | StagedGlobalNetworkPolicy
  | StagedKubernetesNetworkPolicy
  | KubernetesNetworkPolicy
  | NetworkSet
  | GlobalNetworkSet
  | HostEndpoint
  | Namespace
  | Pod
  | ServiceAccount;

export interface ValidationError {
  path: string;
  message: string;
  document?: number;
}

export function isKubernetesNetworkPolicy(r: Resource): r is KubernetesNetworkPolicy {
  return r.kind === "NetworkPolicy" && r.apiVersion === "networking.k8s.io/v1";
}

export function isCalicoNetworkPolicy(r: Resource): r is NetworkPolicy {
  return r.kind === "NetworkPolicy" && r.apiVersion === "projectcalico.org/v3";
}
