import { apiVersionOf, groupsInOrder, RESOURCE_TYPES, verbsOf } from "./resource-types.ts";

export const SERVER_VERSION = {
  major: "1",
  minor: "30",
  gitVersion: "v1.30.0-palisade-sim",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.22.0",
  compiler: "gc",
  platform: "linux/amd64",
};

export function apiVersions(serverAddress: string) {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

function groupEntry(group: string, version: string) {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList() {
  return { kind: "APIGroupList", apiVersion: "v1", groups: groupsInOrder().map((g) => groupEntry(g.group, g.version)) };
}

export function apiGroup(name: string) {
  const g = groupsInOrder().find((x) => x.group === name);
  return g ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(g.group, g.version) } : undefined;
}

export function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbsOf(t),
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    for (const sub of t.subresources ?? []) {
      const verbs = sub === "log" ? ["get"] : sub === "token" ? ["create"] : ["get", "patch", "update"];
      const kind = sub === "log" ? "Pod" : sub === "token" ? "TokenRequest" : sub === "scale" ? "Scale" : t.kind;
      resources.push({ name: `${t.plural}/${sub}`, singularName: "", namespaced: t.namespaced, kind, verbs });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(types[0]!), resources };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2, or v2beta1): every group, version and resource in
 * one answer to /api or /apis, which kubectl 1.26+ asks for before falling back to the legacy lists.
 */
export function aggregatedDiscovery(core: boolean, apiVersion: string) {
  const groups = core ? [{ group: "", version: "v1" }] : groupsInOrder();
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion,
    metadata: {},
    items: groups.map(({ group, version }) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: [
        {
          version,
          freshness: "Current",
          resources: RESOURCE_TYPES.filter((t) => t.group === group && t.version === version).map((t) => ({
            resource: t.plural,
            responseKind: { group, version, kind: t.kind },
            scope: t.namespaced ? "Namespaced" : "Cluster",
            singularResource: t.singular,
            verbs: verbsOf(t),
            ...(t.shortNames ? { shortNames: t.shortNames } : {}),
            ...(t.categories ? { categories: t.categories } : {}),
            ...(t.subresources
              ? {
                  subresources: t.subresources.map((sub) => ({
                    subresource: sub,
                    responseKind: sub === "log" ? { group: "", version: "v1", kind: "Pod" } : sub === "token" ? { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" } : sub === "scale" ? { group: "autoscaling", version: "v1", kind: "Scale" } : { group, version, kind: t.kind },
                    verbs: sub === "log" ? ["get"] : sub === "token" ? ["create"] : ["get", "patch", "update"],
                  })),
                }
              : {}),
          })),
        },
      ],
    })),
  };
}
