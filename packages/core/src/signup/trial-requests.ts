import { isUniqueViolation, type TrialRequest } from "@palisade/db";
import type { CoreDeps } from "../deps.ts";
import { channels } from "../events/pubsub.ts";
import { dispatchEmails, queueEmail } from "../email/outbox.ts";
import { trialReceived, trialRejected } from "../email/templates.ts";
import { AppError, badInput, conflict, notFound } from "../errors.ts";
import { businessEmailProblem, normalizeEmail } from "./email-policy.ts";
import { parseInput, trialRequestInput } from "./input.ts";

const OPEN = ["PENDING_REVIEW", "APPROVED", "PROVISIONING"] as const;
// Ids are Postgres uuids; anything else would reach the database as a cast error, so it is simply not found.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A trial signup. A valid auto-approving promo code approves it at once and starts provisioning; without
 * one it waits for an operator. A second request from an address with one open returns the open one.
 * Every refusal is a BAD_USER_INPUT naming the field, and stores nothing.
 */
export async function requestTrial(deps: CoreDeps, raw: unknown, clientAddress: string | null): Promise<TrialRequest> {
  const input = parseInput(trialRequestInput, raw, "input");
  if (!input.acceptTerms) throw badInput("input.acceptTerms", "input.acceptTerms must be true: the terms must be accepted");
  const email = normalizeEmail(input.email);
  const problem = businessEmailProblem(email, deps.config.extraBlockedEmailDomains);
  if (problem) throw badInput("input.email", `input.email ${problem}`);

  // cross-tenant: a signup belongs to no tenant yet.
  const open = await findOpenRequest(deps, email);
  if (open) return open;

  const code = input.promoCode?.trim().toUpperCase() || null;
  const now = deps.now();
  let created: TrialRequest;
  try {
    created = await deps.db.system.$transaction(async (tx) => {
      let promoCodeId: string | null = null;
      let autoApprove = false;
      if (code) {
        // Consumes one use atomically; refuses unknown, inactive, expired, used-up or wrong-distribution codes.
        const promo = await tx.promoCode.findUnique({ where: { code } });
        const why = !promo
          ? "is not a known promo code"
          : !promo.active
            ? "is no longer active"
            : promo.expiresAt && promo.expiresAt <= now
              ? "has expired"
              : promo.maxUses !== null && promo.uses >= promo.maxUses
                ? "has been used up"
                : promo.distributions.length > 0 && !promo.distributions.includes(input.kubernetesDistribution)
                  ? `is only for ${promo.distributions.join(", ")} clusters`
                  : null;
        if (why || !promo) throw badInput("input.promoCode", `input.promoCode ${JSON.stringify(code)} ${why}`);
        const claimed = await tx.$executeRaw`UPDATE promo_codes SET uses = uses + 1 WHERE id = ${promo.id}::uuid AND (max_uses IS NULL OR uses < max_uses)`;
        if (claimed !== 1) throw badInput("input.promoCode", `input.promoCode ${JSON.stringify(code)} has been used up`);
        promoCodeId = promo.id;
        autoApprove = promo.autoApprove;
      }
      return tx.trialRequest.create({
        data: {
          firstName: input.firstName,
          lastName: input.lastName,
          email,
          company: input.company,
          jobTitle: input.jobTitle ?? null,
          country: input.country ?? null,
          kubernetesDistribution: input.kubernetesDistribution,
          promoCodeId,
          status: autoApprove ? "APPROVED" : "PENDING_REVIEW",
          clientAddress,
        },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      // A concurrent request from the same address won the race; answer with it.
      const winner = await findOpenRequest(deps, email);
      if (winner) return winner;
    }
    throw e;
  }

  if (created.status === "APPROVED") {
    await deps.jobs.enqueue("provision-tenant", { trialRequestId: created.id });
  } else {
    const id = await queueEmail(deps.db.system, {
      kind: "trial-received",
      to: created.email,
      message: trialReceived({ firstName: created.firstName }),
    });
    await dispatchEmails(deps.jobs, [id]);
  }
  return created;
}

async function findOpenRequest(deps: CoreDeps, email: string) {
  return deps.db.system.trialRequest.findFirst({ where: { email, status: { in: [...OPEN] } }, orderBy: { createdAt: "asc" } });
}

export async function approveTrialRequest(deps: CoreDeps, id: string): Promise<TrialRequest> {
  const updated = await transition(deps, id, ["PENDING_REVIEW"], { status: "APPROVED", reason: null });
  await deps.jobs.enqueue("provision-tenant", { trialRequestId: id });
  await announceTrialRequest(deps, id);
  return updated;
}

/** A failed provisioning, retried by an operator once the cause is fixed. */
export async function retryTrialRequest(deps: CoreDeps, id: string): Promise<TrialRequest> {
  const updated = await transition(deps, id, ["FAILED"], { status: "APPROVED", reason: null });
  await deps.jobs.queue.remove(`provision-tenant-${id}`).catch(() => 0);
  await deps.jobs.enqueue("provision-tenant", { trialRequestId: id });
  await announceTrialRequest(deps, id);
  return updated;
}

export async function rejectTrialRequest(deps: CoreDeps, id: string, reason: string): Promise<TrialRequest> {
  const why = reason.trim();
  if (!why) throw badInput("reason", "reason is required: the applicant is told why");
  if (!UUID.test(id)) throw notFound(`trial request ${id}`);
  const { updated, emailId } = await deps.db.system.$transaction(async (tx) => {
    const current = await tx.trialRequest.findUnique({ where: { id } });
    if (!current) throw notFound(`trial request ${id}`);
    if (current.status !== "PENDING_REVIEW" && current.status !== "FAILED") {
      throw conflict(`trial request ${id} is ${current.status}; only PENDING_REVIEW or FAILED requests can be rejected`, { status: current.status });
    }
    const updated = await tx.trialRequest.update({ where: { id }, data: { status: "REJECTED", reason: why } });
    const emailId = await queueEmail(tx, {
      kind: "trial-rejected",
      to: updated.email,
      message: trialRejected({ firstName: updated.firstName, company: updated.company, reason: why }),
    });
    return { updated, emailId };
  });
  await dispatchEmails(deps.jobs, [emailId]);
  await announceTrialRequest(deps, id);
  return updated;
}

async function transition(deps: CoreDeps, id: string, from: readonly TrialRequest["status"][], data: Partial<Pick<TrialRequest, "status" | "reason">>) {
  if (!UUID.test(id)) throw notFound(`trial request ${id}`);
  // cross-tenant: operators act on signups, which belong to no tenant.
  const r = await deps.db.system.trialRequest.updateMany({ where: { id, status: { in: [...from] } }, data });
  if (r.count === 1) return deps.db.system.trialRequest.findUniqueOrThrow({ where: { id } });
  const current = await deps.db.system.trialRequest.findUnique({ where: { id } });
  if (!current) throw notFound(`trial request ${id}`);
  throw new AppError("CONFLICT", `trial request ${id} is ${current.status}; expected ${from.join(" or ")}`, undefined, { status: current.status });
}

export async function listTrialRequests(deps: CoreDeps, status?: TrialRequest["status"] | null) {
  return deps.db.system.trialRequest.findMany({ where: status ? { status } : {}, orderBy: { createdAt: "desc" }, take: 500 });
}

/** Tells subscribers of a trial request where it stands now. */
export async function announceTrialRequest(deps: CoreDeps, id: string): Promise<void> {
  const row = await deps.db.system.trialRequest.findUnique({ where: { id } });
  if (row) await deps.events.publish(channels.trialRequest(id), row);
}
