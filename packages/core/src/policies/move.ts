import type { Resource } from "@palisade/policy";
import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, notFound } from "../errors.ts";
import { requireAccess } from "./access.ts";
import { describeKey, orderedPolicyKinds, type StoredKind } from "./kinds.ts";
import { checkRevision, findByRef, identityOfRow, type ResourceRef } from "./resources.ts";
import { applyWrites, findCluster, lockClusterForChange, resourceOf, type ResourceRow, type Write } from "./store.ts";

const STEP = 100;
const orderOf = (r: ResourceRow) => (r.order === null ? Number.POSITIVE_INFINITY : Number(r.order));

function withOrder(row: ResourceRow, order: number): Resource {
  const r = structuredClone(resourceOf(row)) as Resource & { spec: { order?: number } };
  r.spec.order = order;
  return r;
}

/**
 * Moves a Calico policy just before or after another of its tier by rewriting spec.order: halfway between its
 * new neighbours when there is room, otherwise the tier's policies are renumbered 100, 200, ... (each one
 * whose order changes gets a new revision), all in one transaction.
 */
export function movePolicy(
  deps: CoreDeps,
  actor: Actor,
  a: ResourceRef & { revision?: number | null; before?: Omit<ResourceRef, "clusterId"> | null; after?: Omit<ResourceRef, "clusterId"> | null },
): Promise<ResourceRow> {
  return runChange(deps, actor, { verb: "move", kind: a.kind, clusterId: a.clusterId, namespace: a.namespace || null, name: a.name }, async (c) => {
    if (!a.before === !a.after) throw badInput("before", "give exactly one of before and after");
    await findCluster(c.tx, a.clusterId);
    await lockClusterForChange(c.tx, a.clusterId);
    const moved = await findByRef(c.tx, a);
    if (!moved) throw notFound(describeKey({ kind: a.kind, namespace: a.namespace ?? "", name: a.name }));
    Object.assign(c.subject, { kind: moved.kind, name: moved.name, tier: moved.tier, namespace: moved.namespace || null });
    if (!orderedPolicyKinds.includes(moved.kind as StoredKind)) throw badInput("kind", `${moved.kind} has no order to move (only Calico policies do)`);
    checkRevision(moved, a.revision, moved);
    const targetRef = { ...(a.before ?? a.after)!, clusterId: a.clusterId };
    const target = await findByRef(c.tx, targetRef);
    if (!target) throw notFound(describeKey({ kind: targetRef.kind, namespace: targetRef.namespace ?? "", name: targetRef.name }));
    if (target.tier !== moved.tier || !orderedPolicyKinds.includes(target.kind as StoredKind)) {
      throw badInput(a.before ? "before" : "after", `${describeKey(target)} is not a policy of tier "${moved.tier}"`);
    }
    if (target.id === moved.id) throw badInput(a.before ? "before" : "after", "a policy cannot be moved relative to itself");
    requireAccess(c.auth, "update", { ...identityOfRow(moved), clusterId: a.clusterId });

    const tier = (await c.tx.policyResource.findMany({ where: { clusterId: a.clusterId, tier: moved.tier, kind: { in: [...orderedPolicyKinds] } } }))
      .filter((r) => r.id !== moved.id)
      .sort((x, y) => orderOf(x) - orderOf(y) || x.name.localeCompare(y.name));
    const at = tier.findIndex((r) => r.id === target.id) + (a.after ? 1 : 0);
    const prev = tier[at - 1];
    const next = tier[at];
    const lo = prev ? orderOf(prev) : null;
    const hi = next ? orderOf(next) : null;
    let order: number | null = null;
    if (lo !== null && hi !== null && Number.isFinite(hi) && hi - lo > 1e-6) order = (lo + hi) / 2;
    else if (lo === null && hi !== null && Number.isFinite(hi) && hi >= 2) order = hi / 2;
    else if (hi === null && lo !== null && Number.isFinite(lo)) order = lo + STEP;

    const writes: Write[] = [];
    if (order !== null) {
      writes.push({ verb: "move", identity: { ...identityOfRow(moved), order }, before: moved, after: withOrder(moved, order) });
    } else {
      const sequence = [...tier.slice(0, at), moved, ...tier.slice(at)];
      sequence.forEach((row, i) => {
        const n = (i + 1) * STEP;
        if (row.id !== moved.id && orderOf(row) === n) return;
        if (row.id !== moved.id) requireAccess(c.auth, "update", { ...identityOfRow(row), clusterId: a.clusterId });
        writes.push({ verb: "move", identity: { ...identityOfRow(row), order: n }, before: row, after: withOrder(row, n) });
      });
    }
    await applyWrites(c, a.clusterId, writes);
    return (await c.tx.policyResource.findUnique({ where: { id: moved.id } }))!;
  });
}
