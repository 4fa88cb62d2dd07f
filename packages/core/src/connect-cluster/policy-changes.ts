import type { Database } from "@palisade/db";

export type ObjectRef = { apiVersion: string; kind: string; namespace?: string; name: string };

/** What the connector is sent: `full` replaces its desired state (it prunes what is absent), otherwise a change. */
export interface PolicyChangeSet {
  fromRevision: number;
  toRevision: number;
  upserts: Record<string, unknown>[];
  deletes: ObjectRef[];
  full: boolean;
}

type Key = { kind: string; namespace: string; name: string };
const keyOf = (k: Key) => `${k.kind}/${k.namespace}/${k.name}`;

function refOf(resource: unknown): ObjectRef {
  const r = resource as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  return { apiVersion: r.apiVersion, kind: r.kind, ...(r.metadata.namespace ? { namespace: r.metadata.namespace } : {}), name: r.metadata.name };
}

// a policy in a new tier needs the tier first; a tier goes after its policies
const tiersFirst = (a: { kind: string }, b: { kind: string }) => Number(b.kind === "Tier") - Number(a.kind === "Tier");

export async function desiredRevision(db: Database, tenantId: string, clusterId: string): Promise<number> {
  const c = await db.withTenant(tenantId, (tx) => tx.cluster.findUnique({ where: { id: clusterId }, select: { desiredRevision: true } }));
  return Number(c?.desiredRevision ?? 0);
}

/**
 * What a connector at revision `since` needs to reach the cluster's desired revision. When every change after
 * `since` is recorded (`since` is past the cluster's delta floor and not ahead of its desired revision), only
 * the resources those changes touched: each as it is now, or as a delete when Palisade no longer manages it.
 * Otherwise (null: nothing applied or nothing known; too old; unknown) the whole desired state.
 */
export async function policyChangesSince(db: Database, tenantId: string, clusterId: string, since: number | null): Promise<PolicyChangeSet> {
  return db.withTenant(tenantId, async (tx) => {
    const cluster = await tx.cluster.findUniqueOrThrow({ where: { id: clusterId }, select: { desiredRevision: true, deltaFloorRevision: true } });
    const to = Number(cluster.desiredRevision);
    if (since === null || since < Number(cluster.deltaFloorRevision) || since > to) {
      const rows = await tx.policyResource.findMany({ where: { clusterId, origin: "PALISADE" }, orderBy: [{ kind: "asc" }, { namespace: "asc" }, { name: "asc" }] });
      return { fromRevision: 0, toRevision: to, upserts: rows.sort(tiersFirst).map((r) => r.resource as Record<string, unknown>), deletes: [], full: true };
    }
    // Changes commit in revision order (lockClusterForChange's row lock) with their versions, so having read
    // `to`, every version up to it is visible. A resource changed again after `to` is sent as it is now, which
    // the next change set repeats: harmless.
    const touched = await tx.policyResourceVersion.findMany({
      where: { clusterId, clusterRevision: { gt: BigInt(since), lte: BigInt(to) } },
      select: { kind: true, namespace: true, name: true },
      distinct: ["kind", "namespace", "name"],
    });
    const none: PolicyChangeSet = { fromRevision: since, toRevision: to, upserts: [], deletes: [], full: false };
    if (touched.length === 0) return none;
    const rows = await tx.policyResource.findMany({ where: { clusterId, origin: "PALISADE", OR: touched.map((k) => ({ kind: k.kind, namespace: k.namespace, name: k.name })) } });
    const managed = new Set(rows.map(keyOf));
    const gone = touched.filter((k) => !managed.has(keyOf(k)));
    // a deleted resource is named as the cluster has it: by its last stored version
    const last = gone.length === 0 ? [] : await tx.$queryRaw<Array<Key & { resource: unknown }>>`
      SELECT DISTINCT ON (v.kind, v.namespace, v.name) v.kind, v.namespace, v.name, v.resource
      FROM policy_resource_versions v
      JOIN json_to_recordset(${JSON.stringify(gone)}::json) AS k(kind text, namespace text, name text)
        ON v.kind = k.kind AND v.namespace = k.namespace AND v.name = k.name
      WHERE v.cluster_id = ${clusterId}::uuid AND v.resource IS NOT NULL
      ORDER BY v.kind, v.namespace, v.name, v.revision DESC, v.created_at DESC`;
    return {
      ...none,
      upserts: rows.sort(tiersFirst).map((r) => r.resource as Record<string, unknown>),
      deletes: last.sort((a, b) => tiersFirst(b, a)).map((v) => refOf(v.resource)),
    };
  });
}
