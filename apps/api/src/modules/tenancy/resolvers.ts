import { notFound } from "@palisade/core";
import type { Tenant } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireUser } from "../../server/guards.ts";

export const tenancyResolvers = {
  Query: {
    me: async (_: unknown, _a: unknown, ctx: Context) => {
      const p = requireUser(ctx);
      const user = await ctx.deps.db.withTenant(p.tenantId, (tx) => tx.user.findUnique({ where: { id: p.userId }, include: { tenant: true } }));
      if (!user) throw notFound("user");
      return { user, tenant: user.tenant, roles: p.roles };
    },
  },
  Tenant: {
    trialEndsAt: (t: Tenant) => (t.trialEndsAt ? new Date(t.trialEndsAt).toISOString() : null),
  },
};
