import type { Database, Tx } from "@palisade/db";
import { normalizeResource, type Resource } from "@palisade/policy";
import { appendAuditEvents } from "../audit/recorder.ts";
import { publishAuditEvents } from "../audit/events-channel.ts";
import type { PubSub } from "../events/pubsub.ts";
import { describeKey, identify } from "../policies/kinds.ts";
import { yamlOf } from "../policies/store.ts";

type Ref = { apiVersion: string; kind: string; namespace?: string; name: string };

export interface AckOutcome {
  ref: Ref;
  outcome: "APPLIED" | "DELETED" | "UNCHANGED" | "FAILED";
  message?: string;
}

/** The revision the connector reached and the objects it could not apply (`cluster.sync`). */
export async function recordPolicyAck(db: Database, args: { tenantId: string; clusterId: string; revision: number; outcomes: AckOutcome[] }): Promise<void> {
  const errors = args.outcomes
    .filter((o) => o.outcome === "FAILED")
    .map((o) => ({ kind: o.ref.kind, namespace: o.ref.namespace ?? null, name: o.ref.name, message: o.message ?? "failed" }));
  await db.withTenant(args.tenantId, (tx) =>
    tx.clusterConnection.update({ where: { clusterId: args.clusterId }, data: { appliedRevision: BigInt(args.revision), syncErrors: errors } }),
  );
}

/** DRIFT_CORRECTED: the connector found one of Palisade's objects changed or deleted in the cluster and restored it. */
export async function recordDriftCorrected(
  deps: { db: Database; events: PubSub },
  args: { tenantId: string; clusterId: string; clusterName: string; ref: Ref; found: "CHANGED" | "DELETED"; now: Date },
): Promise<void> {
  const written = await deps.db.withTenant(args.tenantId, async (tx) => {
    const resource = normalizeOrNull({ apiVersion: args.ref.apiVersion, kind: args.ref.kind, metadata: { name: args.ref.name, ...(args.ref.namespace ? { namespace: args.ref.namespace } : {}) } });
    const id = resource ? identify(resource) : null;
    const row = id ? await tx.policyResource.findUnique({ where: { clusterId_kind_namespace_name: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name } } }) : null;
    const what = id ? describeKey(id) : `${args.ref.kind} ${args.ref.namespace ? `${args.ref.namespace}/` : ""}${args.ref.name}`;
    return appendAuditEvents(
      tx,
      // the connector acts for the cluster, not for a user
      { actorKind: "cluster", tenantId: args.tenantId, userId: args.clusterId, tokenId: "", display: `palisade-connector (cluster ${args.clusterName})`, roles: [], sourceAddress: null, requestId: null },
      [
        {
          verb: "DRIFT_CORRECTED",
          kind: id?.kind ?? args.ref.kind,
          clusterId: args.clusterId,
          namespace: id?.namespace || null,
          name: id?.name ?? args.ref.name,
          tier: id?.tier ?? null,
          afterYaml: row ? yamlOf(row.resource as unknown as Resource) : null,
          revision: row?.revision ?? null,
          reason: `${what} was ${args.found === "DELETED" ? "deleted" : "changed"} in the cluster outside Palisade and has been restored`,
        },
      ],
      args.now,
    );
  });
  await publishAuditEvents(deps.events, args.tenantId, written);
}

function normalizeOrNull(o: Record<string, unknown>): Resource | null {
  try {
    return normalizeResource(o as unknown as Resource);
  } catch {
    return null;
  }
}

/**
 * Objects the cluster has that Palisade did not put there (kubectl, GitOps, before Palisade): kept as rows
 * with origin CLUSTER, read-only, so everything that evaluates policy sees them. `full` replaces the set.
 * A Palisade-managed row of the same identity is never overwritten.
 */
export async function mirrorClusterResources(db: Database, args: { tenantId: string; clusterId: string; full: boolean; upserts: Record<string, unknown>[]; deletes: Ref[] }): Promise<number> {
  return db.withTenant(args.tenantId, async (tx) => {
    const seen = new Set<string>();
    let changed = 0;
    for (const o of args.upserts) {
      const r = normalizeOrNull(o);
      const id = r ? identify(r) : null;
      if (!r || !id) continue;
      seen.add(`${id.kind}/${id.namespace}/${id.name}`);
      changed += await upsertMirrored(tx, args, r, id);
    }
    for (const ref of args.deletes) {
      const r = normalizeOrNull({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } });
      const id = r ? identify(r) : null;
      if (!id) continue;
      changed += (await tx.policyResource.deleteMany({ where: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name, origin: "CLUSTER" } })).count;
    }
    if (args.full) {
      const mirrored = await tx.policyResource.findMany({ where: { clusterId: args.clusterId, origin: "CLUSTER" }, select: { id: true, kind: true, namespace: true, name: true } });
      const gone = mirrored.filter((m) => !seen.has(`${m.kind}/${m.namespace}/${m.name}`)).map((m) => m.id);
      if (gone.length > 0) changed += (await tx.policyResource.deleteMany({ where: { id: { in: gone } } })).count;
    }
    return changed;
  });
}

async function upsertMirrored(tx: Tx, args: { tenantId: string; clusterId: string }, r: Resource, id: NonNullable<ReturnType<typeof identify>>): Promise<number> {
  const key = { clusterId_kind_namespace_name: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name } };
  const existing = await tx.policyResource.findUnique({ where: key });
  if (existing && existing.origin === "PALISADE") return 0;
  const data = { resource: r as object, yaml: yamlOf(r), tier: id.tier, order: id.order };
  if (existing) {
    if (JSON.stringify(existing.resource) === JSON.stringify(r)) return 0;
    await tx.policyResource.update({ where: key, data: { ...data, revision: existing.revision + 1 } });
  } else {
    await tx.policyResource.create({ data: { ...data, tenantId: args.tenantId, clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name, origin: "CLUSTER" } });
  }
  return 1;
}
