import type { Resource } from "./types.ts";

export const DEFAULT_TIER = "default";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Calico resource names (network sets, host endpoints): alphanumerics with '.', '_' or '-'.
const CALICO_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS_SUBDOMAIN.test(s);
}
export function isCalicoName(s: string): boolean {
  return s.length <= 253 && CALICO_NAME.test(s);
}

/** The tier a policy named `name` with `spec.tier` belongs to. */
export function policyTier(specTier: string | undefined): string {
  return specTier && specTier.length > 0 ? specTier : DEFAULT_TIER;
}

/**
 * A policy name without its tier prefix. Calico accepts both `tier.name` and a bare `name`
 * and stores `tier.name`; a name whose first segment is its own tier is the prefixed form.
 */
export function bareName(name: string, tier: string): string {
  return name.startsWith(`${tier}.`) ? name.slice(tier.length + 1) : name;
}

export function fullPolicyName(name: string, tier: string): string {
  return `${tier}.${bareName(name, tier)}`;
}

/** Which tier a resource's policy belongs to (`default` for Kubernetes and untiered policies). */
export function tierOf(r: Resource): string {
  switch (r.kind) {
    case "NetworkPolicy":
    case "GlobalNetworkPolicy":
    case "StagedNetworkPolicy":
    case "StagedGlobalNetworkPolicy":
      if (r.apiVersion === "networking.k8s.io/v1") return DEFAULT_TIER;
      return policyTier((r.spec as { tier?: string } | undefined)?.tier);
    case "Tier":
      return r.metadata.name;
    default:
      return DEFAULT_TIER;
  }
}

/** kind/namespace/name (namespace empty for cluster-wide resources), stable across edits. */
export function resourceKey(r: Resource): string {
  const group = r.apiVersion === "networking.k8s.io/v1" ? "KubernetesNetworkPolicy" : r.kind;
  const calicoPolicy = r.apiVersion === "projectcalico.org/v3" && /^(Staged)?(Global)?NetworkPolicy$/.test(r.kind);
  const name = calicoPolicy ? fullPolicyName(r.metadata.name, tierOf(r)) : r.metadata.name;
  return `${group}/${r.metadata.namespace ?? ""}/${name}`;
}
