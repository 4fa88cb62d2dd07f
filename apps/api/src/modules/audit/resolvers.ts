import {
  auditChannel,
  badInput,
  channels,
  createAlertRule,
  deleteAlertRule,
  listAlertRules,
  listAuditEvents,
  loadAuthorizer,
  matchesFilter,
  maySeeEvent,
  refreshSubject,
  verifyAuditChain,
  type AuditFilter,
  type PublishedAuditEvent,
} from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { connectionOf } from "../policies/resource-view.ts";
import { actorOf } from "./actor.ts";

type FilterInput = Omit<AuditFilter, "from" | "to"> & { from?: string | null; to?: string | null };

function filterOf(f: FilterInput | null | undefined): AuditFilter {
  if (!f) return {};
  const time = (v: string | null | undefined, field: string) => {
    if (!v) return null;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw badInput(`filter.${field}`, `filter.${field} is not an ISO time`);
    return d;
  };
  return { ...f, from: time(f.from, "from"), to: time(f.to, "to") };
}

type EventLike = { seq: bigint | number; at: Date | string; actorKind: string; actorId: string | null; actorDisplay: string };
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export const auditResolvers: Record<string, object> = {
  Query: {
    auditEvents: async (_: unknown, a: { filter?: FilterInput | null; first?: number | null; after?: string | null }, ctx: Context) =>
      connectionOf(await listAuditEvents(ctx.deps, actorOf(ctx), { filter: filterOf(a.filter), first: a.first, after: a.after })),
    verifyAuditChain: (_: unknown, _a: unknown, ctx: Context) => verifyAuditChain(ctx.deps, actorOf(ctx)),
    alertRules: (_: unknown, _a: unknown, ctx: Context) => listAlertRules(ctx.deps, actorOf(ctx)),
  },
  Mutation: {
    createAlertRule: (_: unknown, a: { filter?: FilterInput | null; channel: "WEBHOOK" | "EMAIL"; target: string }, ctx: Context) => {
      const { from: _f, to: _t, ...filter } = a.filter ?? {};
      return createAlertRule(ctx.deps, actorOf(ctx, true), { filter, channel: a.channel, target: a.target }).then((r) => ({ ...r, deliveries: [] }));
    },
    deleteAlertRule: (_: unknown, a: { id: string }, ctx: Context) => deleteAlertRule(ctx.deps, actorOf(ctx, true), a.id),
  },
  Subscription: {
    auditEvents: {
      subscribe: async function* (_: unknown, a: { filter?: FilterInput | null }, ctx: Context) {
        const actor = actorOf(ctx);
        const filter = filterOf(a.filter);
        let auth = await ctx.deps.db.withTenant(actor.tenantId, (tx) => loadAuthorizer(tx, actor));
        // When any token, role or user changes, what this subscriber may see is read again before the next event;
        // a revoked token (or a removed user) ends the subscription.
        let stale = false;
        const authChanges = ctx.deps.events.iterate(channels.authChanged());
        void (async () => {
          for await (const _change of authChanges) stale = true;
        })();
        const events = ctx.deps.events.iterate<PublishedAuditEvent>(auditChannel(actor.tenantId));
        try {
          await Promise.all([events.ready, authChanges.ready]);
          for await (const e of events) {
            if (stale) {
              stale = false;
              const fresh = await ctx.deps.db.withTenant(actor.tenantId, async (tx) => {
                const subject = await refreshSubject(tx, actor, ctx.deps.now());
                return subject ? loadAuthorizer(tx, subject) : null;
              });
              if (!fresh) return;
              auth = fresh;
            }
            if (matchesFilter(e, filter) && maySeeEvent(auth, "watch", e)) yield { auditEvents: e };
          }
        } finally {
          await events.return?.();
          await authChanges.return?.();
        }
      },
    },
  },
  AuditEvent: {
    seq: (e: EventLike) => Number(e.seq),
    at: (e: EventLike) => iso(e.at),
    actor: (e: EventLike) => ({ kind: e.actorKind, id: e.actorId, display: e.actorDisplay }),
  },
  AlertRule: {
    createdAt: (r: { createdAt: Date }) => iso(r.createdAt),
  },
  AlertDelivery: {
    deliveredAt: (d: { deliveredAt: Date | null }) => iso(d.deliveredAt),
    createdAt: (d: { createdAt: Date }) => iso(d.createdAt),
  },
};
