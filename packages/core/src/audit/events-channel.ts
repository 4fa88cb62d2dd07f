import type { PubSub } from "../events/pubsub.ts";
import type { ChainedFields } from "./chain.ts";
import type { StoredAuditEvent } from "./recorder.ts";

/** The tenant's audit events as subscribers receive them (JSON over Redis). */
export type PublishedAuditEvent = Omit<ChainedFields, "tenantId" | "seq" | "at" | "prevHash"> & { id: string; seq: number; at: string; hash: string };

export const auditChannel = (tenantId: string) => `audit-events:${tenantId}`;

export function publishedView(e: StoredAuditEvent): PublishedAuditEvent {
  const { tenantId: _t, prevHash: _p, seq, at, ...rest } = e;
  return { ...rest, seq: Number(seq), at: at.toISOString() };
}

/** After the transaction that wrote them commits: every API process's subscribers see them. */
export async function publishAuditEvents(events: PubSub, tenantId: string, written: readonly StoredAuditEvent[]): Promise<void> {
  for (const e of written) await events.publish(auditChannel(tenantId), publishedView(e));
}
