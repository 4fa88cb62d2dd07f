import { provisionTenant } from "@palisade/core";
import type { Database, PromoCode } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, PUBLIC_URL, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { tablesContaining } from "../../../test/secret-scan.ts";
import { createPromo, credentialsToken, hex, requestTrial, trialInput } from "../../../test/signups.ts";

const DAY = 86_400_000;
// A clock of the tests' own, so trial ends and token expiries can be checked to the millisecond.
const NOW = new Date("2026-03-02T09:30:00.000Z");

let db: Database;
let t: RunningApi;
let promo: PromoCode;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig(), { now: () => NOW }));
  promo = await createPromo(db);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

async function approvedRequest(api: RunningApi, overrides: Record<string, unknown> = {}) {
  const res = await requestTrial(api, trialInput({ promoCode: promo.code, ...overrides }));
  expect(res.data?.requestTrial.status).toBe("APPROVED");
  return res.data!.requestTrial;
}

async function tenantRows(tenantId: string) {
  // cross-tenant: the test reads what provisioning wrote, as the owner.
  const where = { tenantId };
  return {
    tenants: await db.system.tenant.count({ where: { id: tenantId } }),
    users: await db.system.user.count({ where }),
    memberships: await db.system.membership.count({ where }),
    accessTokens: await db.system.accessToken.count({ where }),
    clusters: await db.system.cluster.count({ where }),
    registrationTokens: await db.system.registrationToken.count({ where }),
    emails: await db.system.email.count({ where }),
  };
}

const ME = `query { me { user { id email name } tenant { id slug name status trialEndsAt } roles } }`;

describe("provisionTenant", () => {
  it("turns an approved request into a READY tenant with its owner, a first cluster and the trial end", async () => {
    const request = await approvedRequest(t, { firstName: "Grace", lastName: "Hopper" });
    expect(await provisionTenant(t.deps, request.id)).toBe("provisioned");

    const row = await db.system.trialRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(row.status).toBe("READY");
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { id: row.tenantId! } });
    expect(tenant).toMatchObject({ name: request.company, slug: request.company.toLowerCase().replace(/ /g, "-"), status: "TRIAL", trialRequestId: request.id });
    expect(tenant.trialEndsAt?.toISOString()).toBe(new Date(NOW.getTime() + 14 * DAY).toISOString());

    const users = await db.system.user.findMany({ where: { tenantId: tenant.id }, include: { memberships: true } });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: request.email, name: "Grace Hopper" });
    expect(users[0]!.memberships.map((m) => m.role)).toEqual(["owner"]);

    const clusters = await db.system.cluster.findMany({ where: { tenantId: tenant.id }, include: { registrationTokens: true } });
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ name: "eks", distribution: "EKS", status: "PENDING" });
    expect(clusters[0]!.registrationTokens).toHaveLength(1);
    expect(clusters[0]!.registrationTokens[0]).toMatchObject({ usedAt: null, revokedAt: null });
    expect(clusters[0]!.registrationTokens[0]!.expiresAt.toISOString()).toBe(new Date(NOW.getTime() + 24 * 3600_000).toISOString());
  });

  it("gives a second tenant of the same company the slug with -2", async () => {
    const company = `Same Company ${hex()}`;
    const first = await approvedRequest(t, { company });
    const second = await approvedRequest(t, { company });
    await provisionTenant(t.deps, first.id);
    await provisionTenant(t.deps, second.id);
    const slugs = await db.system.tenant.findMany({ where: { trialRequestId: { in: [first.id, second.id] } }, orderBy: { createdAt: "asc" } });
    const base = company.toLowerCase().replace(/ /g, "-");
    expect(slugs.map((s) => s.slug)).toEqual([base, `${base}-2`]);
  });

  it("gives colleagues provisioned at the same moment distinct slugs, failing none", async () => {
    const company = `Workshop Crowd ${hex()}`;
    const requests = [];
    for (let i = 0; i < 5; i++) requests.push(await approvedRequest(t, { company }));
    const outcomes = await Promise.all(requests.map((r) => provisionTenant(t.deps, r.id)));
    expect(outcomes).toEqual(Array(5).fill("provisioned"));
    const tenants = await db.system.tenant.findMany({ where: { trialRequestId: { in: requests.map((r) => r.id) } } });
    const base = company.toLowerCase().replace(/ /g, "-");
    expect(tenants.map((x) => x.slug).sort()).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`]);
  });

  it("provisions once when two runs of the same request race", async () => {
    const request = await approvedRequest(t);
    const outcomes = await Promise.all([provisionTenant(t.deps, request.id), provisionTenant(t.deps, request.id)]);
    expect(outcomes.sort()).toEqual(["already-provisioned", "provisioned"]);
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
    expect(await tenantRows(tenant.id)).toEqual({ tenants: 1, users: 1, memberships: 1, accessTokens: 1, clusters: 1, registrationTokens: 1, emails: 1 });
  });

  it.each([
    ["K3S", "k3s"],
    ["OPENSHIFT", "openshift"],
  ])("names the first cluster after the distribution (%s -> %s)", async (distribution, name) => {
    const request = await approvedRequest(t, { kubernetesDistribution: distribution });
    await provisionTenant(t.deps, request.id);
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
    const clusters = await db.system.cluster.findMany({ where: { tenantId: tenant.id } });
    expect(clusters.map((c) => [c.name, c.distribution])).toEqual([[name, distribution]]);
  });

  it("honours TRIAL_DAYS", async () => {
    const longer = await startApi(buildDeps(db, testConfig({ TRIAL_DAYS: "30" }), { now: () => NOW }));
    try {
      const request = await approvedRequest(longer);
      await provisionTenant(longer.deps, request.id);
      const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
      expect(tenant.trialEndsAt?.toISOString()).toBe(new Date(NOW.getTime() + 30 * DAY).toISOString());
    } finally {
      await longer.stop();
    }
  });

  it("creates nothing twice when it runs again", async () => {
    const request = await approvedRequest(t);
    await provisionTenant(t.deps, request.id);
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
    const before = await tenantRows(tenant.id);
    expect(before).toEqual({ tenants: 1, users: 1, memberships: 1, accessTokens: 1, clusters: 1, registrationTokens: 1, emails: 1 });

    expect(await provisionTenant(t.deps, request.id)).toBe("already-provisioned");
    expect(await provisionTenant(t.deps, request.id)).toBe("already-provisioned");
    expect(await tenantRows(tenant.id)).toEqual(before);
    expect(await db.system.tenant.count({ where: { trialRequestId: request.id } })).toBe(1);
    expect((await db.system.trialRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("READY");
  });

  it("leaves nothing behind when it dies mid-way, and finishes on the next run", async () => {
    const request = await approvedRequest(t);
    const crash = () => Promise.reject(new Error("worker killed"));
    await expect(provisionTenant(t.deps, request.id, crash)).rejects.toThrow("worker killed");
    expect(await db.system.tenant.count({ where: { trialRequestId: request.id } })).toBe(0);
    expect(await db.system.email.count({ where: { to: request.email, kind: "trial-credentials" } })).toBe(0);
    expect((await db.system.trialRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PROVISIONING");

    expect(await provisionTenant(t.deps, request.id)).toBe("provisioned");
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
    expect(await tenantRows(tenant.id)).toEqual({ tenants: 1, users: 1, memberships: 1, accessTokens: 1, clusters: 1, registrationTokens: 1, emails: 1 });
  });

  it("does nothing for a request that waits for review", async () => {
    const res = await requestTrial(t, trialInput());
    const id = res.data!.requestTrial.id;
    expect(await provisionTenant(t.deps, id)).toBe("not-approved");
    expect(await db.system.tenant.count({ where: { trialRequestId: id } })).toBe(0);
    expect((await db.system.trialRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING_REVIEW");
  });
});

describe("the credentials email", () => {
  it("holds an access token that `me` accepts, answering the user, the tenant and the owner role", async () => {
    const request = await approvedRequest(t);
    await provisionTenant(t.deps, request.id);
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });

    const mail = await db.system.email.findFirstOrThrow({ where: { tenantId: tenant.id, kind: "trial-credentials" } });
    expect(mail).toMatchObject({ to: request.email, subject: "Your Palisade trial credentials", sentAt: null });
    const token = await credentialsToken(db, tenant.id);
    const registration = /reg_[0-9A-Za-z]{40}/.exec(mail.text!)?.[0];
    expect(mail.text).toContain(`curl -s ${PUBLIC_URL}/install/${registration}--management_install.sh | bash`);
    expect(mail.text).toContain(`${PUBLIC_URL}/graphql`);
    expect(mail.text).toContain(new Date(NOW.getTime() + 14 * DAY).toISOString().slice(0, 10));

    const me = await t.gql<{ me: { user: { email: string; name: string }; tenant: { id: string; slug: string; name: string; status: string; trialEndsAt: string }; roles: string[] } }>(ME, {}, token);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({
      user: { email: request.email, name: "Ada Lovelace" },
      tenant: { id: tenant.id, slug: tenant.slug, name: request.company, status: "TRIAL", trialEndsAt: tenant.trialEndsAt!.toISOString() },
      roles: ["owner"],
    });
  });

  it("is the only place the access token and the registration token exist in the database", async () => {
    const request = await approvedRequest(t);
    await provisionTenant(t.deps, request.id);
    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
    const token = await credentialsToken(db, tenant.id);
    const mail = await db.system.email.findFirstOrThrow({ where: { tenantId: tenant.id, kind: "trial-credentials" } });
    const registration = /reg_[0-9A-Za-z]{40}/.exec(mail.text!)![0];
    expect(await tablesContaining(db, token)).toEqual(["emails"]);
    expect(await tablesContaining(db, registration)).toEqual(["emails"]);
  });
});
