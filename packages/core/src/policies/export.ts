import type { Actor } from "../audit/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { mayAccess, read } from "./access.ts";
import { storedKinds, type StoredKind } from "./kinds.ts";
import { findCluster, yamlOfRow } from "./store.ts";
import { checkKind } from "./resources.ts";

const INF = Number.POSITIVE_INFINITY;

/**
 * The cluster's resources the caller may list, as multi-document Calico v3 YAML that applyResources and
 * calicoctl accept: tiers first (a policy's tier must exist before it), then network sets, then policies in
 * evaluation order.
 */
export function exportResources(deps: CoreDeps, actor: Actor, a: { clusterId: string; filter?: { kind?: string | null; tier?: string | null; namespace?: string | null } | null }): Promise<string> {
  const filter = a.filter ?? {};
  return read(deps, actor, async (tx, auth) => {
    await findCluster(tx, a.clusterId);
    const rows = await tx.policyResource.findMany({
      where: {
        clusterId: a.clusterId,
        ...(filter.kind ? { kind: checkKind(filter.kind) } : {}),
        ...(filter.tier ? { tier: filter.tier } : {}),
        ...(filter.namespace ? { namespace: filter.namespace } : {}),
      },
    });
    const tierOrder = new Map(rows.filter((r) => r.kind === "Tier").map((t) => [t.name, t.order === null ? INF : Number(t.order)]));
    const group = (k: string) => (k === "Tier" ? 0 : k.endsWith("Set") ? 1 : 2);
    const visible = rows
      .filter((r) => mayAccess(auth, r.kind === "Tier" ? "get" : "list", { kind: r.kind as StoredKind, clusterId: a.clusterId, namespace: r.namespace, tier: r.tier }))
      .sort(
        (x, y) =>
          group(x.kind) - group(y.kind) ||
          (tierOrder.get(x.tier ?? "") ?? INF) - (tierOrder.get(y.tier ?? "") ?? INF) ||
          (x.order === null ? INF : Number(x.order)) - (y.order === null ? INF : Number(y.order)) ||
          storedKinds.indexOf(x.kind as StoredKind) - storedKinds.indexOf(y.kind as StoredKind) ||
          x.namespace.localeCompare(y.namespace) ||
          x.name.localeCompare(y.name),
      );
    return visible.map(yamlOfRow).join("---\n");
  });
}
