import { createAccessToken, createOperatorToken, generateSecret } from "@palisade/core";
import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceAuthChange, buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../test/api-harness.ts";
import { onlyError } from "../../test/graphql-client.ts";
import { createPromo, signUpProvisioned, type ProvisionedTenant } from "../../test/signups.ts";

const ME = `{ me { user { email } roles } }`;
const PROMOS = `{ promoCodes { code } }`;
const OPERATOR_TOKEN = `operator-from-env-${"x".repeat(24)}`;

let db: Database;
let t: RunningApi;
let owner: ProvisionedTenant;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig({ OPERATOR_TOKEN })));
  owner = await signUpProvisioned(t, (await createPromo(db)).code);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

async function extraToken(tenant: ProvisionedTenant, expiresAt: Date | null): Promise<{ token: string; id: string }> {
  const user = await db.system.user.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
  const { token, row } = await db.withTenant(tenant.tenantId, (tx) => createAccessToken(tx, { tenantId: tenant.tenantId, userId: user.id, name: "extra", expiresAt }));
  return { token, id: row.id };
}

/** Refused once the change has reached the API (principals are held for a few seconds unless announced). */
async function expectRefusedAfterChange(token: string, query = ME) {
  await announceAuthChange(t.deps);
  await expect.poll(async () => (await t.gql(query, {}, token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
}

async function expectUnauthenticated(token: string | undefined, query = ME) {
  const res = await t.gql(query, {}, token);
  expect(onlyError(res).extensions?.code).toBe("UNAUTHENTICATED");
  expect(res.data ?? null).toBeNull();
  return res;
}

describe("access tokens", () => {
  it("accepts the owner's token", async () => {
    const res = await t.gql<{ me: { user: { email: string }; roles: string[] } }>(ME, {}, owner.token);
    expect(res.data?.me).toEqual({ user: { email: owner.email }, roles: ["owner"] });
  });

  it("refuses a call without a token", async () => {
    await expectUnauthenticated(undefined);
  });

  it.each(["garbage", "pat_short", generateSecret("pat"), generateSecret("opr"), generateSecret("reg"), `${"x".repeat(30)}`])(
    "refuses the unknown or malformed token %s with 401",
    async (token) => {
      const res = await expectUnauthenticated(token);
      expect(res.status).toBe(401);
    },
  );

  it("refuses a revoked token", async () => {
    const { token, id } = await extraToken(owner, null);
    expect((await t.gql(ME, {}, token)).errors).toBeUndefined();
    await db.system.accessToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await expectRefusedAfterChange(token);
  });

  it("refuses an expired token and accepts one that has not expired", async () => {
    const expired = await extraToken(owner, new Date(Date.now() - 1000));
    await expectUnauthenticated(expired.token);
    const valid = await extraToken(owner, new Date(Date.now() + 3600_000));
    expect((await t.gql(ME, {}, valid.token)).errors).toBeUndefined();
  });

  it("refuses the tokens of a suspended tenant", async () => {
    const suspended = await signUpProvisioned(t, (await createPromo(db)).code);
    expect((await t.gql(ME, {}, suspended.token)).errors).toBeUndefined();
    await db.system.tenant.update({ where: { id: suspended.tenantId }, data: { status: "SUSPENDED" } });
    await expectRefusedAfterChange(suspended.token);
  });

  it("records when a token was last used", async () => {
    const { token, id } = await extraToken(owner, null);
    await t.gql(ME, {}, token);
    await expect.poll(async () => (await db.system.accessToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();
  });
});

describe("operator tokens", () => {
  it("accepts OPERATOR_TOKEN from the environment", async () => {
    const res = await t.gql<{ promoCodes: { code: string }[] }>(PROMOS, {}, OPERATOR_TOKEN);
    expect(res.errors).toBeUndefined();
    expect(res.data?.promoCodes.map((p) => p.code)).toContain("PAR-AWS-EKS-WORKSHOP");
  });

  it("does not accept that value where OPERATOR_TOKEN is not set", async () => {
    const plain = await startApi(buildDeps(db, testConfig()));
    try {
      const res = await plain.gql(PROMOS, {}, OPERATOR_TOKEN);
      expect(onlyError(res).extensions?.code).toBe("UNAUTHENTICATED");
    } finally {
      await plain.stop();
    }
  });

  it("accepts a token made by createOperatorToken until it is revoked", async () => {
    const token = await createOperatorToken(db, "auth test");
    expect((await t.gql(PROMOS, {}, token)).errors).toBeUndefined();
    await db.system.operatorToken.updateMany({ where: { name: "auth test", revokedAt: null }, data: { revokedAt: new Date() } });
    await expectRefusedAfterChange(token, PROMOS);
  });

  it("cannot act as a tenant user (me is FORBIDDEN)", async () => {
    expect(onlyError(await t.gql(ME, {}, OPERATOR_TOKEN)).extensions?.code).toBe("FORBIDDEN");
  });
});

describe("subscriptions", () => {
  it("close the connection of a bad token with 4403", async () => {
    const client = t.ws("pat_not-a-real-token");
    try {
      const closed = await new Promise<{ code?: number }>((resolve) => {
        client.subscribe({ query: `subscription { trialRequest(id: "00000000-0000-4000-8000-000000000000") { status } }` }, {
          next: () => {},
          error: (e) => resolve(e as { code?: number }),
          complete: () => resolve({}),
        });
      });
      expect(closed.code).toBe(4403);
    } finally {
      await client.dispose();
    }
  });
});
