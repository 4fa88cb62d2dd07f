import { isNamespaced } from "./kinds.ts";
import { fullPolicyName, policyTier } from "./names.ts";
import type { PolicySpec, PolicyType, Resource } from "./types.ts";

/** Calico's `types` default: ingress rules or none -> Ingress; only egress -> Egress; both -> both. */
export function defaultCalicoTypes(spec: PolicySpec): PolicyType[] {
  const ingress = (spec.ingress?.length ?? 0) > 0;
  const egress = (spec.egress?.length ?? 0) > 0;
  if (ingress && egress) return ["Ingress", "Egress"];
  return egress ? ["Egress"] : ["Ingress"];
}

/**
 * Kubernetes' `policyTypes` default, filled in by the API server before Calico sees a policy:
 * Ingress always, plus Egress when the policy has egress rules.
 */
export function defaultK8sTypes(spec: { egress?: unknown[] }): PolicyType[] {
  return (spec.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** The resource with Calico's defaults applied, as Calico stores it. The input is not changed. */
export function normalizeResource<R extends Resource>(r: R): R {
  const out = structuredClone(r) as Resource;
  if (isNamespaced(out) && !out.metadata.namespace) out.metadata.namespace = "default";
  switch (out.kind) {
    case "Tier":
      out.spec = { ...out.spec, defaultAction: out.spec?.defaultAction ?? "Deny" };
      break;
    case "NetworkPolicy":
      if (out.apiVersion === "networking.k8s.io/v1") {
        out.spec.policyTypes ??= defaultK8sTypes(out.spec);
        break;
      }
    // fallthrough: a Calico NetworkPolicy
    case "GlobalNetworkPolicy":
    case "StagedNetworkPolicy":
    case "StagedGlobalNetworkPolicy": {
      const spec = (out.spec ??= {}) as PolicySpec & { stagedAction?: string };
      const tier = policyTier(spec.tier);
      out.metadata.name = fullPolicyName(out.metadata.name, tier);
      spec.tier = tier;
      if (out.kind.startsWith("Staged")) spec.stagedAction ??= "Set";
      if (spec.stagedAction !== "Delete") spec.types ??= defaultCalicoTypes(spec);
      break;
    }
    case "StagedKubernetesNetworkPolicy":
      out.spec.stagedAction ??= "Set";
      if (out.spec.stagedAction !== "Delete") out.spec.policyTypes ??= defaultK8sTypes(out.spec);
      break;
    case "Pod":
      out.spec = { ...out.spec, serviceAccountName: out.spec?.serviceAccountName ?? "default" };
      break;
  }
  return out as R;
}
