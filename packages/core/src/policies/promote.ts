import { normalizeResource, type Resource } from "@palisade/policy";
import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, notFound } from "../errors.ts";
import { requireAccess } from "./access.ts";
import { describeKey, identify, type StoredKind } from "./kinds.ts";
import { checkRevision, checkTierExists, findByRef, identityOfRow, type ResourceRef } from "./resources.ts";
import { applyWrites, findCluster, findRow, lockClusterForChange, resourceOf, type ResourceRow, type Write } from "./store.ts";

const enforcedOf: Partial<Record<StoredKind, { apiVersion: string; kind: string }>> = {
  StagedNetworkPolicy: { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy" },
  StagedGlobalNetworkPolicy: { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy" },
  StagedKubernetesNetworkPolicy: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
};

/** The enforced policy a staged one stands for: same metadata and spec, without stagedAction. */
function enforcedResource(staged: Resource, target: { apiVersion: string; kind: string }): Resource {
  const { stagedAction: _, ...spec } = staged.spec as Record<string, unknown>;
  const { name, namespace, labels, annotations } = staged.metadata;
  const metadata = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
  return normalizeResource({ apiVersion: target.apiVersion, kind: target.kind, metadata, spec } as Resource);
}

/**
 * Enforces a staged policy in one transaction: stagedAction Set creates or replaces the enforced policy,
 * Delete deletes it; the staged policy is removed either way.
 */
export function promoteStagedPolicy(deps: CoreDeps, actor: Actor, a: ResourceRef & { revision?: number | null }): Promise<{ staged: ResourceRow; enforced: ResourceRow | null }> {
  return runChange(deps, actor, { verb: "promote", kind: a.kind, clusterId: a.clusterId, namespace: a.namespace || null, name: a.name }, async (c) => {
    const target = enforcedOf[a.kind as StoredKind];
    if (!target) throw badInput("kind", `${a.kind} is not a staged policy kind`);
    await findCluster(c.tx, a.clusterId);
    await lockClusterForChange(c.tx, a.clusterId);
    const staged = await findByRef(c.tx, a);
    if (!staged) throw notFound(describeKey({ kind: a.kind, namespace: a.namespace ?? "", name: a.name }));
    const stagedIdentity = identityOfRow(staged);
    Object.assign(c.subject, { name: staged.name, tier: staged.tier, namespace: staged.namespace || null });
    checkRevision(staged, a.revision, staged);
    const stagedResource = resourceOf(staged);
    const enforced = enforcedResource(stagedResource, target);
    const identity = identify(enforced)!;
    const existing = await findRow(c.tx, a.clusterId, identity);
    const deleting = (stagedResource.spec as { stagedAction?: string }).stagedAction === "Delete";

    requireAccess(c.auth, "delete", { ...stagedIdentity, clusterId: a.clusterId });
    const writes: Write[] = [{ verb: "promote", identity: stagedIdentity, before: staged, after: null }];
    if (deleting) {
      if (existing) {
        requireAccess(c.auth, "delete", { ...identity, clusterId: a.clusterId });
        writes.push({ verb: "promote", identity, before: existing, after: null });
      }
    } else {
      requireAccess(c.auth, existing ? "update" : "create", { ...identity, clusterId: a.clusterId });
      await checkTierExists(c.tx, a.clusterId, identity);
      writes.push({ verb: "promote", identity, before: existing, after: enforced });
    }
    await applyWrites(c, a.clusterId, writes);
    return { staged, enforced: deleting ? null : await findRow(c.tx, a.clusterId, identity) };
  });
}
