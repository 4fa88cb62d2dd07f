import { migrate } from "@palisade/db";
import { createClient } from "graphql-ws";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { graphql, startApp, testEnv, type Proc } from "./harness/processes.ts";
import { freePort, sql as query } from "./harness/database.ts";
import { startSmtp } from "./harness/smtp.ts";

const DB = "palisade_test_e2e";
const ownerUrl = `postgresql://postgres@127.0.0.1:5432/${DB}`;

const sql = <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => query<T>(ownerUrl, text, params);

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let api: Proc;
let url: string;
let env: Record<string, string>;
const workers: Proc[] = [];

beforeAll(async () => {
  await migrate({ ownerUrl, appRole: "palisade_app_test", appPassword: "palisade_app_test" });
  smtp = await startSmtp();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = testEnv(DB, { PORT: String(port), PUBLIC_URL: url, SMTP_URL: smtp.url, JOB_LOCK_MS: "2000" });
  api = startApp("api", env);
  await api.waitFor(/Palisade API listening/);
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.kill("SIGKILL");
  await api?.kill();
  await smtp?.close();
});

describe("trial signup, end to end", () => {
  it("reaches READY after the worker is killed inside the provisioning job, creating everything once", async () => {
    const slowWorker = startApp("worker", { ...env, FAULT_PROVISION_PAUSE_MS: "5000" });
    workers.push(slowWorker);
    await slowWorker.waitFor(/Palisade worker ready/);

    const email = `jane.${Date.now()}@orbital-freight.com`;
    const signup = await graphql<{ requestTrial: { id: string; status: string } }>(
      url,
      `mutation($input: TrialRequestInput!) { requestTrial(input: $input) { id status } }`,
      {
        input: {
          firstName: "Jane",
          lastName: "Doe",
          email,
          company: "Orbital Freight",
          kubernetesDistribution: "EKS",
          promoCode: "PAR-AWS-EKS-WORKSHOP",
          acceptTerms: true,
        },
      },
    );
    expect(signup.errors).toBeUndefined();
    const id = signup.data!.requestTrial.id;
    expect(signup.data!.requestTrial.status).toBe("APPROVED");

    // Watch the request over graphql-ws while the worker dies and comes back.
    const ws = createClient({ url: url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0 });
    const seen: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      ws.subscribe<{ trialRequest: { status: string } }>(
        { query: `subscription($id: ID!) { trialRequest(id: $id) { status } }`, variables: { id } },
        {
          next: (m) => {
            const s = m.data?.trialRequest.status;
            if (s && seen.at(-1) !== s) seen.push(s);
            if (s === "READY") resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });

    await slowWorker.waitFor(/"job":"provision-tenant".*"msg":"job started"/);
    await new Promise((r) => setTimeout(r, 500)); // inside the transaction, during the pause
    await slowWorker.kill("SIGKILL");
    expect(await sql(`SELECT id FROM tenants WHERE trial_request_id = $1`, [id])).toHaveLength(0);

    const worker = startApp("worker", env);
    workers.push(worker);
    await ready;
    await ws.dispose();
    expect(seen.at(-1)).toBe("READY");
    expect(seen).toContain("PROVISIONING");

    const tenants = await sql<{ id: string; slug: string; status: string }>(`SELECT id, slug, status FROM tenants WHERE trial_request_id = $1`, [id]);
    expect(tenants).toHaveLength(1);
    const tenantId = tenants[0]!.id;
    expect(tenants[0]!.status).toBe("TRIAL");
    for (const table of ["users", "access_tokens", "clusters", "registration_tokens"]) {
      expect(await sql(`SELECT 1 FROM ${table} WHERE tenant_id = $1`, [tenantId]), table).toHaveLength(1);
    }

    // The credentials arrive by SMTP, once, and the token in them works.
    const deadline = Date.now() + 20_000;
    while (!smtp.received.some((m) => m.subject === "Your Palisade trial credentials" && m.text?.includes(email.split("@")[0]!)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const mails = smtp.received.filter((m) => m.subject === "Your Palisade trial credentials" && (m.to as { text: string }).text === email);
    expect(mails).toHaveLength(1);
    const text = mails[0]!.text!;
    const token = text.match(/pat_[0-9A-Za-z]{40}/)?.[0];
    expect(token).toBeDefined();
    expect(text).toMatch(new RegExp(`curl -s ${url}/install/reg_[0-9A-Za-z]{40}--management_install\\.sh \\| bash`));
    expect(await sql(`SELECT 1 FROM emails WHERE tenant_id = $1 AND text IS NOT NULL`, [tenantId])).toHaveLength(0);

    const me = await graphql<{ me: { user: { email: string }; tenant: { name: string; status: string; trialEndsAt: string }; roles: string[] } }>(
      url,
      `{ me { user { email } tenant { name status trialEndsAt } roles } }`,
      {},
      token,
    );
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.user.email).toBe(email);
    expect(me.data!.me.tenant).toMatchObject({ name: "Orbital Freight", status: "TRIAL" });
    expect(me.data!.me.roles).toEqual(["owner"]);
    const days = (Date.parse(me.data!.me.tenant.trialEndsAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
  }, 90_000);

  it("stops cleanly on SIGTERM, with exit code 0", async () => {
    const port = await freePort();
    const other = startApp("api", { ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    await other.waitFor(/Palisade API listening/);
    const code = await new Promise<number | null>((resolve) => {
      other.child.once("exit", (c) => resolve(c));
      other.child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(other.output()).toContain('"msg":"stopped"');
  });

  it("refuses to start with bad settings, naming every one", async () => {
    const bad = startApp("api", { ...env, PORT: "not-a-port", TRIAL_DAYS: "0", DATABASE_URL: "mysql://root:sekrit@db" });
    const code = await new Promise<number | null>((r) => bad.child.once("exit", (c) => r(c)));
    expect(code).toBe(2);
    const out = bad.output();
    expect(out).toContain("PORT=");
    expect(out).toContain("TRIAL_DAYS=");
    expect(out).toContain("DATABASE_URL=(value hidden)");
    expect(out).not.toContain("sekrit");
  });
});
