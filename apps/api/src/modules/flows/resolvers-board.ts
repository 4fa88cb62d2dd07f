import { flowAccess, policyBoard } from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { actorOf } from "../audit/actor.ts";

export const flowsBoardResolvers = {
  Query: {
    policyBoard: (_: unknown, a: { clusterId: string; from: string; to: string; includeStaged?: boolean | null }, ctx: Context) => {
      const actor = actorOf(ctx);
      return ctx.deps.db.withTenant(actor.tenantId, async (tx) => policyBoard(tx, await flowAccess(tx, actor, a.clusterId), a), { timeoutMs: 30_000 });
    },
  },
};
