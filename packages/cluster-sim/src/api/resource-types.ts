/** The resources this simulated API server serves, as discovery describes them. */
export interface ResourceType {
  group: string; // "" for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs?: string[];
  subresources?: string[];
  categories?: string[];
}

const CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", singular: "namespace", namespaced: false, shortNames: ["ns"], subresources: ["status"] },
  { group: "", version: "v1", kind: "Node", plural: "nodes", singular: "node", namespaced: false, shortNames: ["no"], subresources: ["status"] },
  { group: "", version: "v1", kind: "Pod", plural: "pods", singular: "pod", namespaced: true, shortNames: ["po"], subresources: ["status", "log"], categories: ["all"] },
  { group: "", version: "v1", kind: "Service", plural: "services", singular: "service", namespaced: true, shortNames: ["svc"], subresources: ["status"], categories: ["all"] },
  { group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", singular: "serviceaccount", namespaced: true, shortNames: ["sa"], subresources: ["token"] },
  { group: "", version: "v1", kind: "Secret", plural: "secrets", singular: "secret", namespaced: true },
  { group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", singular: "persistentvolumeclaim", namespaced: true, shortNames: ["pvc"], subresources: ["status"] },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", singular: "configmap", namespaced: true, shortNames: ["cm"] },
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", singular: "deployment", namespaced: true, shortNames: ["deploy"], subresources: ["status", "scale"], categories: ["all"] },
  { group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", singular: "daemonset", namespaced: true, shortNames: ["ds"], subresources: ["status"], categories: ["all"] },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", singular: "clusterrole", namespaced: false },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", singular: "clusterrolebinding", namespaced: false },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", singular: "role", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", singular: "rolebinding", namespaced: true },
  { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", singular: "networkpolicy", namespaced: true, shortNames: ["netpol"] },
  { group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", singular: "customresourcedefinition", namespaced: false, shortNames: ["crd", "crds"], subresources: ["status"] },
  { group: "apiregistration.k8s.io", version: "v1", kind: "APIService", plural: "apiservices", singular: "apiservice", namespaced: false, subresources: ["status"] },
  { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview", namespaced: false, verbs: ["create"] },
  { group: "projectcalico.org", version: "v3", kind: "Tier", plural: "tiers", singular: "tier", namespaced: false },
  { group: "projectcalico.org", version: "v3", kind: "NetworkPolicy", plural: "networkpolicies", singular: "networkpolicy", namespaced: true, shortNames: ["cnp", "caliconetworkpolicy", "caliconetworkpolicies"] },
  { group: "projectcalico.org", version: "v3", kind: "GlobalNetworkPolicy", plural: "globalnetworkpolicies", singular: "globalnetworkpolicy", namespaced: false, shortNames: ["gnp", "cgnp", "calicoglobalnetworkpolicies"] },
  { group: "projectcalico.org", version: "v3", kind: "StagedNetworkPolicy", plural: "stagednetworkpolicies", singular: "stagednetworkpolicy", namespaced: true },
  { group: "projectcalico.org", version: "v3", kind: "StagedGlobalNetworkPolicy", plural: "stagedglobalnetworkpolicies", singular: "stagedglobalnetworkpolicy", namespaced: false },
  { group: "projectcalico.org", version: "v3", kind: "StagedKubernetesNetworkPolicy", plural: "stagedkubernetesnetworkpolicies", singular: "stagedkubernetesnetworkpolicy", namespaced: true },
  { group: "projectcalico.org", version: "v3", kind: "NetworkSet", plural: "networksets", singular: "networkset", namespaced: true, shortNames: ["netsets"] },
  { group: "projectcalico.org", version: "v3", kind: "GlobalNetworkSet", plural: "globalnetworksets", singular: "globalnetworkset", namespaced: false },
];

export function verbsOf(t: ResourceType): string[] {
  return t.verbs ?? CRUD;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

export function groupsInOrder(): { group: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const t of RESOURCE_TYPES) if (t.group && !seen.has(t.group)) seen.set(t.group, t.version);
  return [...seen].map(([group, version]) => ({ group, version }));
}
