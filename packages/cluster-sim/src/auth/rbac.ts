import type { ObjectStore } from "../store/object-store.ts";
import { RESOURCE_TYPES, type ResourceType } from "../api/resource-types.ts";
import type { UserInfo } from "./users.ts";

export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  nonResourceURL?: string;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

const t = (kind: string): ResourceType => RESOURCE_TYPES.find((r) => r.group === "rbac.authorization.k8s.io" && r.kind === kind)!;

/** Paths every authenticated user may read (system:discovery and system:public-info-viewer). */
const PUBLIC_PATHS = ["/api", "/apis", "/version", "/openapi", "/healthz", "/livez", "/readyz"];

/** RBAC as the Kubernetes authorizer evaluates it, from the ClusterRole/Role bindings stored in the API. */
export function authorize(store: ObjectStore, user: UserInfo, a: Attributes): boolean {
  if (user.groups.includes("system:masters")) return true;
  if (a.nonResourceURL && PUBLIC_PATHS.some((p) => a.nonResourceURL === p || a.nonResourceURL!.startsWith(p + "/"))) return true;
  // Every user may ask what it may do (system:basic-user).
  if (a.group === "authorization.k8s.io" && (a.resource === "selfsubjectaccessreviews" || a.resource === "selfsubjectrulesreviews")) return true;
  for (const rules of rulesFor(store, user, a.namespace)) {
    if (rules.some((r) => ruleAllows(r, a))) return true;
  }
  return false;
}

function* rulesFor(store: ObjectStore, user: UserInfo, namespace: string | undefined): Generator<PolicyRule[]> {
  for (const b of store.list(t("ClusterRoleBinding"))) {
    if (!bindsUser(b.subjects as Subject[] | undefined, user, undefined)) continue;
    yield roleRules(store, b.roleRef as { kind: string; name: string }, undefined);
  }
  if (!namespace) return;
  for (const b of store.list(t("RoleBinding"), namespace)) {
    if (!bindsUser(b.subjects as Subject[] | undefined, user, namespace)) continue;
    yield roleRules(store, b.roleRef as { kind: string; name: string }, namespace);
  }
}

function roleRules(store: ObjectStore, ref: { kind: string; name: string }, namespace: string | undefined): PolicyRule[] {
  const role = ref.kind === "ClusterRole" ? store.peek(t("ClusterRole"), undefined, ref.name) : store.peek(t("Role"), namespace, ref.name);
  return ((role?.rules as PolicyRule[] | undefined) ?? []);
}

function bindsUser(subjects: Subject[] | undefined, user: UserInfo, bindingNamespace: string | undefined): boolean {
  return (subjects ?? []).some((s) => {
    if (s.kind === "User") return s.name === user.username;
    if (s.kind === "Group") return user.groups.includes(s.name);
    if (s.kind === "ServiceAccount") return user.username === `system:serviceaccount:${s.namespace ?? bindingNamespace}:${s.name}`;
    return false;
  });
}

function ruleAllows(r: PolicyRule, a: Attributes): boolean {
  const verbs = r.verbs ?? [];
  if (!verbs.includes("*") && !verbs.includes(a.verb)) return false;
  if (a.nonResourceURL) {
    return (r.nonResourceURLs ?? []).some((u) => u === "*" || u === a.nonResourceURL || (u.endsWith("*") && a.nonResourceURL!.startsWith(u.slice(0, -1))));
  }
  const groups = r.apiGroups ?? [];
  if (!groups.includes("*") && !groups.includes(a.group)) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = r.resources ?? [];
  if (!resources.some((x) => x === "*" || x === res || (a.subresource && x === `*/${a.subresource}`) || (x.endsWith("/*") && x === `${a.resource}/*`))) return false;
  if (r.resourceNames?.length && (!a.name || !r.resourceNames.includes(a.name))) return false;
  return true;
}
