import type { Tx } from "@palisade/db";
import { forbidden } from "../errors.ts";
import { builtinRoles } from "./builtin-roles.ts";
import { clusterScopedResources, namespacedResources, roleRulesSchema, tieredResources, type RbacResource, type RoleRule, type Verb } from "./rules.ts";

export interface Scope {
  clusterId?: string | null;
  tier?: string | null;
  /** '' or absent for cluster-scoped resources */
  namespace?: string | null;
}

/** Who acts, as RBAC sees it: a user (by its roles) through a token that may be bound to narrower roles. */
export interface Subject {
  tenantId: string;
  userId: string;
  tokenId: string;
  display: string;
  roles: readonly string[];
}

function ruleAllows(rule: RoleRule, verb: Verb, resource: RbacResource, scope: Scope): boolean {
  if (!rule.verbs.includes(verb) || !rule.resources.includes(resource)) return false;
  if (rule.clusters && scope.clusterId && !rule.clusters.includes(scope.clusterId)) return false;
  if (tieredResources.has(resource) && rule.tiers && !rule.tiers.includes(scope.tier ?? "")) return false;
  if (namespacedResources.has(resource) && rule.namespaces) {
    if (!scope.namespace || !rule.namespaces.includes(scope.namespace)) return false;
  }
  // As in Kubernetes RBAC, a rule limited to namespaces grants nothing cluster-wide.
  if (clusterScopedResources.has(resource) && rule.namespaces) return false;
  return true;
}

/**
 * Answers whether the subject may do `verb` on `resource` in a scope. A token bound to roles of its own acts
 * only where both its creator's roles and the token's allow.
 */
export class Authorizer {
  constructor(
    readonly subject: Subject,
    private readonly userRules: readonly RoleRule[],
    private readonly tokenRules: readonly RoleRule[] | null,
  ) {}

  allows(verb: Verb, resource: RbacResource, scope: Scope = {}): boolean {
    if (!this.userRules.some((r) => ruleAllows(r, verb, resource, scope))) return false;
    return this.tokenRules === null || this.tokenRules.some((r) => ruleAllows(r, verb, resource, scope));
  }

  /** Throws FORBIDDEN naming the user, the verb and the resource. */
  require(verb: Verb, resource: RbacResource, scope: Scope = {}): void {
    if (!this.allows(verb, resource, scope)) throw forbidden(`user "${this.subject.display}" cannot ${verb} ${describe(resource, scope)}`);
  }

  /**
   * Calico's rule for a policy in tier T: `get` on tier T, and the verb on the policy's resource in tier T.
   * The message says which of the two is missing, as Calico's does.
   */
  requireTiered(verb: Verb, resource: RbacResource, scope: Scope): void {
    const plural = resource.replace(/^tier\./, "");
    const where = `in tier "${scope.tier}"${scope.namespace ? ` in namespace "${scope.namespace}"` : ""}`;
    if (!this.allows("get", "tiers", scope)) throw forbidden(`user "${this.subject.display}" cannot ${verb} ${plural} ${where} (user cannot get tier)`);
    if (!this.allows(verb, resource, scope)) throw forbidden(`user "${this.subject.display}" cannot ${verb} ${plural} ${where} (user cannot ${verb} ${resource} in tier "${scope.tier}")`);
  }

  allowsTiered(verb: Verb, resource: RbacResource, scope: Scope): boolean {
    return this.allows("get", "tiers", scope) && this.allows(verb, resource, scope);
  }

  /**
   * The namespaces in which the subject may `verb` a namespaced resource: null for every namespace, [] for none.
   * A token bound to roles narrows its user's set.
   */
  namespacesFor(verb: Verb, resource: RbacResource, clusterId: string): string[] | null {
    const of = (rules: readonly RoleRule[]): string[] | null => {
      const found = new Set<string>();
      for (const r of rules) {
        if (!r.verbs.includes(verb) || !r.resources.includes(resource)) continue;
        if (r.clusters && !r.clusters.includes(clusterId)) continue;
        if (!r.namespaces) return null;
        for (const n of r.namespaces) found.add(n);
      }
      return [...found].sort();
    };
    const user = of(this.userRules);
    const token = this.tokenRules === null ? null : of(this.tokenRules);
    if (user === null) return token;
    if (token === null) return user;
    return user.filter((n) => token.includes(n));
  }

  /** True when every rule given is covered by what the subject may do itself (for token-bound roles). */
  covers(rules: readonly RoleRule[]): boolean {
    return rules.every((rule) =>
      rule.verbs.every((v) =>
        rule.resources.every((res) => {
          // A rule for all tiers/namespaces/clusters is covered only by rules for all of them.
          const probe: Scope = { clusterId: null, tier: null, namespace: null };
          const scopes: Scope[] = [];
          for (const clusterId of rule.clusters ?? [null])
            for (const tier of rule.tiers ?? [null])
              for (const namespace of rule.namespaces ?? [null]) scopes.push({ clusterId, tier, namespace });
          return scopes.every((s) => this.coveredBy(v, res, { ...probe, ...s }));
        }),
      ),
    );
  }

  private coveredBy(verb: Verb, resource: RbacResource, scope: Scope): boolean {
    const fits = (r: RoleRule) =>
      r.verbs.includes(verb) &&
      r.resources.includes(resource) &&
      (!r.clusters || (scope.clusterId !== null && r.clusters.includes(scope.clusterId!))) &&
      (!tieredResources.has(resource) || !r.tiers || (scope.tier !== null && r.tiers.includes(scope.tier!))) &&
      (!namespacedResources.has(resource) || !r.namespaces || (scope.namespace !== null && r.namespaces.includes(scope.namespace!))) &&
      (!clusterScopedResources.has(resource) || !r.namespaces);
    return this.userRules.some(fits) && (this.tokenRules === null || this.tokenRules.some(fits));
  }
}

function describe(resource: RbacResource, scope: Scope): string {
  const parts: string[] = [resource];
  if (scope.tier && tieredResources.has(resource)) parts.push(resource === "tiers" ? `"${scope.tier}"` : `in tier "${scope.tier}"`);
  if (scope.namespace) parts.push(`in namespace "${scope.namespace}"`);
  if (scope.clusterId) parts.push(`in cluster ${scope.clusterId}`);
  return parts.join(" ");
}

/** The rules of named roles: built-in ones from code, the tenant's own from the roles table. */
export async function rulesOfRoles(tx: Tx, names: readonly string[]): Promise<RoleRule[]> {
  const rules: RoleRule[] = [];
  const custom: string[] = [];
  for (const n of names) {
    const b = builtinRoles[n];
    if (b) rules.push(...b);
    else custom.push(n);
  }
  if (custom.length > 0) {
    for (const row of await tx.role.findMany({ where: { name: { in: custom } } })) rules.push(...(roleRulesSchema.parse(row.rules) as RoleRule[]));
  }
  return rules;
}

/** The authorizer for a subject, read in the caller's tenant transaction. */
export async function loadAuthorizer(tx: Tx, subject: Subject): Promise<Authorizer> {
  const bound = await tx.tokenRoleBinding.findMany({ where: { accessTokenId: subject.tokenId }, select: { role: true } });
  const userRules = await rulesOfRoles(tx, subject.roles);
  const tokenRules = bound.length > 0 ? await rulesOfRoles(tx, bound.map((b) => b.role)) : null;
  return new Authorizer(subject, userRules, tokenRules);
}

/**
 * The subject as it stands now, read fresh (not from the principal cache): its user's current roles, or null
 * when its token was revoked, expired or its user removed. Long-lived subscriptions call it when auth changes.
 */
export async function refreshSubject(tx: Tx, subject: Subject, now: Date): Promise<Subject | null> {
  const token = await tx.accessToken.findUnique({ where: { id: subject.tokenId }, include: { user: { include: { memberships: { select: { role: true } } } } } });
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  return { ...subject, roles: [...new Set(token.user.memberships.map((m) => m.role))] };
}
