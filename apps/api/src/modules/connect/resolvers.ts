import {
  adoptClusterResource,
  badInput,
  clusterStatus,
  clusterStatusChannel,
  conflict,
  connectorControlChannel,
  notFound,
  revokeClusterCredentials,
  runChange,
  type ClusterStatusView,
  type ConnectorControl,
} from "@palisade/core";
import type { Cluster } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireUser } from "../../server/guards.ts";
import { actorOf } from "../audit/actor.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownCluster(ctx: Context, tenantId: string, clusterId: string): Promise<void> {
  if (!UUID.test(clusterId)) throw notFound(`cluster ${clusterId}`);
  const c = await ctx.deps.db.withTenant(tenantId, (tx) => tx.cluster.findUnique({ where: { id: clusterId } }));
  if (!c) throw notFound(`cluster ${clusterId}`);
}

export const connectResolvers = {
  Cluster: {
    connection: (c: Cluster, _: unknown, ctx: Context) => ctx.deps.db.withTenant(c.tenantId, (tx) => clusterStatus(tx, c.id, ctx.deps.now())),
    sync: async (c: Cluster, _: unknown, ctx: Context) => {
      const row = await ctx.deps.db.withTenant(c.tenantId, (tx) => tx.clusterConnection.findUnique({ where: { clusterId: c.id } }));
      return { desiredRevision: String(c.desiredRevision ?? 0), appliedRevision: String(row?.appliedRevision ?? 0), errors: (row?.syncErrors as unknown[]) ?? [] };
    },
    inventory: async (c: Cluster, _: unknown, ctx: Context) => {
      const row = await ctx.deps.db.withTenant(c.tenantId, (tx) => tx.clusterConnection.findUnique({ where: { clusterId: c.id }, select: { inventory: true } }));
      return row?.inventory ?? null;
    },
    flowRecordCount: async (c: Cluster, _: unknown, ctx: Context) => {
      const rows = await ctx.deps.db.withTenant(c.tenantId, (tx) => tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM flow_logs WHERE cluster_id = ${c.id}::uuid`);
      return Number(rows[0]?.n ?? 0);
    },
  },
  Mutation: {
    rotateClusterCredential: async (_: unknown, a: { clusterId: string; overlapSeconds: number }, ctx: Context) => {
      if (!Number.isInteger(a.overlapSeconds) || a.overlapSeconds < 0 || a.overlapSeconds > 7 * 86400) {
        throw badInput("overlapSeconds", "overlapSeconds must be between 0 and 604800 (a week)");
      }
      await runChange(ctx.deps, actorOf(ctx, true), { verb: "rotate-credential", kind: "Cluster", clusterId: a.clusterId }, async (c) => {
        c.auth.require("update", "clusters", { clusterId: a.clusterId });
        if (!UUID.test(a.clusterId) || !(await c.tx.cluster.findUnique({ where: { id: a.clusterId } }))) throw notFound(`cluster ${a.clusterId}`);
        const status = await clusterStatus(c.tx, a.clusterId);
        if (status.state !== "CONNECTED") throw conflict("the cluster's connector is not connected: a rotated credential could not reach it");
        c.record({ verb: "rotate-credential", kind: "Cluster", clusterId: a.clusterId });
      });
      // the new credential goes to the connector over its connection, never through a response or Redis
      const control: ConnectorControl = { action: "rotate", overlapSeconds: a.overlapSeconds };
      await ctx.deps.events.publish(connectorControlChannel(a.clusterId), control);
      return true;
    },
    adoptClusterResource: (_: unknown, a: { clusterId: string; kind: string; namespace?: string | null; name: string }, ctx: Context) => {
      if (!UUID.test(a.clusterId)) throw notFound(`cluster ${a.clusterId}`);
      return adoptClusterResource(ctx.deps, actorOf(ctx, true), a);
    },
    revokeClusterCredential: async (_: unknown, a: { clusterId: string }, ctx: Context) => {
      const n = await runChange(ctx.deps, actorOf(ctx, true), { verb: "revoke-credential", kind: "Cluster", clusterId: a.clusterId }, async (c) => {
        c.auth.require("update", "clusters", { clusterId: a.clusterId });
        if (!UUID.test(a.clusterId) || !(await c.tx.cluster.findUnique({ where: { id: a.clusterId } }))) throw notFound(`cluster ${a.clusterId}`);
        const revoked = await revokeClusterCredentials(c.tx, { clusterId: a.clusterId, now: ctx.deps.now() });
        c.record({ verb: "revoke-credential", kind: "Cluster", clusterId: a.clusterId });
        return revoked;
      });
      const control: ConnectorControl = { action: "disconnect", reason: "the cluster credential was revoked in Palisade" };
      await ctx.deps.events.publish(connectorControlChannel(a.clusterId), control);
      return n;
    },
  },
  Subscription: {
    clusterStatus: {
      subscribe: async function* (_: unknown, a: { clusterId: string }, ctx: Context) {
        const p = requireUser(ctx);
        await ownCluster(ctx, p.tenantId, a.clusterId);
        const it = ctx.deps.events.iterate<ClusterStatusView>(clusterStatusChannel(a.clusterId));
        try {
          await it.ready;
          yield { clusterStatus: await ctx.deps.db.withTenant(p.tenantId, (tx) => clusterStatus(tx, a.clusterId)) };
          for await (const s of it) yield { clusterStatus: s };
        } finally {
          await it.return?.();
        }
      },
    },
  },
};
