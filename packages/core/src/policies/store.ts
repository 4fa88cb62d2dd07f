import type { Prisma, Tx } from "@palisade/db";
import { serializeResources, type Resource } from "@palisade/policy";
import type { ChangeContext } from "../audit/change.ts";
import { conflict, notFound } from "../errors.ts";
import { describeKey, type Identity, type StoredKind } from "./kinds.ts";

export type ResourceRow = Prisma.PolicyResourceGetPayload<object>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function yamlOf(r: Resource | null): string | null {
  return r ? serializeResources([r]) : null;
}

export function resourceOf(row: { resource: unknown }): Resource {
  return row.resource as Resource;
}

/** The row's YAML: as serialised when written, or now for rows written before the column existed. */
export function yamlOfRow(row: { resource: unknown; yaml: string | null }): string {
  return row.yaml ?? yamlOf(resourceOf(row))!;
}

/** Why a resource mirrored from the cluster cannot be changed through Palisade as it stands. */
export function mirroredMessage(row: { kind: string; namespace: string; name: string }): string {
  return `${describeKey(row)} is mirrored from the cluster and read-only in Palisade; adopt it (adoptClusterResource) to manage it here`;
}

/** The cluster, or NOT_FOUND (an id of another tenant's cluster is not found: row-level security hides it). */
export async function findCluster(tx: Tx, clusterId: string) {
  const cluster = UUID.test(clusterId) ? await tx.cluster.findUnique({ where: { id: clusterId } }) : null;
  if (!cluster) throw notFound(`cluster ${clusterId}`);
  return cluster;
}

/**
 * Bumps the cluster's desired revision at the start of a change. The row lock this takes serialises changes
 * to one cluster, so revisions and orders are read and written without races.
 */
export async function lockClusterForChange(tx: Tx, clusterId: string): Promise<bigint> {
  if (!UUID.test(clusterId)) throw notFound(`cluster ${clusterId}`);
  const rows = await tx.$queryRaw<Array<{ desired_revision: bigint }>>`
    UPDATE clusters SET desired_revision = desired_revision + 1, updated_at = now() WHERE id = ${clusterId}::uuid RETURNING desired_revision`;
  if (rows.length === 0) throw notFound(`cluster ${clusterId}`);
  return rows[0]!.desired_revision;
}

export async function findRow(tx: Tx, clusterId: string, k: { kind: StoredKind; namespace: string; name: string }): Promise<ResourceRow | null> {
  return tx.policyResource.findUnique({ where: { clusterId_kind_namespace_name: { clusterId, kind: k.kind, namespace: k.namespace, name: k.name } } });
}

/** One change to the store: `after` null deletes `before`. */
export interface Write {
  verb: string;
  identity: Identity;
  before: ResourceRow | null;
  after: Resource | null;
}

/**
 * Writes creates, updates and deletes of one cluster with, for each, its next revision, a version row and
 * an audit event with the YAML before and after. Revisions continue across a delete and a re-create, so a
 * resource's history never repeats a number.
 */
export async function applyWrites(c: ChangeContext, clusterId: string, writes: readonly Write[]): Promise<Map<Write, number>> {
  const { tx, actor } = c;
  const tenantId = actor.tenantId;
  const mirrored = writes.find((w) => w.before?.origin === "CLUSTER");
  if (mirrored) throw conflict(mirroredMessage(mirrored.before!));
  const revisions = new Map<Write, number>();
  const creates = writes.filter((w) => !w.before && w.after);
  const lastRevisions = new Map<string, number>();
  if (creates.length > 0) {
    const previous = await tx.policyResourceVersion.groupBy({
      by: ["kind", "namespace", "name"],
      where: { clusterId, OR: creates.map((w) => ({ kind: w.identity.kind, namespace: w.identity.namespace, name: w.identity.name })) },
      _max: { revision: true },
    });
    for (const p of previous) lastRevisions.set(`${p.kind}/${p.namespace}/${p.name}`, p._max.revision ?? 0);
  }
  // lockClusterForChange bumped it in this transaction: the desired revision this change makes (delta sync)
  const cluster = await tx.$queryRaw<Array<{ desired_revision: bigint }>>`SELECT desired_revision FROM clusters WHERE id = ${clusterId}::uuid`;
  const clusterRevision = cluster[0]!.desired_revision;
  const versions: Prisma.PolicyResourceVersionCreateManyInput[] = [];
  const newRows: Prisma.PolicyResourceCreateManyInput[] = [];
  const updates: Array<{ id: string; resource: unknown; yaml: string; revision: number; tier: string | null; order: number | null }> = [];
  const deletes: string[] = [];
  for (const w of writes) {
    const { kind, namespace, name, tier, order } = w.identity;
    const revision = (w.before?.revision ?? lastRevisions.get(`${kind}/${namespace}/${name}`) ?? 0) + 1;
    revisions.set(w, revision);
    const yaml = yamlOf(w.after);
    const auditEventId = c.record({
      verb: w.verb,
      kind,
      clusterId,
      namespace: namespace || null,
      name,
      tier,
      beforeYaml: w.before ? yamlOfRow(w.before) : null,
      afterYaml: yaml,
      revision,
    });
    versions.push({ tenantId, clusterId, kind, namespace, name, revision, resource: (w.after ?? undefined) as object | undefined, auditEventId, clusterRevision, createdAt: c.at });
    if (!w.after) deletes.push(w.before!.id);
    else if (w.before) updates.push({ id: w.before.id, resource: w.after, yaml: yaml!, revision, tier, order });
    else newRows.push({ tenantId, clusterId, kind, namespace, name, tier, order, resource: w.after as object, yaml, revision, createdAt: c.at, updatedAt: c.at });
  }
  if (deletes.length > 0) await tx.policyResource.deleteMany({ where: { id: { in: deletes } } });
  if (updates.length > 0) {
    // One statement for every update of the change (an apply of 500 documents is one round trip, not 500).
    await tx.$executeRaw`
      UPDATE policy_resources AS p
      SET resource = v.resource, yaml = v.yaml, revision = v.revision, tier = v.tier, "order" = v."order", updated_at = ${c.at}
      FROM json_to_recordset(${JSON.stringify(updates)}::json) AS v(id uuid, resource json, yaml text, revision int, tier text, "order" numeric)
      WHERE p.id = v.id`;
  }
  if (newRows.length > 0) await tx.policyResource.createMany({ data: newRows });
  if (versions.length > 0) await tx.policyResourceVersion.createMany({ data: versions });
  return revisions;
}
