/** What marks an object as Palisade's: only objects carrying it are ever changed or deleted by the connector. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "palisade";
export const FIELD_MANAGER = "palisade-connector";

/** The kinds Palisade manages, as the Kubernetes API names them. */
export const POLICY_KINDS = [
  { apiVersion: "projectcalico.org/v3", kind: "Tier", namespaced: false },
  { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", namespaced: false },
  { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", namespaced: true },
  { apiVersion: "projectcalico.org/v3", kind: "StagedGlobalNetworkPolicy", namespaced: false },
  { apiVersion: "projectcalico.org/v3", kind: "StagedNetworkPolicy", namespaced: true },
  { apiVersion: "projectcalico.org/v3", kind: "StagedKubernetesNetworkPolicy", namespaced: true },
  { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", namespaced: false },
  { apiVersion: "projectcalico.org/v3", kind: "NetworkSet", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespaced: true },
] as const;

export const refKey = (r: { apiVersion: string; kind: string; namespace?: string; name: string }) => `${r.apiVersion}/${r.kind}/${r.namespace ?? ""}/${r.name}`;

export function isManaged(o: { metadata?: object }): boolean {
  return (o.metadata as { labels?: Record<string, string> } | undefined)?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** The object as Palisade wants it: its label added, server-filled metadata gone. */
export function desiredObject<T extends { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } }>(o: T): T {
  const { metadata } = o;
  return {
    ...o,
    metadata: {
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      labels: { ...(metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      ...((metadata as { annotations?: Record<string, string> }).annotations ? { annotations: (metadata as { annotations?: Record<string, string> }).annotations } : {}),
    },
  } as T;
}

/** Spec (and labels) as compared for drift: key order does not matter. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
