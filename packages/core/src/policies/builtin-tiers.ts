import type { Tx } from "@palisade/db";
import { normalizeResource, serializeResources, type Tier } from "@palisade/policy";

/** The tiers every cluster starts with, as Calico has them; they cannot be deleted. */
export const builtinTiers: readonly Tier[] = [
  { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "kube-admin" }, spec: { order: 1_000, defaultAction: "Pass" } },
  { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "default" }, spec: { order: 1_000_000, defaultAction: "Deny" } },
  { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "kube-baseline" }, spec: { order: 10_000_000, defaultAction: "Pass" } },
].map((t) => normalizeResource(t as Tier));

export const builtinTierNames: ReadonlySet<string> = new Set(builtinTiers.map((t) => t.metadata.name));

/** Seeds a new cluster's built-in tiers (revision 1, one version each), in the caller's transaction. */
export async function seedBuiltinTiers(tx: Tx, tenantId: string, clusterId: string): Promise<void> {
  await tx.policyResource.createMany({
    data: builtinTiers.map((t) => ({ tenantId, clusterId, kind: "Tier", namespace: "", name: t.metadata.name, tier: t.metadata.name, resource: t as object, yaml: serializeResources([t]), order: t.spec.order ?? null })),
  });
  await tx.policyResourceVersion.createMany({
    data: builtinTiers.map((t) => ({ tenantId, clusterId, kind: "Tier", namespace: "", name: t.metadata.name, revision: 1, resource: t as object })),
  });
}
