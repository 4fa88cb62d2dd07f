import { createCluster, issueRegistrationToken, notFound, publicUrlOf, revokeRegistrationTokens, type Distribution } from "@palisade/core";
import type { Cluster } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireRole, requireUser, requireWritableUser } from "../../server/guards.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const registrationView = (r: { token: string; expiresAt: Date; installCommand: string }) => ({ ...r, expiresAt: r.expiresAt.toISOString() });

export const clustersResolvers = {
  Query: {
    clusters: (_: unknown, _a: unknown, ctx: Context) => {
      const p = requireUser(ctx);
      return ctx.deps.db.withTenant(p.tenantId, (tx) => tx.cluster.findMany({ orderBy: { createdAt: "asc" } }));
    },
    cluster: (_: unknown, a: { id: string }, ctx: Context) => {
      const p = requireUser(ctx);
      if (!UUID.test(a.id)) return null;
      return ctx.deps.db.withTenant(p.tenantId, (tx) => tx.cluster.findUnique({ where: { id: a.id } }));
    },
  },
  Mutation: {
    createCluster: async (_: unknown, a: { name: string; distribution?: Distribution | null }, ctx: Context) => {
      const p = requireWritableUser(ctx);
      requireRole(p, "owner", "network-admin");
      const { cluster, registration } = await ctx.deps.db.withTenant(p.tenantId, (tx) =>
        createCluster(tx, {
          tenantId: p.tenantId,
          name: a.name,
          distribution: a.distribution ?? null,
          publicUrl: publicUrlOf(ctx.deps.config),
          ttlHours: ctx.deps.config.registrationTokenTtlHours,
          now: ctx.deps.now(),
        }),
      );
      return { cluster, registration: registrationView(registration) };
    },
    issueRegistrationToken: async (_: unknown, a: { clusterId: string }, ctx: Context) => {
      const p = requireWritableUser(ctx);
      requireRole(p, "owner", "network-admin");
      if (!UUID.test(a.clusterId)) throw notFound(`cluster ${a.clusterId}`);
      const issued = await ctx.deps.db.withTenant(p.tenantId, (tx) =>
        issueRegistrationToken(tx, {
          tenantId: p.tenantId,
          clusterId: a.clusterId,
          publicUrl: publicUrlOf(ctx.deps.config),
          ttlHours: ctx.deps.config.registrationTokenTtlHours,
          now: ctx.deps.now(),
        }),
      );
      return registrationView(issued);
    },
    revokeRegistrationTokens: async (_: unknown, a: { clusterId: string }, ctx: Context) => {
      const p = requireWritableUser(ctx);
      requireRole(p, "owner", "network-admin");
      if (!UUID.test(a.clusterId)) throw notFound(`cluster ${a.clusterId}`);
      return ctx.deps.db.withTenant(p.tenantId, async (tx) => {
        if (!(await tx.cluster.findUnique({ where: { id: a.clusterId } }))) throw notFound(`cluster ${a.clusterId}`);
        return revokeRegistrationTokens(tx, a.clusterId, ctx.deps.now());
      });
    },
  },
  Cluster: {
    createdAt: (c: Cluster) => new Date(c.createdAt).toISOString(),
  },
};
