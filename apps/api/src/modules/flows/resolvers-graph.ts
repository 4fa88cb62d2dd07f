import { flowAccess, flowGraph, type FlowFilterInput, type FlowGraphView } from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { actorOf } from "../audit/actor.ts";

export const flowsGraphResolvers = {
  Query: {
    flowGraph: (_: unknown, a: { clusterId: string; from: string; to: string; view: FlowGraphView; filter?: FlowFilterInput | null }, ctx: Context) => {
      const actor = actorOf(ctx);
      return ctx.deps.db.withTenant(actor.tenantId, async (tx) => flowGraph(tx, await flowAccess(tx, actor, a.clusterId), a), { timeoutMs: 30_000 });
    },
  },
};
