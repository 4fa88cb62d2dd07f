import type { Tx } from "@palisade/db";
import { forbidden } from "../errors.ts";
import { findCluster } from "../policies/store.ts";
import { loadAuthorizer, type Subject } from "../rbac/authorizer.ts";

/** What of a cluster's flows a caller may see. */
export interface FlowAccess {
  clusterId: string;
  /** a record is visible when either end's namespace is listed; null: every record */
  visibleNamespaces: string[] | null;
  /** the policy board shows the tiers the caller may get, as Calico's UI does */
  tierVisible(tier: string): boolean;
}

/**
 * The caller's view of a cluster's flows: NOT_FOUND for a cluster the tenant does not have, FORBIDDEN for a
 * caller who may list flow logs in no namespace of it.
 */
export async function flowAccess(tx: Tx, subject: Subject, clusterId: string): Promise<FlowAccess> {
  await findCluster(tx, clusterId);
  const authz = await loadAuthorizer(tx, subject);
  const visibleNamespaces = authz.namespacesFor("list", "flowlogs", clusterId);
  if (visibleNamespaces !== null && visibleNamespaces.length === 0) throw forbidden(`user "${subject.display}" cannot list flowlogs in cluster ${clusterId}`);
  return { clusterId, visibleNamespaces, tierVisible: (tier) => authz.allows("get", "tiers", { clusterId, tier }) };
}
