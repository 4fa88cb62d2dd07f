import type { Actor } from "../audit/actor.ts";

/** The connector acts for its cluster, not for a user: the actor of the audit events it causes. */
export function connectorActor(a: { tenantId: string; clusterId: string; clusterName: string }): Actor {
  return { actorKind: "cluster", tenantId: a.tenantId, userId: a.clusterId, tokenId: "", display: `palisade-connector (cluster ${a.clusterName})`, roles: [], sourceAddress: null, requestId: null };
}
