import { randomUUID } from "node:crypto";
import type { Tx } from "@palisade/db";
import type { Actor } from "./actor.ts";
import { eventHash, GENESIS_HASH, type ChainedFields } from "./chain.ts";

/** What a change tells the audit log; the actor, time and chain fields are added here. */
export interface AuditEntry {
  /** given by the caller when other rows of the same transaction point at the event */
  id?: string;
  verb: string;
  kind: string;
  clusterId?: string | null;
  namespace?: string | null;
  name?: string | null;
  tier?: string | null;
  beforeYaml?: string | null;
  afterYaml?: string | null;
  revision?: number | null;
  outcome?: "ALLOWED" | "REFUSED";
  reason?: string | null;
}

export type StoredAuditEvent = ChainedFields & { id: string; hash: string };

/**
 * Appends events to the tenant's chain inside the caller's transaction. Appends of one tenant are serialised
 * by a transaction-scoped advisory lock, so two transactions never link to the same predecessor (no forks)
 * and seq stays gapless: a transaction that rolls back releases the lock with its events unwritten.
 */
export async function appendAuditEvents(tx: Tx, actor: Actor, entries: readonly AuditEntry[], at: Date): Promise<StoredAuditEvent[]> {
  if (entries.length === 0) return [];
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${actor.tenantId}`}, 0))`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  let seq = last?.seq ?? 0n;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: Array<ChainedFields & { hash: string; id: string }> = [];
  for (const e of entries) {
    seq++;
    const fields: ChainedFields = {
      tenantId: actor.tenantId,
      seq,
      at,
      actorKind: actor.actorKind ?? "user",
      actorId: actor.userId,
      actorDisplay: actor.display,
      sourceAddress: actor.sourceAddress,
      requestId: actor.requestId,
      verb: e.verb,
      kind: e.kind,
      clusterId: e.clusterId ?? null,
      namespace: e.namespace ?? null,
      name: e.name ?? null,
      tier: e.tier ?? null,
      beforeYaml: e.beforeYaml ?? null,
      afterYaml: e.afterYaml ?? null,
      revision: e.revision ?? null,
      outcome: e.outcome ?? "ALLOWED",
      reason: e.reason ?? null,
      prevHash,
    };
    prevHash = eventHash(fields);
    rows.push({ ...fields, hash: prevHash, id: e.id ?? randomUUID() });
  }
  await tx.auditEvent.createMany({ data: rows.map((r) => ({ ...r, outcome: r.outcome as "ALLOWED" | "REFUSED" })) });
  return rows;
}
