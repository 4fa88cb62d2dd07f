import { bareName, policyTier } from "../resources/names.ts";

/**
 * The name Calico's flow logs give a Calico policy in a trace: `<namespace>/<tier>.<name>` (namespaced),
 * `<tier>.<name>` (global), with `staged:` before the name for staged policies.
 */
export function calicoTraceName(name: string, namespace: string | undefined, specTier: string | undefined, staged: boolean): string {
  const tier = policyTier(specTier);
  const bare = bareName(name, tier);
  const n = staged ? `${tier}.staged:${bare}` : `${tier}.${bare}`;
  return namespace === undefined ? n : `${namespace}/${n}`;
}

/** A Kubernetes NetworkPolicy's trace name: `<namespace>/knp.default.<name>` (`staged:` before `knp` when staged). */
export function k8sTraceName(name: string, namespace: string | undefined, staged: boolean): string {
  return `${namespace ?? "default"}/${staged ? "staged:" : ""}knp.default.${name}`;
}

/** The trace name of a stored policy by its kind (the policy store's kinds, KubernetesNetworkPolicy included). */
export function policyTraceName(p: { kind: string; name: string; namespace?: string | null; tier?: string | null }): string {
  const ns = p.namespace ? p.namespace : undefined;
  const tier = p.tier ?? undefined;
  switch (p.kind) {
    case "NetworkPolicy":
      return calicoTraceName(p.name, ns ?? "default", tier, false);
    case "StagedNetworkPolicy":
      return calicoTraceName(p.name, ns ?? "default", tier, true);
    case "GlobalNetworkPolicy":
      return calicoTraceName(p.name, undefined, tier, false);
    case "StagedGlobalNetworkPolicy":
      return calicoTraceName(p.name, undefined, tier, true);
    case "KubernetesNetworkPolicy":
      return k8sTraceName(p.name, ns, false);
    case "StagedKubernetesNetworkPolicy":
      return k8sTraceName(p.name, ns, true);
    default:
      throw new Error(`${p.kind} is not a policy kind`);
  }
}
