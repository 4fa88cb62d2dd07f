import { resourceKey, tierOf, type Resource } from "@palisade/policy";
import type { RbacResource } from "../rbac/rules.ts";

/** The kinds a cluster's policy store holds; KubernetesNetworkPolicy is networking.k8s.io/v1 NetworkPolicy. */
export const storedKinds = [
  "Tier",
  "NetworkPolicy",
  "GlobalNetworkPolicy",
  "StagedNetworkPolicy",
  "StagedGlobalNetworkPolicy",
  "StagedKubernetesNetworkPolicy",
  "KubernetesNetworkPolicy",
  "NetworkSet",
  "GlobalNetworkSet",
] as const;
export type StoredKind = (typeof storedKinds)[number];

export const policyKinds: readonly StoredKind[] = storedKinds.filter((k) => k.endsWith("Policy"));
export const networkSetKinds: readonly StoredKind[] = ["NetworkSet", "GlobalNetworkSet"];
/** Calico policies carry spec.order and can be moved within their tier. */
export const orderedPolicyKinds: readonly StoredKind[] = ["NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy"];

const rbac: Record<StoredKind, RbacResource> = {
  Tier: "tiers",
  NetworkPolicy: "tier.networkpolicies",
  GlobalNetworkPolicy: "tier.globalnetworkpolicies",
  StagedNetworkPolicy: "tier.stagednetworkpolicies",
  StagedGlobalNetworkPolicy: "tier.stagedglobalnetworkpolicies",
  StagedKubernetesNetworkPolicy: "tier.stagedkubernetesnetworkpolicies",
  KubernetesNetworkPolicy: "networkpolicies.k8s",
  NetworkSet: "networksets",
  GlobalNetworkSet: "globalnetworksets",
};

export function rbacResourceOf(kind: StoredKind): RbacResource {
  return rbac[kind];
}

export function isStoredKind(k: string): k is StoredKind {
  return (storedKinds as readonly string[]).includes(k);
}

/** Where a resource sits in a cluster's store. */
export interface Identity {
  kind: StoredKind;
  namespace: string;
  name: string;
  tier: string | null;
  order: number | null;
}

// Calico gives Kubernetes NetworkPolicies the order 1000 in the default tier.
const K8S_POLICY_ORDER = 1000;

/** The identity of a normalised resource, or null for kinds the store does not hold (inventory, host endpoints). */
export function identify(r: Resource): Identity | null {
  const [group, namespace, name] = resourceKey(r).split("/") as [string, string, string];
  if (!isStoredKind(group)) return null;
  const kind = group;
  const spec = (r.spec ?? {}) as { order?: number };
  switch (kind) {
    case "Tier":
      return { kind, namespace: "", name, tier: name, order: spec.order ?? null };
    case "NetworkSet":
    case "GlobalNetworkSet":
      return { kind, namespace, name, tier: null, order: null };
    case "KubernetesNetworkPolicy":
    case "StagedKubernetesNetworkPolicy":
      return { kind, namespace, name, tier: tierOf(r), order: K8S_POLICY_ORDER };
    default:
      return { kind, namespace, name, tier: tierOf(r), order: spec.order ?? null };
  }
}

export function describeKey(k: { kind: string; namespace: string; name: string }): string {
  return k.namespace ? `${k.kind} ${k.namespace}/${k.name}` : `${k.kind} ${k.name}`;
}
