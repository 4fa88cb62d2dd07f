import { notFound } from "@palisade/core";
import type { Tenant } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireUser } from "../../server/guards.ts";
import { actorOf } from "../audit/actor.ts";
import { flowRetentionOf, setFlowRetention } from "./flow-retention.ts";

interface MeRow {
  user_id: string;
  email: string;
  user_name: string;
  tenant_id: string;
  slug: string;
  tenant_name: string;
  status: Tenant["status"];
  trial_ends_at: Date | null;
  flow_log_retention_days: number | null;
  flow_rollup_retention_days: number | null;
}

export const tenancyResolvers = {
  Query: {
    // the hottest read: one statement on the plain tenant connection (see Database.tenantQuery)
    me: async (_: unknown, _a: unknown, ctx: Context) => {
      const p = requireUser(ctx);
      const [row] = await ctx.deps.db.tenantQuery<MeRow>(
        p.tenantId,
        `SELECT u.id AS user_id, u.email, u.name AS user_name, t.id AS tenant_id, t.slug, t.name AS tenant_name, t.status, t.trial_ends_at,
           t.flow_log_retention_days, t.flow_rollup_retention_days
         FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1::uuid`,
        [p.userId],
      );
      if (!row) throw notFound("user");
      return {
        user: { id: row.user_id, email: row.email, name: row.user_name },
        tenant: { id: row.tenant_id, slug: row.slug, name: row.tenant_name, status: row.status, trialEndsAt: row.trial_ends_at,
          flowLogRetentionDays: row.flow_log_retention_days, flowRollupRetentionDays: row.flow_rollup_retention_days },
        roles: p.roles,
      };
    },
  },
  Mutation: {
    setFlowRetention: (_: unknown, a: { logDays?: number | null; rollupDays?: number | null }, ctx: Context) => setFlowRetention(ctx.deps, actorOf(ctx, true), a),
  },
  Tenant: {
    trialEndsAt: (t: Pick<Tenant, "trialEndsAt">) => (t.trialEndsAt ? new Date(t.trialEndsAt).toISOString() : null),
    flowLogRetentionDays: (t: Pick<Tenant, "flowLogRetentionDays" | "flowRollupRetentionDays">, _: unknown, ctx: Context) => flowRetentionOf(t, ctx.deps.config.flows).logDays,
    flowRollupRetentionDays: (t: Pick<Tenant, "flowLogRetentionDays" | "flowRollupRetentionDays">, _: unknown, ctx: Context) => flowRetentionOf(t, ctx.deps.config.flows).rollupDays,
  },
};
