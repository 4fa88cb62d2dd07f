import { z } from "zod";

export const verbs = ["get", "list", "watch", "create", "update", "delete"] as const;
export type Verb = (typeof verbs)[number];

export const rbacResources = [
  "tiers",
  "tier.networkpolicies",
  "tier.globalnetworkpolicies",
  "tier.stagednetworkpolicies",
  "tier.stagedglobalnetworkpolicies",
  "tier.stagedkubernetesnetworkpolicies",
  "networkpolicies.k8s",
  "networksets",
  "globalnetworksets",
  "clusters",
  "reports",
  "auditevents",
  "users",
  "flowlogs",
] as const;
export type RbacResource = (typeof rbacResources)[number];

/** One rule of a role. `null` (or absent) tiers, namespaces or clusters mean all of them. */
export interface RoleRule {
  verbs: Verb[];
  resources: RbacResource[];
  tiers?: string[] | null;
  namespaces?: string[] | null;
  clusters?: string[] | null;
}

const names = z.array(z.string().min(1).max(253)).nullish();

export const roleRulesSchema = z
  .array(
    z.object({
      verbs: z.array(z.enum(verbs)).min(1),
      resources: z.array(z.enum(rbacResources)).min(1),
      tiers: names,
      namespaces: names,
      clusters: names,
    }),
  )
  .min(1);

/** Resources named by tier: the rule's `tiers` applies to them. */
export const tieredResources: ReadonlySet<RbacResource> = new Set(rbacResources.filter((r) => r === "tiers" || r.startsWith("tier.")));
/** Resources that live in a namespace: the rule's `namespaces` applies to them. */
export const namespacedResources: ReadonlySet<RbacResource> = new Set<RbacResource>([
  "tier.networkpolicies",
  "tier.stagednetworkpolicies",
  "tier.stagedkubernetesnetworkpolicies",
  "networkpolicies.k8s",
  "networksets",
  // a flow log belongs to the namespaces of both its ends
  "flowlogs",
]);
/** Policy resources outside any namespace: a rule limited to namespaces does not grant them (as in Kubernetes RBAC). */
export const clusterScopedResources: ReadonlySet<RbacResource> = new Set<RbacResource>(["tiers", "tier.globalnetworkpolicies", "tier.stagedglobalnetworkpolicies", "globalnetworksets"]);
