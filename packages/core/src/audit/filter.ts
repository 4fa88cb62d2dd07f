import type { Prisma } from "@palisade/db";
import { z } from "zod";

/** Which audit events a query, a subscription or an alert rule wants; every field narrows. */
export interface AuditFilter {
  clusterId?: string | null;
  kind?: string | null;
  namespace?: string | null;
  name?: string | null;
  tier?: string | null;
  /** the actor's display name (email) or id */
  actor?: string | null;
  verb?: string | null;
  outcome?: "ALLOWED" | "REFUSED" | null;
  from?: Date | null;
  to?: Date | null;
}

export const auditFilterSchema = z.object({
  clusterId: z.string().nullish(),
  kind: z.string().nullish(),
  namespace: z.string().nullish(),
  name: z.string().nullish(),
  tier: z.string().nullish(),
  actor: z.string().nullish(),
  verb: z.string().nullish(),
  outcome: z.enum(["ALLOWED", "REFUSED"]).nullish(),
});

interface Matchable {
  clusterId: string | null;
  kind: string;
  namespace: string | null;
  name: string | null;
  tier: string | null;
  actorId: string | null;
  actorDisplay: string;
  verb: string;
  outcome: string;
  at: Date | string;
}

export function matchesFilter(e: Matchable, f: AuditFilter): boolean {
  const at = new Date(e.at).getTime();
  return (
    (!f.clusterId || e.clusterId === f.clusterId) &&
    (!f.kind || e.kind === f.kind) &&
    (!f.namespace || e.namespace === f.namespace) &&
    (!f.name || e.name === f.name) &&
    (!f.tier || e.tier === f.tier) &&
    (!f.actor || e.actorDisplay === f.actor || e.actorId === f.actor) &&
    (!f.verb || e.verb === f.verb) &&
    (!f.outcome || e.outcome === f.outcome) &&
    (!f.from || at >= f.from.getTime()) &&
    (!f.to || at < f.to.getTime())
  );
}

export function whereOfFilter(f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(f.clusterId ? { clusterId: f.clusterId } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.namespace ? { namespace: f.namespace } : {}),
    ...(f.name ? { name: f.name } : {}),
    ...(f.tier ? { tier: f.tier } : {}),
    ...(f.actor ? { OR: [{ actorDisplay: f.actor }, { actorId: f.actor }] } : {}),
    ...(f.verb ? { verb: f.verb } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
  };
}
