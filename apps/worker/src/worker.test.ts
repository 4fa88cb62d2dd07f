import { authenticate, rejectTrialRequest, requestTrial } from "@palisade/core";
import type { Database, PromoCode } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpSink, type SmtpSink } from "../test/smtp-sink.ts";
import { createPromo, hex, openWorkerDatabase, PUBLIC_URL, startTestWorker, testConfig, trialInput, type RunningWorker } from "../test/worker-harness.ts";

const DAY = 86_400_000;

let db: Database;
let smtp: SmtpSink;
let w: RunningWorker;
let promo: PromoCode;
// The worker's clock; tests about trial ends move it.
let clock = () => new Date();

beforeAll(async () => {
  db = await openWorkerDatabase();
  smtp = await startSmtpSink();
  w = await startTestWorker(db, testConfig({ SMTP_URL: smtp.url }), () => clock());
  promo = await createPromo(db);
});
afterAll(async () => {
  await w?.stop();
  await smtp?.close();
  await db?.close();
});

const requestOf = (id: string) => db.system.trialRequest.findUniqueOrThrow({ where: { id } });

async function jobState(jobId: string) {
  return (await w.deps.jobs.queue.getJob(jobId))?.getState();
}

/** A signup with an auto-approving code, provisioned by the real worker; answers once the credentials arrived. */
async function provisionedByWorker(overrides: Record<string, unknown> = {}) {
  const request = await requestTrial(w.deps, trialInput({ promoCode: promo.code, ...overrides }), "127.0.0.1");
  expect(request.status).toBe("APPROVED");
  await expect.poll(async () => (await requestOf(request.id)).status, { timeout: 20_000 }).toBe("READY");
  await expect.poll(() => smtp.to(request.email).length, { timeout: 20_000 }).toBe(1);
  const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
  return { request, tenant, mail: smtp.to(request.email)[0]! };
}

describe("provision-tenant and send-email, run by the worker", () => {
  it("take a promo-code signup to READY and mail the credentials to the applicant over SMTP", async () => {
    const { request, tenant, mail } = await provisionedByWorker();
    expect(mail.subject).toBe("Your Palisade trial credentials");
    expect(mail.envelopeTo).toEqual([request.email]);
    const token = /pat_[0-9A-Za-z]{40}/.exec(mail.text)?.[0];
    expect(token).toBeDefined();
    expect(mail.text).toMatch(new RegExp(`curl -s ${PUBLIC_URL}/install/reg_[0-9A-Za-z]{40}--management_install\\.sh \\| bash`));
    expect(mail.text).toContain(tenant.trialEndsAt!.toISOString().slice(0, 10));

    // the token in the mail is the owner's working credential
    const principal = await authenticate(db, w.deps.config, token!, new Date());
    expect(principal).toMatchObject({ kind: "user", tenantId: tenant.id, email: request.email, roles: ["owner"] });
  });

  it("erase the outbox copy of the message once it is sent", async () => {
    const { tenant } = await provisionedByWorker();
    const outbox = () => db.system.email.findFirstOrThrow({ where: { tenantId: tenant.id, kind: "trial-credentials" } });
    // the worker records the send right after the SMTP server accepted the message
    await expect.poll(async () => (await outbox()).sentAt).not.toBeNull();
    const row = await outbox();
    expect(row.text).toBeNull();
    expect(row.attempts).toBe(1);
  });

  it("send nothing when a send-email job for an already sent message runs again", async () => {
    const { request, tenant } = await provisionedByWorker();
    const { id } = await db.system.email.findFirstOrThrow({ where: { tenantId: tenant.id, kind: "trial-credentials" } });
    const jobId = `send-email-${id}`;
    await expect.poll(() => jobState(jobId)).toBe("completed");
    const row = await db.system.email.findUniqueOrThrow({ where: { id } });

    await w.deps.jobs.queue.remove(jobId);
    await w.deps.jobs.enqueue("send-email", { emailId: row.id });
    await expect.poll(() => jobState(jobId)).toBe("completed");
    expect(smtp.to(request.email)).toHaveLength(1);
    expect(await db.system.email.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });

  it("bring a company's colleagues who sign up together all to READY, each with a tenant of its own", async () => {
    const company = `Workshop Crowd ${hex()}`;
    const requests = await Promise.all(
      Array.from({ length: 4 }, () => requestTrial(w.deps, trialInput({ company, promoCode: promo.code }), "127.0.0.1")),
    );
    for (const r of requests) {
      await expect.poll(async () => (await requestOf(r.id)).status, { timeout: 20_000 }).toBe("READY");
    }
    const slugs = (await db.system.tenant.findMany({ where: { trialRequestId: { in: requests.map((r) => r.id) } } })).map((x) => x.slug);
    expect(new Set(slugs).size).toBe(4);
    for (const r of requests) await expect.poll(() => smtp.to(r.email).length).toBe(1);
  });

  it("provision once when the job runs again after it finished", async () => {
    const { request, tenant } = await provisionedByWorker();
    const jobId = `provision-tenant-${request.id}`;
    await expect.poll(() => jobState(jobId)).toBe("completed");
    await w.deps.jobs.queue.remove(jobId);
    await w.deps.jobs.enqueue("provision-tenant", { trialRequestId: request.id });
    await expect.poll(() => jobState(jobId)).toBe("completed");
    expect(await db.system.tenant.count({ where: { trialRequestId: request.id } })).toBe(1);
    expect(await db.system.user.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.system.email.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(smtp.to(request.email)).toHaveLength(1);
  });
});

describe("send-email when the mail server refuses", () => {
  it("records why, and sends the message once the server accepts it again", async () => {
    const input = trialInput();
    smtp.refuse(String(input.email), 1);
    const request = await requestTrial(w.deps, input, "127.0.0.1");
    const row = await db.system.email.findFirstOrThrow({ where: { to: request.email } });
    await expect.poll(async () => (await db.system.email.findUniqueOrThrow({ where: { id: row.id } })).lastError, { timeout: 20_000 }).toMatch(/busy/);
    expect(smtp.to(request.email)).toHaveLength(0);

    await expect.poll(() => smtp.to(request.email).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await db.system.email.findUniqueOrThrow({ where: { id: row.id } })).sentAt).not.toBeNull();
    expect(await db.system.email.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ attempts: 2, lastError: null, text: null });
  });
});

describe("a request without a code", () => {
  it("is acknowledged by mail, and its rejection mails the applicant the reason", async () => {
    const request = await requestTrial(w.deps, trialInput(), "127.0.0.1");
    expect(request.status).toBe("PENDING_REVIEW");
    await expect.poll(() => smtp.to(request.email).map((m) => m.subject)).toEqual(["We received your Palisade trial request"]);

    const reason = `We only offer trials to companies running Kubernetes in production (${hex()})`;
    await rejectTrialRequest(w.deps, request.id, reason);
    await expect.poll(() => smtp.to(request.email).length).toBe(2);
    const rejection = smtp.to(request.email)[1]!;
    expect(rejection.subject).toBe("Your Palisade trial request");
    expect(rejection.text).toContain(`Reason: ${reason}`);
    expect(rejection.text).toContain(request.company);
  });
});

describe("expire-trials", () => {
  it("expires only the trials that have ended, mails their owners, and does nothing the second time", async () => {
    const real = Date.now();
    clock = () => new Date(real - 30 * DAY); // ends 16 days ago
    const ended = await provisionedByWorker();
    clock = () => new Date(real - 5 * DAY); // ends in 9 days
    const running = await provisionedByWorker();
    clock = () => new Date(real);

    const first = await runExpireTrials();
    expect(first).toContain(ended.tenant.id);
    expect(first).not.toContain(running.tenant.id);
    expect((await db.system.tenant.findUniqueOrThrow({ where: { id: ended.tenant.id } })).status).toBe("EXPIRED");
    expect((await db.system.tenant.findUniqueOrThrow({ where: { id: running.tenant.id } })).status).toBe("TRIAL");

    await expect.poll(() => smtp.to(ended.request.email).length).toBe(2);
    const notice = smtp.to(ended.request.email)[1]!;
    expect(notice.subject).toBe("Your Palisade trial has ended");
    expect(notice.text).toContain(ended.request.company);
    expect(notice.text).toContain(PUBLIC_URL);

    expect(await runExpireTrials()).toEqual([]);
    expect(await db.system.email.count({ where: { tenantId: ended.tenant.id, kind: "trial-expired" } })).toBe(1);
    expect(smtp.to(ended.request.email)).toHaveLength(2);
    expect(smtp.to(running.request.email)).toHaveLength(1);
  });
});

/** Enqueues expire-trials for the worker and answers what it returned: the ids of the tenants it expired. */
async function runExpireTrials(): Promise<string[]> {
  const id = await w.deps.jobs.enqueue("expire-trials", {});
  await expect.poll(async () => (await w.deps.jobs.queue.getJob(id!))?.getState(), { timeout: 20_000 }).toBe("completed");
  const job = await w.deps.jobs.queue.getJob(id!);
  return job!.returnvalue as string[];
}
