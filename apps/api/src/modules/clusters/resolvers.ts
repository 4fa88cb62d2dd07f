import { createCluster, issueRegistrationToken, notFound, publicUrlOf, revokeRegistrationTokens, runChange, type Distribution } from "@palisade/core";
import type { Cluster } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireUser } from "../../server/guards.ts";
import { actorOf } from "../audit/actor.ts";

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
      const { cluster, registration } = await runChange(ctx.deps, actorOf(ctx, true), { verb: "create", kind: "Cluster", name: a.name }, async (c) => {
        c.auth.require("create", "clusters");
        const created = await createCluster(c.tx, {
          tenantId: c.actor.tenantId,
          name: a.name,
          distribution: a.distribution ?? null,
          publicUrl: publicUrlOf(ctx.deps.config),
          ttlHours: ctx.deps.config.registrationTokenTtlHours,
          now: ctx.deps.now(),
        });
        c.record({ verb: "create", kind: "Cluster", clusterId: created.cluster.id, name: created.cluster.name });
        return created;
      });
      return { cluster, registration: registrationView(registration) };
    },
    issueRegistrationToken: async (_: unknown, a: { clusterId: string }, ctx: Context) => {
      const issued = await runChange(ctx.deps, actorOf(ctx, true), { verb: "issue-registration-token", kind: "Cluster", clusterId: a.clusterId }, async (c) => {
        c.auth.require("update", "clusters", { clusterId: a.clusterId });
        if (!UUID.test(a.clusterId)) throw notFound(`cluster ${a.clusterId}`);
        const token = await issueRegistrationToken(c.tx, {
          tenantId: c.actor.tenantId,
          clusterId: a.clusterId,
          publicUrl: publicUrlOf(ctx.deps.config),
          ttlHours: ctx.deps.config.registrationTokenTtlHours,
          now: ctx.deps.now(),
        });
        c.record({ verb: "issue-registration-token", kind: "Cluster", clusterId: a.clusterId });
        return token;
      });
      return registrationView(issued);
    },
    revokeRegistrationTokens: (_: unknown, a: { clusterId: string }, ctx: Context) =>
      runChange(ctx.deps, actorOf(ctx, true), { verb: "revoke-registration-tokens", kind: "Cluster", clusterId: a.clusterId }, async (c) => {
        c.auth.require("update", "clusters", { clusterId: a.clusterId });
        if (!UUID.test(a.clusterId) || !(await c.tx.cluster.findUnique({ where: { id: a.clusterId } }))) throw notFound(`cluster ${a.clusterId}`);
        const count = await revokeRegistrationTokens(c.tx, a.clusterId, ctx.deps.now());
        c.record({ verb: "revoke-registration-tokens", kind: "Cluster", clusterId: a.clusterId });
        return count;
      }),
  },
  Cluster: {
    createdAt: (c: Cluster) => new Date(c.createdAt).toISOString(),
  },
};
