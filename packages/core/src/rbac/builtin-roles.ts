import { rbacResources, verbs, type RbacResource, type RoleRule } from "./rules.ts";

const policyResources: RbacResource[] = rbacResources.filter((r) => r === "tiers" || r.startsWith("tier.") || r === "networkpolicies.k8s" || r.endsWith("networksets"));

/** The roles every tenant has; they cannot be redefined. */
export const builtinRoles: Readonly<Record<string, readonly RoleRule[]>> = {
  owner: [{ verbs: [...verbs], resources: [...rbacResources] }],
  "network-admin": [
    { verbs: [...verbs], resources: [...policyResources, "clusters", "reports"] },
    { verbs: ["get", "list", "watch"], resources: ["auditevents", "flowlogs"] },
  ],
  viewer: [{ verbs: ["get", "list", "watch"], resources: [...rbacResources] }],
};

export function isBuiltinRole(name: string): boolean {
  return Object.hasOwn(builtinRoles, name);
}

/**
 * Calico's "tier editor" pattern: get the tier (and see the others' names is not granted), full verbs on
 * every policy kind in it, and read access to what such an editor needs to write policy (network sets).
 */
export function tierEditorRules(tier: string, namespaces: string[] | null = null): RoleRule[] {
  return [
    { verbs: ["get"], resources: ["tiers"], tiers: [tier] },
    { verbs: [...verbs], resources: policyResources.filter((r) => r.startsWith("tier.")), tiers: [tier], namespaces },
    { verbs: ["get", "list", "watch"], resources: ["networksets", "globalnetworksets", "clusters"] },
    // an editor judges policy by the flows it decides, in the namespaces they edit
    { verbs: ["get", "list", "watch"], resources: ["flowlogs"], namespaces },
  ];
}
