import { randomUUID } from "node:crypto";
import { createOperatorToken, markProvisioningFailed } from "@palisade/core";
import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, requestTrial, signUpProvisioned, trialInput, type TrialRequestView } from "../../../test/signups.ts";

let db: Database;
let t: RunningApi;
let operator: string;
let userToken: string;

const FIELDS = "id status reason email company promoCode";
const APPROVE = `mutation ($id: ID!) { approveTrialRequest(id: $id) { ${FIELDS} } }`;
const REJECT = `mutation ($id: ID!, $reason: String!) { rejectTrialRequest(id: $id, reason: $reason) { ${FIELDS} } }`;
const RETRY = `mutation ($id: ID!) { retryTrialRequest(id: $id) { ${FIELDS} } }`;
const LIST = `query ($status: TrialRequestStatus) { trialRequests(status: $status) { ${FIELDS} } }`;
const PROMO_FIELDS = "code description autoApprove maxUses uses expiresAt distributions active";
const CREATE_PROMO = `mutation ($input: CreatePromoCodeInput!) { createPromoCode(input: $input) { ${PROMO_FIELDS} } }`;
const UPDATE_PROMO = `mutation ($code: String!, $input: UpdatePromoCodeInput!) { updatePromoCode(code: $code, input: $input) { ${PROMO_FIELDS} } }`;
const PROMOS = `query { promoCodes { ${PROMO_FIELDS} } }`;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  operator = await createOperatorToken(db, "operators test");
  const promo = await createPromo(db);
  userToken = (await signUpProvisioned(t, promo.code)).token;
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

async function pendingRequest(): Promise<TrialRequestView> {
  const res = await requestTrial(t, trialInput());
  expect(res.data?.requestTrial.status).toBe("PENDING_REVIEW");
  return res.data!.requestTrial;
}

const statusOf = async (id: string) => (await db.system.trialRequest.findUniqueOrThrow({ where: { id } })).status;

describe("approveTrialRequest", () => {
  it("approves a pending request and queues its provisioning", async () => {
    const pending = await pendingRequest();
    const res = await t.gql<{ approveTrialRequest: TrialRequestView }>(APPROVE, { id: pending.id }, operator);
    expect(res.data?.approveTrialRequest).toMatchObject({ id: pending.id, status: "APPROVED" });
    expect(await statusOf(pending.id)).toBe("APPROVED");
    const job = await t.deps.jobs.queue.getJob(`provision-tenant-${pending.id}`);
    expect(job?.data).toEqual({ trialRequestId: pending.id });
  });

  it("answers CONFLICT for a request that is no longer pending, changing nothing", async () => {
    const pending = await pendingRequest();
    await t.gql(APPROVE, { id: pending.id }, operator);
    const error = onlyError(await t.gql(APPROVE, { id: pending.id }, operator));
    expect(error.extensions).toMatchObject({ code: "CONFLICT", status: "APPROVED" });
    expect(await statusOf(pending.id)).toBe("APPROVED");
  });

  it.each([randomUUID(), "not-a-uuid"])("answers NOT_FOUND for an unknown id (%s)", async (id) => {
    const error = onlyError(await t.gql(APPROVE, { id }, operator));
    expect(error.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("rejectTrialRequest", () => {
  it("rejects a pending request with its reason and queues the rejection mail", async () => {
    const pending = await pendingRequest();
    const reason = `No Kubernetes in sight ${hex()}`;
    const res = await t.gql<{ rejectTrialRequest: TrialRequestView }>(REJECT, { id: pending.id, reason: `  ${reason} ` }, operator);
    expect(res.data?.rejectTrialRequest).toMatchObject({ status: "REJECTED", reason });
    const mail = await db.system.email.findFirstOrThrow({ where: { to: pending.email, kind: "trial-rejected" } });
    expect(mail.subject).toBe("Your Palisade trial request");
    expect(mail.text).toContain(`Reason: ${reason}`);
    expect(await t.deps.jobs.queue.getJob(`send-email-${mail.id}`)).toBeDefined();
  });

  it.each(["", "   "])("requires a reason (%j), naming the field and changing nothing", async (reason) => {
    const pending = await pendingRequest();
    const error = onlyError(await t.gql(REJECT, { id: pending.id, reason }, operator));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "reason" });
    expect(await statusOf(pending.id)).toBe("PENDING_REVIEW");
  });

  it("answers CONFLICT for an approved request", async () => {
    const pending = await pendingRequest();
    await t.gql(APPROVE, { id: pending.id }, operator);
    const error = onlyError(await t.gql(REJECT, { id: pending.id, reason: "too late" }, operator));
    expect(error.extensions?.code).toBe("CONFLICT");
    expect(await statusOf(pending.id)).toBe("APPROVED");
  });

  it.each([randomUUID(), "not-a-uuid"])("answers NOT_FOUND for an unknown id (%s)", async (id) => {
    const error = onlyError(await t.gql(REJECT, { id, reason: "who?" }, operator));
    expect(error.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("retryTrialRequest", () => {
  it("sends a FAILED request back to provisioning, clearing the reason operators saw", async () => {
    const pending = await pendingRequest();
    await t.gql(APPROVE, { id: pending.id }, operator);
    await markProvisioningFailed(t.deps, pending.id, "smtp exploded");

    const failed = await t.gql<{ trialRequests: TrialRequestView[] }>(LIST, { status: "FAILED" }, operator);
    expect(failed.data?.trialRequests.find((r) => r.id === pending.id)).toMatchObject({ status: "FAILED", reason: "smtp exploded" });

    const res = await t.gql<{ retryTrialRequest: TrialRequestView }>(RETRY, { id: pending.id }, operator);
    expect(res.data?.retryTrialRequest).toMatchObject({ status: "APPROVED", reason: null });
    const job = await t.deps.jobs.queue.getJob(`provision-tenant-${pending.id}`);
    expect(job?.data).toEqual({ trialRequestId: pending.id });
    expect(await job?.getState()).toBe("waiting");
  });

  it("answers CONFLICT for a request that has not failed", async () => {
    const pending = await pendingRequest();
    const error = onlyError(await t.gql(RETRY, { id: pending.id }, operator));
    expect(error.extensions).toMatchObject({ code: "CONFLICT", status: "PENDING_REVIEW" });
    expect(await statusOf(pending.id)).toBe("PENDING_REVIEW");
  });

  it.each([randomUUID(), "not-a-uuid"])("answers NOT_FOUND for an unknown id (%s)", async (id) => {
    const error = onlyError(await t.gql(RETRY, { id }, operator));
    expect(error.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("trialRequests", () => {
  it("lists requests by status for operators", async () => {
    const pending = await pendingRequest();
    const approved = await pendingRequest();
    await t.gql(APPROVE, { id: approved.id }, operator);

    const waiting = (await t.gql<{ trialRequests: TrialRequestView[] }>(LIST, { status: "PENDING_REVIEW" }, operator)).data!.trialRequests;
    expect(waiting.map((r) => r.id)).toContain(pending.id);
    expect(waiting.map((r) => r.id)).not.toContain(approved.id);
    expect(new Set(waiting.map((r) => r.status))).toEqual(new Set(["PENDING_REVIEW"]));

    const all = (await t.gql<{ trialRequests: TrialRequestView[] }>(LIST, {}, operator)).data!.trialRequests;
    expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([pending.id, approved.id]));
  });
});

interface PromoView {
  code: string;
  description: string;
  autoApprove: boolean;
  maxUses: number | null;
  uses: number;
  expiresAt: string | null;
  distributions: string[];
  active: boolean;
}

describe("promo codes", () => {
  it("creates a code (upper-cased) that signups can use at once", async () => {
    const code = `summit-${hex()}`;
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const res = await t.gql<{ createPromoCode: PromoView }>(
      CREATE_PROMO,
      { input: { code, description: "KubeCon booth", maxUses: 10, expiresAt, distributions: ["AKS", "GKE"] } },
      operator,
    );
    expect(res.data?.createPromoCode).toEqual({
      code: code.toUpperCase(),
      description: "KubeCon booth",
      autoApprove: true,
      maxUses: 10,
      uses: 0,
      expiresAt,
      distributions: ["AKS", "GKE"],
      active: true,
    });
    const signup = await requestTrial(t, trialInput({ promoCode: code, kubernetesDistribution: "GKE" }));
    expect(signup.data?.requestTrial.status).toBe("APPROVED");
  });

  it("keeps requests for review when the code does not auto-approve", async () => {
    const code = `REVIEW-${hex().toUpperCase()}`;
    await t.gql(CREATE_PROMO, { input: { code, autoApprove: false } }, operator);
    const signup = await requestTrial(t, trialInput({ promoCode: code }));
    expect(signup.data?.requestTrial).toMatchObject({ status: "PENDING_REVIEW", promoCode: code });
  });

  it("answers CONFLICT for a code that exists, in any letter case", async () => {
    const code = `DUP-${hex()}`;
    await t.gql(CREATE_PROMO, { input: { code } }, operator);
    const error = onlyError(await t.gql(CREATE_PROMO, { input: { code: code.toLowerCase() } }, operator));
    expect(error.extensions?.code).toBe("CONFLICT");
  });

  it.each([
    { input: { code: "x" }, field: "input.code" },
    { input: { code: "has space" }, field: "input.code" },
    { input: { code: `OK-${hex()}`, maxUses: 0 }, field: "input.maxUses" },
    { input: { code: `OK-${hex()}`, expiresAt: "next tuesday" }, field: "input.expiresAt" },
  ])("refuses bad input on $field", async ({ input, field }) => {
    const error = onlyError(await t.gql(CREATE_PROMO, { input }, operator));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await db.system.promoCode.count({ where: { code: input.code.toUpperCase() } })).toBe(0);
  });

  it("updates a code; a deactivated code is refused at signup", async () => {
    const promo = await createPromo(db, { description: "before" });
    const res = await t.gql<{ updatePromoCode: PromoView }>(UPDATE_PROMO, { code: promo.code.toLowerCase(), input: { active: false, description: "after", maxUses: 3 } }, operator);
    expect(res.data?.updatePromoCode).toMatchObject({ code: promo.code, active: false, description: "after", maxUses: 3, uses: 0 });
    const error = onlyError(await requestTrial(t, trialInput({ promoCode: promo.code })));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.promoCode" });
  });

  it("answers NOT_FOUND when updating an unknown code", async () => {
    const error = onlyError(await t.gql(UPDATE_PROMO, { code: `NONE-${hex()}`, input: { active: false } }, operator));
    expect(error.extensions?.code).toBe("NOT_FOUND");
  });

  it("lists codes with their use counts, the workshop code among them", async () => {
    const promo = await createPromo(db, { maxUses: 4 });
    await requestTrial(t, trialInput({ promoCode: promo.code }));
    const codes = (await t.gql<{ promoCodes: PromoView[] }>(PROMOS, {}, operator)).data!.promoCodes;
    expect(codes.find((c) => c.code === promo.code)).toMatchObject({ uses: 1, maxUses: 4 });
    expect(codes.find((c) => c.code === "PAR-AWS-EKS-WORKSHOP")).toMatchObject({ autoApprove: true, distributions: ["EKS"], active: true });
  });
});

describe("operator operations refuse everyone else", () => {
  const operations: { name: string; query: string; variables: () => Record<string, unknown> }[] = [
    { name: "approveTrialRequest", query: APPROVE, variables: () => ({ id: randomUUID() }) },
    { name: "rejectTrialRequest", query: REJECT, variables: () => ({ id: randomUUID(), reason: "no" }) },
    { name: "retryTrialRequest", query: RETRY, variables: () => ({ id: randomUUID() }) },
    { name: "trialRequests", query: LIST, variables: () => ({}) },
    { name: "createPromoCode", query: CREATE_PROMO, variables: () => ({ input: { code: `SNEAKY-${hex()}` } }) },
    { name: "updatePromoCode", query: UPDATE_PROMO, variables: () => ({ code: "PAR-AWS-EKS-WORKSHOP", input: { active: false } }) },
    { name: "promoCodes", query: PROMOS, variables: () => ({}) },
  ];

  it.each(operations)("$name: FORBIDDEN with a user's token", async ({ query, variables }) => {
    const vars = variables();
    const res = await t.gql(query, vars, userToken);
    expect(onlyError(res).extensions?.code).toBe("FORBIDDEN");
    expect(res.data).toBeNull();
    if (typeof (vars.input as { code?: string } | undefined)?.code === "string") {
      expect(await db.system.promoCode.count({ where: { code: (vars.input as { code: string }).code } })).toBe(0);
    }
  });

  it.each(operations)("$name: UNAUTHENTICATED without a token", async ({ query, variables }) => {
    const res = await t.gql(query, variables());
    expect(onlyError(res).extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("leaves the workshop code active after those attempts", async () => {
    expect((await db.system.promoCode.findUniqueOrThrow({ where: { code: "PAR-AWS-EKS-WORKSHOP" } })).active).toBe(true);
  });
});
