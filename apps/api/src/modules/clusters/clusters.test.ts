import { createOperatorToken, hashSecret } from "@palisade/core";
import type { Database, PromoCode } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceAuthChange, buildDeps, openApiDatabase, PUBLIC_URL, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { tablesContaining } from "../../../test/secret-scan.ts";
import { createPromo, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { inviteTeammate } from "../users/teammates.testing.ts";

const NOW = new Date("2026-05-04T12:00:00.000Z");

let db: Database;
let t: RunningApi;
let promo: PromoCode;

const CREATE = `mutation ($name: String!, $distribution: KubernetesDistribution) {
  createCluster(name: $name, distribution: $distribution) {
    cluster { id name distribution status createdAt }
    registration { token expiresAt installCommand }
  }
}`;
const ISSUE = `mutation ($id: ID!) { issueRegistrationToken(clusterId: $id) { token expiresAt installCommand } }`;
const REVOKE = `mutation ($id: ID!) { revokeRegistrationTokens(clusterId: $id) }`;

interface Created {
  createCluster: {
    cluster: { id: string; name: string; distribution: string | null; status: string; createdAt: string };
    registration: { token: string; expiresAt: string; installCommand: string };
  };
}

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig(), { now: () => NOW }));
  promo = await createPromo(db);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

const tenant = (): Promise<ProvisionedTenant> => signUpProvisioned(t, promo.code);

describe("createCluster", () => {
  it("returns the cluster and a registration token with its install command", async () => {
    const me = await tenant();
    const res = await t.gql<Created>(CREATE, { name: "prod-eu-1", distribution: "GKE" }, me.token);
    expect(res.errors).toBeUndefined();
    const { cluster, registration } = res.data!.createCluster;
    expect(cluster).toMatchObject({ name: "prod-eu-1", distribution: "GKE", status: "PENDING" });
    expect(registration.token).toMatch(/^reg_[0-9A-Za-z]{40}$/);
    expect(registration.installCommand).toBe(`curl -s ${PUBLIC_URL}/install/${registration.token}--management_install.sh | bash`);
    expect(registration.expiresAt).toBe(new Date(NOW.getTime() + 24 * 3600_000).toISOString());

    const listed = await t.gql<{ clusters: { name: string; status: string }[] }>(`{ clusters { name status } }`, {}, me.token);
    expect(listed.data?.clusters).toEqual([
      { name: "eks", status: "PENDING" },
      { name: "prod-eu-1", status: "PENDING" },
    ]);
  });

  it("stores the registration token only as its hash", async () => {
    const me = await tenant();
    const { registration, cluster } = (await t.gql<Created>(CREATE, { name: "hashed" }, me.token)).data!.createCluster;
    const row = await db.system.registrationToken.findFirstOrThrow({ where: { clusterId: cluster.id } });
    expect(Buffer.from(row.hash).equals(Buffer.from(hashSecret(registration.token)))).toBe(true);
    expect(row.prefix).toBe(registration.token.slice(0, 12));
    expect(await tablesContaining(db, registration.token)).toEqual([]);
    expect(await tablesContaining(db, registration.token.slice(12))).toEqual([]);
  });

  it.each(["Prod", "-prod", "prod-", "prod_eu", "prod.eu", "", "x".repeat(64)])("refuses the name %j on field name, creating nothing", async (name) => {
    const me = await tenant();
    const error = onlyError(await t.gql(CREATE, { name }, me.token));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    expect(await db.system.cluster.count({ where: { tenantId: me.tenantId } })).toBe(1);
  });

  it("accepts a 63-character name", async () => {
    const me = await tenant();
    const res = await t.gql<Created>(CREATE, { name: `a${"b".repeat(61)}c` }, me.token);
    expect(res.data?.createCluster.cluster.name).toHaveLength(63);
  });

  it("answers CONFLICT for a name the tenant already uses, adding no token", async () => {
    const me = await tenant();
    const error = onlyError(await t.gql(CREATE, { name: "eks" }, me.token));
    expect(error.extensions?.code).toBe("CONFLICT");
    expect(await db.system.cluster.count({ where: { tenantId: me.tenantId } })).toBe(1);
    expect(await db.system.registrationToken.count({ where: { tenantId: me.tenantId } })).toBe(1);
  });

  it("is refused to operators (FORBIDDEN) and to anonymous callers (UNAUTHENTICATED)", async () => {
    const operator = await createOperatorToken(db, "clusters test");
    expect(onlyError(await t.gql(CREATE, { name: "ops" }, operator)).extensions?.code).toBe("FORBIDDEN");
    expect(onlyError(await t.gql(CREATE, { name: "anon" })).extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("registration tokens", () => {
  it("issueRegistrationToken revokes the unused token and issues a new one", async () => {
    const me = await tenant();
    const { cluster, registration: first } = (await t.gql<Created>(CREATE, { name: "reissue" }, me.token)).data!.createCluster;
    const res = await t.gql<{ issueRegistrationToken: { token: string; installCommand: string } }>(ISSUE, { id: cluster.id }, me.token);
    const second = res.data!.issueRegistrationToken;
    expect(second.token).not.toBe(first.token);
    expect(second.installCommand).toBe(`curl -s ${PUBLIC_URL}/install/${second.token}--management_install.sh | bash`);

    const rows = await db.system.registrationToken.findMany({ where: { clusterId: cluster.id } });
    const byHash = (token: string) => rows.find((r) => Buffer.from(r.hash).equals(Buffer.from(hashSecret(token))))!;
    expect(rows).toHaveLength(2);
    expect(byHash(first.token).revokedAt?.toISOString()).toBe(NOW.toISOString());
    expect(byHash(second.token).revokedAt).toBeNull();
  });

  it("revokeRegistrationTokens revokes every open token and says how many", async () => {
    const me = await tenant();
    const { cluster } = (await t.gql<Created>(CREATE, { name: "revoke" }, me.token)).data!.createCluster;
    const res = await t.gql<{ revokeRegistrationTokens: number }>(REVOKE, { id: cluster.id }, me.token);
    expect(res.data?.revokeRegistrationTokens).toBe(1);
    expect(await db.system.registrationToken.count({ where: { clusterId: cluster.id, revokedAt: null } })).toBe(0);
    expect((await t.gql<{ revokeRegistrationTokens: number }>(REVOKE, { id: cluster.id }, me.token)).data?.revokeRegistrationTokens).toBe(0);
  });

  it.each(["00000000-0000-4000-8000-000000000000", "not-a-uuid"])("answers NOT_FOUND for an unknown cluster %s", async (id) => {
    const me = await tenant();
    expect(onlyError(await t.gql(ISSUE, { id }, me.token)).extensions?.code).toBe("NOT_FOUND");
    expect(onlyError(await t.gql(REVOKE, { id }, me.token)).extensions?.code).toBe("NOT_FOUND");
  });

  it("cluster(id) answers null for a malformed id", async () => {
    const me = await tenant();
    const res = await t.gql<{ cluster: unknown }>(`{ cluster(id: "nope") { id } }`, {}, me.token);
    expect(res.errors).toBeUndefined();
    expect(res.data?.cluster).toBeNull();
  });
});

describe("a tenant whose trial has ended", () => {
  it("still reads me and clusters, but may no longer create clusters or tokens", async () => {
    const me = await tenant();
    const cluster = await db.system.cluster.findFirstOrThrow({ where: { tenantId: me.tenantId } });
    expect((await t.gql(CREATE, { name: "before" }, me.token)).errors).toBeUndefined();
    await db.system.tenant.update({ where: { id: me.tenantId }, data: { status: "EXPIRED" } });
    await announceAuthChange(t.deps);
    // an unknown cluster id: NOT_FOUND while the tenant may still write, FORBIDDEN once it may not; changes nothing either way
    const probe = { id: "00000000-0000-4000-8000-000000000000" };
    await expect.poll(async () => (await t.gql(ISSUE, probe, me.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const who = await t.gql<{ me: { tenant: { status: string } } }>(`{ me { tenant { status } } }`, {}, me.token);
    expect(who.data?.me.tenant.status).toBe("EXPIRED");
    const listed = await t.gql<{ clusters: { name: string }[] }>(`{ clusters { name } }`, {}, me.token);
    expect(listed.data?.clusters.map((c) => c.name)).toEqual(["eks", "before"]);

    const refused = onlyError(await t.gql(CREATE, { name: "late" }, me.token));
    expect(refused.extensions?.code).toBe("FORBIDDEN");
    expect(onlyError(await t.gql(ISSUE, { id: cluster.id }, me.token)).extensions?.code).toBe("FORBIDDEN");
    expect(onlyError(await t.gql(REVOKE, { id: cluster.id }, me.token)).extensions?.code).toBe("FORBIDDEN");
    expect(await db.system.cluster.count({ where: { tenantId: me.tenantId } })).toBe(2);
    expect(await db.system.registrationToken.count({ where: { tenantId: me.tenantId, revokedAt: null } })).toBe(2);
  });
});

describe("cluster changes on the record", () => {
  it("writes an audit event for each cluster change, and a refusal for a viewer who tries one", async () => {
    const me = await tenant();
    const created = await t.gql<Created>(CREATE, { name: "audited" }, me.token);
    const clusterId = created.data!.createCluster.cluster.id;
    await t.gql(ISSUE, { id: clusterId }, me.token);
    await t.gql(REVOKE, { id: clusterId }, me.token);
    const events = await db.system.auditEvent.findMany({ where: { tenantId: me.tenantId, kind: "Cluster" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.verb, e.outcome, e.clusterId])).toEqual([
      ["create", "ALLOWED", clusterId],
      ["issue-registration-token", "ALLOWED", clusterId],
      ["revoke-registration-tokens", "ALLOWED", clusterId],
    ]);

    const viewer = await inviteTeammate(t, me.token, `viewer-${Date.now()}@${me.email.split("@")[1]}`, ["viewer"]);
    const refused = onlyError(await t.gql(CREATE, { name: "not-allowed" }, viewer));
    expect(refused.extensions?.code).toBe("FORBIDDEN");
    expect(await db.system.cluster.count({ where: { tenantId: me.tenantId, name: "not-allowed" } })).toBe(0);
    const refusal = await db.system.auditEvent.findFirst({ where: { tenantId: me.tenantId, kind: "Cluster", outcome: "REFUSED" } });
    expect(refusal?.verb).toBe("create");
  });
});
