import { randomBytes } from "node:crypto";
import { provisionTenant } from "@palisade/core";
import type { Database, PromoCode } from "@palisade/db";
import type { RunningApi } from "./api-harness.ts";

export const hex = (bytes = 4) => randomBytes(bytes).toString("hex");

export const REQUEST_TRIAL = /* GraphQL */ `
  mutation ($input: TrialRequestInput!) {
    requestTrial(input: $input) { id status reason email company kubernetesDistribution promoCode }
  }
`;

export interface TrialRequestView {
  id: string;
  status: string;
  reason: string | null;
  email: string;
  company: string;
  kubernetesDistribution: string;
  promoCode: string | null;
}

/** A valid signup from a company and address no other test uses. */
export function trialInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = hex();
  return {
    firstName: "Ada",
    lastName: "Lovelace",
    email: `ada.${id}@corp-${id}.com`,
    company: `Analytical Engines ${id}`,
    jobTitle: "Platform lead",
    country: "GB",
    kubernetesDistribution: "EKS",
    acceptTerms: true,
    ...overrides,
  };
}

/** A promo code of the test's own, so counting its uses is not disturbed by other files. */
export async function createPromo(db: Database, data: Partial<Omit<PromoCode, "id" | "code">> = {}): Promise<PromoCode> {
  // cross-tenant: promo codes are the operators'.
  return db.system.promoCode.create({ data: { code: `T-${hex().toUpperCase()}`, autoApprove: true, distributions: [], ...data } });
}

export async function requestTrial(t: RunningApi, input: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.gql<{ requestTrial: TrialRequestView }>(REQUEST_TRIAL, { input }, undefined, headers);
}

export interface ProvisionedTenant {
  requestId: string;
  tenantId: string;
  /** the owner's access token, as the credentials email carries it */
  token: string;
  email: string;
  company: string;
}

/**
 * Signs up through GraphQL with an auto-approving code, runs what the worker would (provisionTenant) and
 * reads the owner's token from the credentials email in the outbox.
 */
export async function signUpProvisioned(t: RunningApi, promoCode: string, overrides: Record<string, unknown> = {}): Promise<ProvisionedTenant> {
  const input = trialInput({ promoCode, ...overrides });
  const res = await requestTrial(t, input);
  if (!res.data) throw new Error(`signup failed: ${JSON.stringify(res.errors)}`);
  const requestId = res.data.requestTrial.id;
  await provisionTenant(t.deps, requestId);
  const request = await t.deps.db.system.trialRequest.findUniqueOrThrow({ where: { id: requestId } });
  if (request.status !== "READY" || !request.tenantId) throw new Error(`provisioning ended ${request.status}: ${request.reason}`);
  const token = await credentialsToken(t.deps.db, request.tenantId);
  return { requestId, tenantId: request.tenantId, token, email: request.email, company: request.company };
}

/** The access token in the tenant's unsent credentials email. */
export async function credentialsToken(db: Database, tenantId: string): Promise<string> {
  const mail = await db.system.email.findFirstOrThrow({ where: { tenantId, kind: "trial-credentials" } });
  const token = /pat_[0-9A-Za-z]{40}/.exec(mail.text ?? "")?.[0];
  if (!token) throw new Error("the credentials email holds no access token");
  return token;
}
