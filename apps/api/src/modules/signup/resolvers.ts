import {
  approveTrialRequest,
  channels,
  createPromoCode,
  listPromoCodes,
  listTrialRequests,
  rejectTrialRequest,
  requestTrial,
  retryTrialRequest,
  updatePromoCode,
} from "@palisade/core";
import type { PromoCode, TrialRequest } from "@palisade/db";
import type { Context } from "../../server/context.ts";
import { requireOperator } from "../../server/guards.ts";
import type { SignupLimiter } from "./rate-limit.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function signupResolvers(limiter: SignupLimiter) {
  return {
    Query: {
      trialRequests: (_: unknown, a: { status?: TrialRequest["status"] | null }, ctx: Context) => {
        requireOperator(ctx);
        return listTrialRequests(ctx.deps, a.status);
      },
      promoCodes: (_: unknown, _a: unknown, ctx: Context) => {
        requireOperator(ctx);
        return listPromoCodes(ctx.deps);
      },
    },
    Mutation: {
      requestTrial: async (_: unknown, a: { input: { email?: unknown } }, ctx: Context) => {
        const email = typeof a.input.email === "string" ? a.input.email.trim().toLowerCase() : "";
        await limiter.take(ctx.clientAddress, email.slice(email.lastIndexOf("@") + 1) || "-");
        return requestTrial(ctx.deps, a.input, ctx.clientAddress);
      },
      approveTrialRequest: (_: unknown, a: { id: string }, ctx: Context) => {
        requireOperator(ctx);
        return approveTrialRequest(ctx.deps, a.id);
      },
      rejectTrialRequest: (_: unknown, a: { id: string; reason: string }, ctx: Context) => {
        requireOperator(ctx);
        return rejectTrialRequest(ctx.deps, a.id, a.reason);
      },
      retryTrialRequest: (_: unknown, a: { id: string }, ctx: Context) => {
        requireOperator(ctx);
        return retryTrialRequest(ctx.deps, a.id);
      },
      createPromoCode: (_: unknown, a: { input: unknown }, ctx: Context) => {
        requireOperator(ctx);
        return createPromoCode(ctx.deps, a.input);
      },
      updatePromoCode: (_: unknown, a: { code: string; input: unknown }, ctx: Context) => {
        requireOperator(ctx);
        return updatePromoCode(ctx.deps, a.code, a.input);
      },
    },
    Subscription: {
      trialRequest: {
        subscribe: async function* (_: unknown, a: { id: string }, ctx: Context) {
          if (!/^[0-9a-f-]{36}$/i.test(a.id)) return;
          const updates = ctx.deps.events.iterate<TrialRequest>(channels.trialRequest(a.id));
          try {
            await updates.ready;
            // cross-tenant: a signup belongs to no tenant; its unguessable id is the capability.
            const current = await ctx.deps.db.system.trialRequest.findUnique({ where: { id: a.id } });
            if (!current) return;
            yield { trialRequest: current };
            for await (const row of updates) yield { trialRequest: row };
          } finally {
            await updates.return?.();
          }
        },
      },
    },
    TrialRequest: {
      createdAt: (r: TrialRequest) => new Date(r.createdAt).toISOString(),
      updatedAt: (r: TrialRequest) => new Date(r.updatedAt).toISOString(),
      promoCode: async (r: TrialRequest, _: unknown, ctx: Context) =>
        r.promoCodeId ? ((await ctx.deps.db.system.promoCode.findUnique({ where: { id: r.promoCodeId } }))?.code ?? null) : null,
    },
    PromoCode: {
      expiresAt: (p: PromoCode) => iso(p.expiresAt),
    },
  };
}
