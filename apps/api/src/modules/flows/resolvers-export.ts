import { flowExportStatus, flowWindow, publicUrlOf, startFlowExport, type FlowExportFormat, type FlowExportRow, type FlowFilterInput } from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { actorOf } from "../audit/actor.ts";

export const EXPORTS_PATH = "/flows/exports";

export const flowsExportResolvers = {
  Query: {
    flowExportStatus: (_: unknown, a: { id: string }, ctx: Context) => flowExportStatus(ctx.deps, actorOf(ctx), a.id),
  },
  Mutation: {
    flowExport: (_: unknown, a: { clusterId: string; from: string; to: string; filter?: FlowFilterInput | null; format: FlowExportFormat }, ctx: Context) =>
      startFlowExport(ctx.deps, actorOf(ctx), { clusterId: a.clusterId, ...flowWindow(a.from, a.to), filter: a.filter, format: a.format }),
  },
  FlowExport: {
    records: (e: FlowExportRow) => Number(e.records),
    url: (e: FlowExportRow, _: unknown, ctx: Context) => (e.status === "DONE" ? `${publicUrlOf(ctx.deps.config)}${EXPORTS_PATH}/${e.id}` : null),
    createdAt: (e: FlowExportRow) => e.createdAt.toISOString(),
  },
};
