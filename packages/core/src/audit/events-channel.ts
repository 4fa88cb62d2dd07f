import type { PubSub } from "../events/pubsub.ts";
import type { StoredAuditEvent } from "./recorder.ts";

/** The tenant's audit events as subscribers receive them (JSON over Redis). */
export interface PublishedAuditEvent {
  id: string;
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorDisplay: string;
  sourceAddress: string | null;
  requestId: string | null;
  verb: string;
  kind: string;
  clusterId: string | null;
  namespace: string | null;
  name: string | null;
  tier: string | null;
  beforeYaml: string | null;
  afterYaml: string | null;
  revision: number | null;
  outcome: string;
  reason: string | null;
  hash: string;
}

export const auditChannel = (tenantId: string) => `audit-events:${tenantId}`;

export function publishedView(e: StoredAuditEvent): PublishedAuditEvent {
  const { tenantId: _t, prevHash: _p, seq, at, ...rest } = e;
  return { ...rest, seq: Number(seq), at: at.toISOString() };
}

/** After the transaction that wrote them commits: every API process's subscribers see them. */
export async function publishAuditEvents(events: PubSub, tenantId: string, written: readonly StoredAuditEvent[]): Promise<void> {
  for (const e of written) await events.publish(auditChannel(tenantId), publishedView(e));
}
