import type { Tx } from "@palisade/db";
import type { Actor } from "../audit/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { loadAuthorizer, type Authorizer } from "../rbac/authorizer.ts";
import type { Verb } from "../rbac/rules.ts";
import { rbacResourceOf, type StoredKind } from "./kinds.ts";

/** A read in the actor's tenant with its authorizer. Reads write no audit events. */
export function read<T>(deps: CoreDeps, actor: Actor, fn: (tx: Tx, auth: Authorizer) => Promise<T>): Promise<T> {
  // Reads under load wait for the event loop between their queries; give them more than Prisma's 5 s.
  return deps.db.withTenant(actor.tenantId, async (tx) => fn(tx, await loadAuthorizer(tx, actor)), { timeoutMs: 30_000 });
}

interface Where {
  kind: StoredKind;
  clusterId: string;
  namespace: string;
  tier: string | null;
}

/** Calico's rule for tiered kinds (get the tier, and the verb in it); plain RBAC for the others. */
export function mayAccess(auth: Authorizer, verb: Verb, w: Where): boolean {
  const resource = rbacResourceOf(w.kind);
  const scope = { clusterId: w.clusterId, tier: w.tier, namespace: w.namespace || null };
  return resource.startsWith("tier.") ? auth.allowsTiered(verb, resource, scope) : auth.allows(verb, resource, scope);
}

export function requireAccess(auth: Authorizer, verb: Verb, w: Where): void {
  const resource = rbacResourceOf(w.kind);
  const scope = { clusterId: w.clusterId, tier: w.tier, namespace: w.namespace || null };
  if (resource.startsWith("tier.")) auth.requireTiered(verb, resource, scope);
  else auth.require(verb, resource, scope);
}
