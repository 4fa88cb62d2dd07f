import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { conflict, notFound } from "../errors.ts";
import { requireAccess } from "../policies/access.ts";
import { describeKey, isStoredKind } from "../policies/kinds.ts";
import { lockClusterForChange, yamlOf } from "../policies/store.ts";
import type { Resource } from "@palisade/policy";

/**
 * Takes a resource mirrored from the cluster (origin CLUSTER) under Palisade's management: from now on it is
 * desired state, so the connector labels it as Palisade's and restores it when it drifts. Needs `update` on
 * the resource (for a policy: in its tier); writes an ADOPT audit event and advances the desired revision.
 */
export async function adoptClusterResource(deps: CoreDeps, actor: Actor, args: { clusterId: string; kind: string; namespace?: string | null; name: string }) {
  const namespace = args.namespace ?? "";
  return runChange(deps, actor, { verb: "ADOPT", kind: args.kind, clusterId: args.clusterId, namespace: namespace || null, name: args.name }, async (c) => {
    if (!isStoredKind(args.kind)) throw notFound(`${args.kind} ${args.name}`);
    const row = await c.tx.policyResource.findUnique({ where: { clusterId_kind_namespace_name: { clusterId: args.clusterId, kind: args.kind, namespace, name: args.name } } });
    if (!row) throw notFound(describeKey({ kind: args.kind, namespace, name: args.name }));
    requireAccess(c.auth, "update", { kind: args.kind, clusterId: args.clusterId, tier: row.tier, namespace });
    if (row.origin !== "CLUSTER") throw conflict(`${describeKey(row)} is already managed by Palisade`);
    const clusterRevision = await lockClusterForChange(c.tx, args.clusterId);
    const adopted = await c.tx.policyResource.update({ where: { id: row.id }, data: { origin: "PALISADE", revision: row.revision + 1 } });
    const auditEventId = c.record({ verb: "ADOPT", kind: row.kind, clusterId: args.clusterId, namespace: namespace || null, name: row.name, tier: row.tier, afterYaml: yamlOf(row.resource as unknown as Resource), revision: adopted.revision });
    // a version of the desired state from now on: the connector is sent it as a change (and the history shows the adoption)
    await c.tx.policyResourceVersion.create({
      data: { tenantId: c.actor.tenantId, clusterId: args.clusterId, kind: row.kind, namespace, name: row.name, revision: adopted.revision, resource: row.resource as object, auditEventId, clusterRevision, createdAt: c.at },
    });
    return adopted;
  });
}
