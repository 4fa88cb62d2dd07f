import { randomUUID } from "node:crypto";
import type { Database, Prisma, Tx } from "@palisade/db";
import { normalizeResource, type Resource } from "@palisade/policy";
import { dispatchAlertDeliveries, queueAlertDeliveries } from "../audit/alerts.ts";
import { publishAuditEvents } from "../audit/events-channel.ts";
import { appendAuditEvents, type AuditEntry, type StoredAuditEvent } from "../audit/recorder.ts";
import type { PubSub } from "../events/pubsub.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { identify, type Identity } from "../policies/kinds.ts";
import { yamlOf, yamlOfRow, type ResourceRow } from "../policies/store.ts";
import { connectorActor } from "./connector-actor.ts";

type Ref = { apiVersion: string; kind: string; namespace?: string; name: string };

export function normalizeOrNull(o: Record<string, unknown>): Resource | null {
  try {
    return normalizeResource(o as unknown as Resource);
  } catch {
    return null;
  }
}

/** One mirrored change: the audit event (MIRRORED_CREATE/UPDATE/DELETE) and the version row that points at it. */
class MirrorLog {
  readonly entries: AuditEntry[] = [];
  readonly versions: Prisma.PolicyResourceVersionCreateManyInput[] = [];

  constructor(
    private readonly args: { tenantId: string; clusterId: string },
    private readonly at: Date,
  ) {}

  add(verb: "MIRRORED_CREATE" | "MIRRORED_UPDATE" | "MIRRORED_DELETE", id: { kind: string; namespace: string; name: string; tier: string | null }, before: ResourceRow | null, after: Resource | null, revision: number): void {
    const auditEventId = randomUUID();
    const { kind, namespace, name, tier } = id;
    this.entries.push({ id: auditEventId, verb, kind, clusterId: this.args.clusterId, namespace: namespace || null, name, tier, beforeYaml: before ? yamlOfRow(before) : null, afterYaml: yamlOf(after), revision });
    // not desired state: no cluster revision, so policy sync never sends it back to the cluster
    this.versions.push({ tenantId: this.args.tenantId, clusterId: this.args.clusterId, kind, namespace, name, revision, resource: (after ?? undefined) as object | undefined, auditEventId, clusterRevision: null, createdAt: this.at });
  }
}

/**
 * Objects the cluster has that Palisade did not put there (kubectl, GitOps, before Palisade): kept as rows
 * with origin CLUSTER, read-only, so everything that evaluates policy sees them. `full` replaces the set.
 * A Palisade-managed row of the same identity is never overwritten. Each create, update and delete is
 * recorded like a change made in Palisade (an audit event with the YAML before and after, by the cluster's
 * connector, and a version in the resource's history), in the same transaction. Answers how many changed.
 */
export async function mirrorClusterResources(
  deps: { db: Database; events: PubSub; jobs?: JobQueue },
  args: { tenantId: string; clusterId: string; clusterName: string; full: boolean; upserts: Record<string, unknown>[]; deletes: Ref[]; now: Date },
): Promise<number> {
  const actor = connectorActor(args);
  let written: StoredAuditEvent[] = [];
  let deliveries: string[] = [];
  const changed = await deps.db.withTenant(args.tenantId, async (tx) => {
    // the lock every change through Palisade takes (lockClusterForChange): an apply and a mirroring of the
    // same new object then run one after the other, and the second sees the first's row
    await tx.$executeRaw`SELECT 1 FROM clusters WHERE id = ${args.clusterId}::uuid FOR UPDATE`;
    const log = new MirrorLog(args, args.now);
    const seen = new Set<string>();
    let changed = 0;
    for (const o of args.upserts) {
      const r = normalizeOrNull(o);
      const id = r ? identify(r) : null;
      if (!r || !id) continue;
      seen.add(`${id.kind}/${id.namespace}/${id.name}`);
      changed += await upsertMirrored(tx, args, r, id, log);
    }
    const gone: ResourceRow[] = [];
    for (const ref of args.deletes) {
      const r = normalizeOrNull({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } });
      const id = r ? identify(r) : null;
      if (!id) continue;
      const row = await tx.policyResource.findUnique({ where: { clusterId_kind_namespace_name: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name } } });
      if (row?.origin === "CLUSTER") gone.push(row);
    }
    if (args.full) {
      const mirrored = await tx.policyResource.findMany({ where: { clusterId: args.clusterId, origin: "CLUSTER" } });
      gone.push(...mirrored.filter((m) => !seen.has(`${m.kind}/${m.namespace}/${m.name}`) && !gone.some((g) => g.id === m.id)));
    }
    if (gone.length > 0) {
      changed += (await tx.policyResource.deleteMany({ where: { id: { in: gone.map((g) => g.id) } } })).count;
      for (const g of gone) log.add("MIRRORED_DELETE", g, g, null, g.revision + 1);
    }
    if (log.versions.length > 0) await tx.policyResourceVersion.createMany({ data: log.versions });
    written = await appendAuditEvents(tx, actor, log.entries, args.now);
    deliveries = await queueAlertDeliveries(tx, args.tenantId, written);
    return changed;
  });
  await publishAuditEvents(deps.events, args.tenantId, written);
  if (deps.jobs) await dispatchAlertDeliveries(deps.jobs, args.tenantId, deliveries);
  return changed;
}

async function upsertMirrored(tx: Tx, args: { tenantId: string; clusterId: string }, r: Resource, id: Identity, log: MirrorLog): Promise<number> {
  const key = { clusterId_kind_namespace_name: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name } };
  const existing = await tx.policyResource.findUnique({ where: key });
  if (existing && existing.origin === "PALISADE") return 0;
  const yaml = yamlOf(r);
  const data = { resource: r as object, yaml, tier: id.tier, order: id.order };
  if (existing) {
    if (JSON.stringify(existing.resource) === JSON.stringify(r)) return 0;
    const revision = existing.revision + 1;
    await tx.policyResource.update({ where: key, data: { ...data, revision } });
    log.add("MIRRORED_UPDATE", id, existing, r, revision);
  } else {
    // revisions continue across a delete and a re-create, as for Palisade's own changes
    const last = await tx.policyResourceVersion.aggregate({ where: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name }, _max: { revision: true } });
    const revision = (last._max.revision ?? 0) + 1;
    await tx.policyResource.create({ data: { ...data, revision, tenantId: args.tenantId, clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name, origin: "CLUSTER" } });
    log.add("MIRRORED_CREATE", id, null, r, revision);
  }
  return 1;
}
