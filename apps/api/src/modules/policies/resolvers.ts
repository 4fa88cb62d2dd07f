import {
  applyResources,
  createResource,
  deleteResource,
  exportResources,
  getResource,
  listNetworkSets,
  listPolicies,
  listTiers,
  movePolicy,
  policyDiff,
  policyHistory,
  promoteStagedPolicy,
  updateResource,
  type PolicyFilter,
} from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { actorOf } from "../audit/actor.ts";
import { connectionOf, JSONObject, policyResourceFields } from "./resource-view.ts";

type Ref = { clusterId: string; kind: string; namespace?: string | null; name: string };
type Paging = { clusterId: string; first?: number | null; after?: string | null };

export const policiesResolvers: Record<string, object> = {
  JSONObject,
  Query: {
    tiers: (_: unknown, a: { clusterId: string }, ctx: Context) => listTiers(ctx.deps, actorOf(ctx), a.clusterId),
    policies: async (_: unknown, a: Paging & { filter?: PolicyFilter | null }, ctx: Context) => connectionOf(await listPolicies(ctx.deps, actorOf(ctx), a)),
    policy: (_: unknown, a: Ref, ctx: Context) => getResource(ctx.deps, actorOf(ctx), a),
    networkSets: async (_: unknown, a: Paging & { filter?: { kind?: string | null; namespace?: string | null; search?: string | null } | null }, ctx: Context) =>
      connectionOf(await listNetworkSets(ctx.deps, actorOf(ctx), a)),
    exportResources: (_: unknown, a: { clusterId: string; filter?: { kind?: string | null; tier?: string | null; namespace?: string | null } | null }, ctx: Context) =>
      exportResources(ctx.deps, actorOf(ctx), a),
    policyHistory: async (_: unknown, a: Ref, ctx: Context) =>
      (await policyHistory(ctx.deps, actorOf(ctx), a)).map((v) => ({ ...v, at: v.at.toISOString() })),
    policyDiff: (_: unknown, a: Ref & { fromRevision: number; toRevision?: number | null }, ctx: Context) => policyDiff(ctx.deps, actorOf(ctx), a),
  },
  Mutation: {
    createResource: (_: unknown, a: { clusterId: string; yaml: string }, ctx: Context) => createResource(ctx.deps, actorOf(ctx, true), a),
    updateResource: (_: unknown, a: { clusterId: string; yaml: string; revision: number }, ctx: Context) => updateResource(ctx.deps, actorOf(ctx, true), a),
    deleteResource: (_: unknown, a: Ref & { revision?: number | null }, ctx: Context) => deleteResource(ctx.deps, actorOf(ctx, true), a),
    movePolicy: (_: unknown, a: Ref & { revision?: number | null; before?: Omit<Ref, "clusterId"> | null; after?: Omit<Ref, "clusterId"> | null }, ctx: Context) =>
      movePolicy(ctx.deps, actorOf(ctx, true), a),
    applyResources: (_: unknown, a: { clusterId: string; yaml: string; dryRun?: boolean | null }, ctx: Context) => applyResources(ctx.deps, actorOf(ctx, !a.dryRun), a),
    promoteStagedPolicy: (_: unknown, a: Ref & { revision?: number | null }, ctx: Context) => promoteStagedPolicy(ctx.deps, actorOf(ctx, true), a),
  },
  PolicyResource: policyResourceFields,
};
