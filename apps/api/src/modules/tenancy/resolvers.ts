import { notFound } from "@palisade/core";
import type { Tenant } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireUser } from "../../server/guards.ts";

export const tenancyResolvers = {
  Query: {
    me: async (_: unknown, _a: unknown, ctx: Context) => {
      const p = requireUser(ctx);
      const { user, tenant } = await ctx.deps.db.withTenant(p.tenantId, async (tx) => ({
        user: await tx.user.findUnique({ where: { id: p.userId } }),
        tenant: await tx.tenant.findUnique({ where: { id: p.tenantId } }),
      }));
      if (!user || !tenant) throw notFound("user");
      return { user, tenant, roles: p.roles };
    },
  },
  Tenant: {
    trialEndsAt: (t: Tenant) => (t.trialEndsAt ? new Date(t.trialEndsAt).toISOString() : null),
  },
};
