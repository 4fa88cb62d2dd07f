import type { Resource } from "@palisade/policy";
import type { Tx } from "@palisade/db";
import { yamlOf } from "../policies/store.ts";
import type { FlowAccess } from "./access.ts";
import { policyRefsOfRecord, type PolicyVersionView, type VersionLookup } from "./search-view.ts";
import type { PolicyRef } from "./search-policy-refs.ts";

const keyOf = (ref: PolicyRef, at: Date) => `${ref.kind}\u0000${ref.namespace}\u0000${ref.name}\u0000${at.getTime()}`;

/**
 * The policy versions a page of records names, in one query: for each (policy, record start) the latest
 * version created at or before that time. Versions of tiers the caller may not get are left out.
 */
export async function policyVersionLookup(tx: Tx, access: Pick<FlowAccess, "clusterId" | "tierVisible">, records: readonly Record<string, unknown>[]): Promise<VersionLookup> {
  const wanted = new Map<string, { ref: PolicyRef; at: Date }>();
  for (const r of records) for (const { ref, tier, at } of policyRefsOfRecord(r)) if (access.tierVisible(tier)) wanted.set(keyOf(ref, at), { ref, at });
  const found = new Map<string, PolicyVersionView>();
  if (wanted.size > 0) {
    const list = [...wanted.values()];
    const rows = await tx.$queryRawUnsafe<Array<{ i: bigint; revision: number; resource: unknown; created_at: Date; audit_event_id: string | null; verb: string | null; actor: string | null }>>(
      `SELECT q.i, v.revision, v.resource, v.created_at, v.audit_event_id::text AS audit_event_id, e.verb, e.actor_display AS actor
       FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS q(kind, namespace, name, at, i)
       CROSS JOIN LATERAL (
         SELECT revision, resource, created_at, audit_event_id FROM policy_resource_versions v
         WHERE v.cluster_id = $1::uuid AND v.kind = q.kind AND v.namespace = q.namespace AND v.name = q.name AND v.created_at <= q.at
         ORDER BY v.revision DESC, v.created_at DESC LIMIT 1) v
       LEFT JOIN audit_events e ON e.id = v.audit_event_id`,
      access.clusterId,
      list.map((w) => w.ref.kind),
      list.map((w) => w.ref.namespace),
      list.map((w) => w.ref.name),
      list.map((w) => w.at),
    );
    for (const row of rows) {
      const w = list[Number(row.i) - 1]!;
      const resource = (typeof row.resource === "string" ? JSON.parse(row.resource) : row.resource) as Resource | null;
      found.set(keyOf(w.ref, w.at), {
        revision: row.revision,
        yaml: yamlOf(resource),
        at: new Date(row.created_at).toISOString(),
        verb: row.audit_event_id ? row.verb : "seed",
        actor: row.actor,
        auditEventId: row.audit_event_id,
      });
    }
  }
  return (ref, tier, at) => (access.tierVisible(tier) ? (found.get(keyOf(ref, at)) ?? null) : null);
}
