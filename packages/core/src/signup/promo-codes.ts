import { isUniqueViolation, type PromoCode } from "@palisade/db";
import { z } from "zod";
import type { CoreDeps } from "../deps.ts";
import { conflict, notFound } from "../errors.ts";
import { distributions, parseInput } from "./input.ts";

const code = z
  .string()
  .trim()
  .min(3, "must be at least 3 characters")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9-_]*$/, "may hold only letters, digits, '-' and '_'")
  .transform((c) => c.toUpperCase());

const fields = {
  description: z.string().max(500, "must be at most 500 characters"),
  autoApprove: z.boolean(),
  maxUses: z.number().int().min(1, "must be at least 1").nullable(),
  expiresAt: z.coerce.date({ message: "must be an ISO-8601 date-time" }).nullable(),
  distributions: z.array(z.enum(distributions, { message: `must each be one of ${distributions.join(", ")}` })),
  active: z.boolean(),
};

const createInput = z.object({ code, ...fields }).partial({ description: true, autoApprove: true, maxUses: true, expiresAt: true, distributions: true, active: true });
const updateInput = z.object(fields).partial();

// cross-tenant: promo codes are the operators', not a tenant's.
export async function createPromoCode(deps: CoreDeps, raw: unknown): Promise<PromoCode> {
  const input = parseInput(createInput, raw, "input");
  try {
    return await deps.db.system.promoCode.create({
      data: {
        code: input.code,
        description: input.description ?? "",
        autoApprove: input.autoApprove ?? true,
        maxUses: input.maxUses ?? null,
        expiresAt: input.expiresAt ?? null,
        distributions: input.distributions ?? [],
        active: input.active ?? true,
      },
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`promo code ${input.code} already exists`);
    throw e;
  }
}

export async function updatePromoCode(deps: CoreDeps, codeText: string, raw: unknown): Promise<PromoCode> {
  const input = parseInput(updateInput, raw, "input");
  const r = await deps.db.system.promoCode.updateMany({ where: { code: codeText.trim().toUpperCase() }, data: input });
  if (r.count === 0) throw notFound(`promo code ${codeText}`);
  return deps.db.system.promoCode.findUniqueOrThrow({ where: { code: codeText.trim().toUpperCase() } });
}

export async function listPromoCodes(deps: CoreDeps): Promise<PromoCode[]> {
  return deps.db.system.promoCode.findMany({ orderBy: { createdAt: "asc" } });
}
