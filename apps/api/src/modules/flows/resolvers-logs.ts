import {
  badInput,
  channels,
  compileFlowFilter,
  compileFlowMatcher,
  flowAccess,
  flowLogView,
  flowWindow,
  liveFlowsChannel,
  LiveThinner,
  matchesFlowFilter,
  policyVersionLookup,
  refreshSubject,
  searchFlowLogs,
  type FlowFilterInput,
  type FlowLogSort,
  type LiveFlowMessage,
} from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { actorOf } from "../audit/actor.ts";

interface FlowLogsArgs {
  clusterId: string;
  from: string;
  to: string;
  filter?: FlowFilterInput | null;
  sort?: FlowLogSort | null;
  first?: number | null;
  after?: string | null;
}

export const flowsLogsResolvers = {
  Query: {
    flowLogs: async (_: unknown, a: FlowLogsArgs, ctx: Context) => {
      const actor = actorOf(ctx);
      const window = flowWindow(a.from, a.to);
      const page = await ctx.deps.db.withTenant(actor.tenantId, async (tx) =>
        searchFlowLogs(tx, await flowAccess(tx, actor, a.clusterId), { clusterId: a.clusterId, ...window, filter: a.filter, sort: a.sort, first: a.first, after: a.after }),
      );
      return {
        edges: page.records.map(({ cursor, ...node }) => ({ cursor, node })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      };
    },
  },
  Subscription: {
    flows: {
      subscribe: async function* (_: unknown, a: { clusterId: string; filter?: FlowFilterInput | null; maxPerSecond?: number | null }, ctx: Context) {
        const actor = actorOf(ctx);
        const asked = a.maxPerSecond ?? 20;
        if (!Number.isInteger(asked) || asked < 1) throw badInput("maxPerSecond", "maxPerSecond must be at least 1");
        const perSecond = Math.min(asked, ctx.deps.config.flows.liveMaxPerSecond);
        const now = ctx.deps.now();
        // the same checks (and errors) as flowLogs; the window plays no part in live matching
        let access = await ctx.deps.db.withTenant(actor.tenantId, async (tx) => {
          const access = await flowAccess(tx, actor, a.clusterId);
          await compileFlowFilter(tx, "raw", a.filter, { clusterId: a.clusterId, from: new Date(now.getTime() - 1000), to: now, visibleNamespaces: access.visibleNamespaces });
          return access;
        });
        let matcher = compileFlowMatcher(a.filter, access.visibleNamespaces);
        // a role or token change is read again before the next batch; a revoked token ends the subscription
        let stale = false;
        const authChanges = ctx.deps.events.iterate(channels.authChanged());
        void (async () => {
          for await (const _change of authChanges) stale = true;
        })();
        const batches = ctx.deps.events.iterate<LiveFlowMessage>(liveFlowsChannel(actor.tenantId, a.clusterId), 100);
        const thinner = new LiveThinner(perSecond, ctx.deps.now);
        try {
          await Promise.all([batches.ready, authChanges.ready]);
          for await (const message of batches) {
            if (stale) {
              stale = false;
              const fresh = await ctx.deps.db.withTenant(actor.tenantId, async (tx) => {
                const subject = await refreshSubject(tx, actor, ctx.deps.now());
                return subject ? flowAccess(tx, subject, a.clusterId).catch(() => null) : null;
              });
              if (!fresh) return;
              access = fresh;
              matcher = compileFlowMatcher(a.filter, access.visibleNamespaces);
            }
            const matched = message.records.filter((r) => matchesFlowFilter(r, matcher));
            const out = thinner.take({ total: message.total, sampled: message.records.length }, matched);
            if (!out) continue;
            const versionOf = await ctx.deps.db.withTenant(actor.tenantId, (tx) => policyVersionLookup(tx, access, out.records));
            yield { flows: { records: out.records.map((r) => flowLogView(r, versionOf)), skipped: out.skipped } };
          }
        } finally {
          await batches.return?.();
          await authChanges.return?.();
        }
      },
    },
  },
};
