import type { Resource } from "./types.ts";

/** The kinds the engine reads, their API group and whether they live in a namespace. */
export const KINDS: Readonly<Record<string, { apiVersion: string; namespaced: boolean }>> = {
  "projectcalico.org/v3/Tier": { apiVersion: "projectcalico.org/v3", namespaced: false },
  "projectcalico.org/v3/NetworkPolicy": { apiVersion: "projectcalico.org/v3", namespaced: true },
  "projectcalico.org/v3/GlobalNetworkPolicy": { apiVersion: "projectcalico.org/v3", namespaced: false },
  "projectcalico.org/v3/StagedNetworkPolicy": { apiVersion: "projectcalico.org/v3", namespaced: true },
  "projectcalico.org/v3/StagedGlobalNetworkPolicy": { apiVersion: "projectcalico.org/v3", namespaced: false },
  "projectcalico.org/v3/StagedKubernetesNetworkPolicy": { apiVersion: "projectcalico.org/v3", namespaced: true },
  "projectcalico.org/v3/NetworkSet": { apiVersion: "projectcalico.org/v3", namespaced: true },
  "projectcalico.org/v3/GlobalNetworkSet": { apiVersion: "projectcalico.org/v3", namespaced: false },
  "projectcalico.org/v3/HostEndpoint": { apiVersion: "projectcalico.org/v3", namespaced: false },
  "networking.k8s.io/v1/NetworkPolicy": { apiVersion: "networking.k8s.io/v1", namespaced: true },
  "v1/Namespace": { apiVersion: "v1", namespaced: false },
  "v1/Pod": { apiVersion: "v1", namespaced: true },
  "v1/ServiceAccount": { apiVersion: "v1", namespaced: true },
};

export function kindInfo(apiVersion: unknown, kind: unknown): { apiVersion: string; namespaced: boolean } | undefined {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  return KINDS[`${apiVersion}/${kind}`];
}

export function isNamespaced(r: Resource): boolean {
  return kindInfo(r.apiVersion, r.kind)?.namespaced ?? false;
}

/**
 * Objects the engine does not read (Deployments, Services, Ingresses, ...) commonly sit in the
 * same manifests as policy, so parsing skips them instead of failing. Unknown kinds of
 * projectcalico.org/v3 stay errors: there they are most likely a typo of a policy kind.
 */
export function isForeignKind(apiVersion: unknown, kind: unknown): boolean {
  return typeof apiVersion === "string" && typeof kind === "string" && apiVersion !== "projectcalico.org/v3" && kindInfo(apiVersion, kind) === undefined;
}
