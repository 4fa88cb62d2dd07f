import { randomUUID } from "node:crypto";
import type { Tx } from "@palisade/db";
import type { CoreDeps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { loadAuthorizer, type Authorizer } from "../rbac/authorizer.ts";
import type { Actor } from "./actor.ts";
import { queueAlertDeliveries, dispatchAlertDeliveries } from "./alerts.ts";
import { publishAuditEvents } from "./events-channel.ts";
import { appendAuditEvents, type AuditEntry, type StoredAuditEvent } from "./recorder.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a change is about, as far as it is known; the change fills it in as it learns (a refusal records it). */
export type AuditSubject = Omit<AuditEntry, "id" | "outcome" | "reason" | "beforeYaml" | "afterYaml" | "revision">;

export interface ChangeContext {
  tx: Tx;
  auth: Authorizer;
  actor: Actor;
  at: Date;
  subject: AuditSubject;
  /** buffers an ALLOWED event, written with the change; answers the event's id for rows that point at it */
  record(entry: AuditEntry): string;
}

/**
 * Runs a change in one tenant transaction that also writes its audit events. When the change fails with an
 * AppError (refused, invalid, conflicting, not found), nothing of it is written; a REFUSED event saying why is
 * written in a transaction of its own instead. Events are published to subscribers after the commit.
 */
export async function runChange<T>(deps: CoreDeps, actor: Actor, subject: AuditSubject, fn: (c: ChangeContext) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const at = deps.now();
  let written: StoredAuditEvent[] = [];
  let deliveries: string[] = [];
  try {
    const result = await deps.db.withTenant(
      actor.tenantId,
      async (tx) => {
        const entries: AuditEntry[] = [];
        const auth = await loadAuthorizer(tx, actor);
        const c: ChangeContext = {
          tx,
          auth,
          actor,
          at,
          subject,
          record: (entry) => {
            const id = randomUUID();
            entries.push({ ...entry, id, outcome: "ALLOWED" });
            return id;
          },
        };
        const r = await fn(c);
        written = await appendAuditEvents(tx, actor, entries, at);
        deliveries = await queueAlertDeliveries(tx, actor.tenantId, written);
        return r;
      },
      options,
    );
    await afterCommit(deps, actor.tenantId, written, deliveries);
    return result;
  } catch (e) {
    if (!(e instanceof AppError) || e.code === "INTERNAL") throw e;
    await recordRefusal(deps, actor, subject, e, at);
    throw e;
  }
}

/** A REFUSED event for a change that was answered without throwing (an apply with invalid documents). */
export function recordRefusalEvent(deps: CoreDeps, actor: Actor, subject: AuditSubject, error: AppError): Promise<void> {
  return recordRefusal(deps, actor, subject, error, deps.now());
}

async function recordRefusal(deps: CoreDeps, actor: Actor, subject: AuditSubject, e: AppError, at: Date): Promise<void> {
  let written: StoredAuditEvent[] = [];
  let deliveries: string[] = [];
  await deps.db.withTenant(actor.tenantId, async (tx) => {
    // The subject's cluster may be another tenant's id (answered NOT_FOUND): keep the event, drop the id.
    const clusterId = subject.clusterId && UUID.test(subject.clusterId) && (await tx.cluster.count({ where: { id: subject.clusterId } })) > 0 ? subject.clusterId : null;
    written = await appendAuditEvents(tx, actor, [{ ...subject, clusterId, outcome: "REFUSED", reason: `${e.code}: ${e.message}` }], at);
    deliveries = await queueAlertDeliveries(tx, actor.tenantId, written);
  });
  await afterCommit(deps, actor.tenantId, written, deliveries);
}

async function afterCommit(deps: CoreDeps, tenantId: string, written: StoredAuditEvent[], deliveries: string[]): Promise<void> {
  await publishAuditEvents(deps.events, tenantId, written);
  await dispatchAlertDeliveries(deps.jobs, tenantId, deliveries);
}
