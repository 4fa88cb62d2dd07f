import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, requestTrial, trialInput } from "../../../test/signups.ts";

// Only this file signs up with the workshop code, so its use count is this file's to check.
const WORKSHOP = "PAR-AWS-EKS-WORKSHOP";

let db: Database;
let t: RunningApi;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

const rowsFor = (email: string) => db.system.trialRequest.count({ where: { email: email.toLowerCase() } });
const usesOf = async (code: string) => (await db.system.promoCode.findUniqueOrThrow({ where: { code } })).uses;

describe("requestTrial with a promo code", () => {
  it("approves an EKS signup with PAR-AWS-EKS-WORKSHOP at once and queues its provisioning", async () => {
    const before = await usesOf(WORKSHOP);
    const input = trialInput({ promoCode: WORKSHOP, kubernetesDistribution: "EKS" });
    const res = await requestTrial(t, input);
    expect(res.errors).toBeUndefined();
    const created = res.data!.requestTrial;
    expect(created).toMatchObject({ status: "APPROVED", promoCode: WORKSHOP, email: String(input.email), kubernetesDistribution: "EKS" });

    const job = await t.deps.jobs.queue.getJob(`provision-tenant-${created.id}`);
    expect(job?.name).toBe("provision-tenant");
    expect(job?.data).toEqual({ trialRequestId: created.id });
    expect(await usesOf(WORKSHOP)).toBe(before + 1);
  });

  it("accepts the code in any letter case and with surrounding spaces", async () => {
    const res = await requestTrial(t, trialInput({ promoCode: "  par-aws-eks-workshop " }));
    expect(res.data?.requestTrial).toMatchObject({ status: "APPROVED", promoCode: WORKSHOP });
  });

  const refusals: { name: string; code: () => Promise<string>; distribution?: string; message: RegExp }[] = [
    { name: "an unknown code", code: async () => `NOPE-${hex()}`, message: /not a known promo code/ },
    { name: "an expired code", code: async () => (await createPromo(db, { expiresAt: new Date(Date.now() - 60_000) })).code, message: /expired/ },
    { name: "a used-up code", code: async () => (await createPromo(db, { maxUses: 2, uses: 2 })).code, message: /used up/ },
    { name: "an inactive code", code: async () => (await createPromo(db, { active: false })).code, message: /no longer active/ },
    { name: "an EKS-only code for AKS", code: async () => (await createPromo(db, { distributions: ["EKS"] })).code, distribution: "AKS", message: /only for EKS/ },
    { name: "the workshop code for AKS", code: async () => WORKSHOP, distribution: "AKS", message: /only for EKS/ },
  ];

  it.each(refusals)("refuses $name on input.promoCode, storing no request and using nothing up", async ({ code, distribution, message }) => {
    const promo = await code();
    const before = await db.system.promoCode.findUnique({ where: { code: promo } });
    const input = trialInput({ promoCode: promo, kubernetesDistribution: distribution ?? "EKS" });
    const res = await requestTrial(t, input);
    const error = onlyError(res);
    expect(res.data).toBeNull();
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.promoCode" });
    expect(error.message).toMatch(message);
    expect(await rowsFor(String(input.email))).toBe(0);
    const after = await db.system.promoCode.findUnique({ where: { code: promo } });
    expect(after?.uses).toBe(before?.uses);
  });

  it("lets a code with maxUses be used exactly that many times", async () => {
    const promo = await createPromo(db, { maxUses: 2 });
    const results = await Promise.all([1, 2, 3].map(() => requestTrial(t, trialInput({ promoCode: promo.code }))));
    const approved = results.filter((r) => r.data?.requestTrial.status === "APPROVED");
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.field === "input.promoCode");
    expect(approved).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(await usesOf(promo.code)).toBe(2);
  });

  it("leaves a request without a code waiting for review, with no provisioning queued", async () => {
    const res = await requestTrial(t, trialInput());
    const created = res.data!.requestTrial;
    expect(created).toMatchObject({ status: "PENDING_REVIEW", promoCode: null });
    expect(await t.deps.jobs.queue.getJob(`provision-tenant-${created.id}`)).toBeUndefined();
    const mail = await db.system.email.findFirst({ where: { to: created.email } });
    expect(mail?.subject).toBe("We received your Palisade trial request");
  });

  it("treats an empty code like no code", async () => {
    const res = await requestTrial(t, trialInput({ promoCode: "  " }));
    expect(res.data?.requestTrial.status).toBe("PENDING_REVIEW");
  });
});

describe("requestTrial refuses bad input, naming the field and storing nothing", () => {
  const cases: { name: string; input: Record<string, unknown>; field: string }[] = [
    { name: "terms not accepted", input: { acceptTerms: false }, field: "input.acceptTerms" },
    { name: "a free-mail address (gmail.com)", input: { email: `ada.${hex()}@gmail.com` }, field: "input.email" },
    { name: "a disposable address (mailinator.com)", input: { email: `ada.${hex()}@mailinator.com` }, field: "input.email" },
    { name: "a subdomain of a free-mail domain", input: { email: `ada.${hex()}@eu.gmail.com` }, field: "input.email" },
    { name: "a malformed address", input: { email: `ada.${hex()}-at-corp.com` }, field: "input.email" },
    { name: "an address without a top-level domain", input: { email: `ada.${hex()}@localhost` }, field: "input.email" },
    { name: "an empty first name", input: { firstName: "" }, field: "input.firstName" },
    { name: "a blank last name", input: { lastName: "   " }, field: "input.lastName" },
    { name: "an empty company", input: { company: "" }, field: "input.company" },
    { name: "an overlong first name", input: { firstName: "x".repeat(101) }, field: "input.firstName" },
  ];

  it.each(cases)("$name -> $field", async ({ input, field }) => {
    const full = trialInput(input);
    const res = await requestTrial(t, full);
    const error = onlyError(res);
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(error.message).toContain(field);
    if (typeof full.email === "string") expect(await rowsFor(full.email)).toBe(0);
  });

  it("refuses a missing first name before anything runs", async () => {
    const { firstName: _, ...input } = trialInput();
    const res = await requestTrial(t, input);
    const error = onlyError(res);
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.firstName" });
    expect(error.message).toMatch(/firstName/);
    expect(await rowsFor(String(input.email))).toBe(0);
  });

  it("refuses a distribution outside the enum", async () => {
    const input = trialInput({ kubernetesDistribution: "MINIKUBE" });
    const res = await requestTrial(t, input);
    const error = onlyError(res);
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.kubernetesDistribution" });
    expect(error.message).toMatch(/kubernetesDistribution/);
    expect(error.message).toMatch(/MINIKUBE/);
    expect(await rowsFor(String(input.email))).toBe(0);
  });

  it("refuses a value of the wrong type, naming the field", async () => {
    const input = trialInput({ acceptTerms: "yes" });
    const error = onlyError(await requestTrial(t, input));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.acceptTerms" });
    expect(await rowsFor(String(input.email))).toBe(0);
  });

  it("refuses the domains listed in EXTRA_BLOCKED_EMAIL_DOMAINS, subdomains included", async () => {
    const blocked = `blocked-${hex()}.com`;
    const strict = await startApi(buildDeps(db, testConfig({ EXTRA_BLOCKED_EMAIL_DOMAINS: `other.org, ${blocked.toUpperCase()}` })));
    try {
      for (const email of [`ada@${blocked}`, `ada@eu.${blocked}`]) {
        const error = onlyError(await requestTrial(strict, trialInput({ email })));
        expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.email" });
        expect(await rowsFor(email)).toBe(0);
      }
      // the same domain is fine where it is not configured
      const res = await requestTrial(t, trialInput({ email: `grace@${blocked}` }));
      expect(res.data?.requestTrial.status).toBe("PENDING_REVIEW");
    } finally {
      await strict.stop();
    }
  });
});

describe("one open request per address", () => {
  it("answers a second request from the same address with the open one", async () => {
    const input = trialInput();
    const first = (await requestTrial(t, input)).data!.requestTrial;
    const again = (await requestTrial(t, { ...input, email: String(input.email).toUpperCase(), company: "Another name" })).data!.requestTrial;
    expect(again.id).toBe(first.id);
    expect(await rowsFor(String(input.email))).toBe(1);
  });

  it("stores one request when two arrive at the same moment", async () => {
    const input = trialInput();
    const results = await Promise.all([requestTrial(t, input), requestTrial(t, input), requestTrial(t, input)]);
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.requestTrial.id)).size).toBe(1);
    expect(await rowsFor(String(input.email))).toBe(1);
  });

  it("does not consume a promo code use when the address already has an open request", async () => {
    const promo = await createPromo(db, { maxUses: 5 });
    const input = trialInput({ promoCode: promo.code });
    const results = await Promise.all([requestTrial(t, input), requestTrial(t, input)]);
    expect(new Set(results.map((r) => r.data?.requestTrial.id)).size).toBe(1);
    await requestTrial(t, input);
    expect(await usesOf(promo.code)).toBe(1);
  });

  it("takes a new request once the previous one is closed", async () => {
    const input = trialInput();
    const first = (await requestTrial(t, input)).data!.requestTrial;
    await db.system.trialRequest.update({ where: { id: first.id }, data: { status: "REJECTED", reason: "test" } });
    const second = (await requestTrial(t, input)).data!.requestTrial;
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe("PENDING_REVIEW");
  });
});

describe("signup rate limits", () => {
  let limited: RunningApi;
  beforeAll(async () => {
    // TRUST_PROXY lets each test speak for a client address of its own through X-Forwarded-For.
    limited = await startApi(buildDeps(db, testConfig({ SIGNUP_LIMIT_PER_ADDRESS: "3", SIGNUP_LIMIT_PER_DOMAIN: "2", TRUST_PROXY: "true" })));
  });
  afterAll(() => limited?.stop());

  const address = () => `198.51.100.${Math.floor(Math.random() * 250)}, 10.0.0.${Math.floor(Math.random() * 250)}`;

  it("answers RATE_LIMITED with retryAfterSeconds once a client address has used its signups", async () => {
    const from = { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 250)}` };
    for (let i = 0; i < 3; i++) {
      const res = await requestTrial(limited, trialInput(), from);
      expect(res.data?.requestTrial.status).toBe("PENDING_REVIEW");
    }
    const input = trialInput();
    const error = onlyError(await requestTrial(limited, input, from));
    expect(error.extensions?.code).toBe("RATE_LIMITED");
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions?.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await rowsFor(String(input.email))).toBe(0);
    // another client is not held back
    const other = await requestTrial(limited, trialInput(), { "x-forwarded-for": `192.0.2.${Math.floor(Math.random() * 250)}` });
    expect(other.data?.requestTrial.status).toBe("PENDING_REVIEW");
  });

  it("answers RATE_LIMITED with retryAfterSeconds once an email domain has used its signups", async () => {
    const domain = `corp-${hex()}.com`;
    for (let i = 0; i < 2; i++) {
      const res = await requestTrial(limited, trialInput({ email: `user${i}@${domain}` }), { "x-forwarded-for": address() });
      expect(res.data?.requestTrial.status).toBe("PENDING_REVIEW");
    }
    const error = onlyError(await requestTrial(limited, trialInput({ email: `user9@${domain.toUpperCase()}` }), { "x-forwarded-for": address() }));
    expect(error.extensions?.code).toBe("RATE_LIMITED");
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(await rowsFor(`user9@${domain}`)).toBe(0);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY is set, so a client cannot dodge its limit", async () => {
    const direct = await startApi(buildDeps(db, testConfig({ SIGNUP_LIMIT_PER_ADDRESS: "2" })));
    try {
      for (let i = 0; i < 2; i++) {
        const res = await requestTrial(direct, trialInput(), { "x-forwarded-for": `203.0.113.${i}` });
        expect(res.data?.requestTrial.status).toBe("PENDING_REVIEW");
      }
      const error = onlyError(await requestTrial(direct, trialInput(), { "x-forwarded-for": "203.0.113.99" }));
      expect(error.extensions?.code).toBe("RATE_LIMITED");
    } finally {
      await direct.stop();
    }
  });
});
