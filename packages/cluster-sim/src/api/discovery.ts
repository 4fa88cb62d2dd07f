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
      const kind = sub === "log" ? "Pod" : sub === "token" ? "TokenRequest" : t.kind;
      resources.push({ name: `${t.plural}/${sub}`, singularName: "", namespaced: t.namespaced, kind, verbs });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(types[0]!), resources };
}
