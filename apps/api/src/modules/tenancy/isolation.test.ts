import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";

let db: Database;
let t: RunningApi;
let a: ProvisionedTenant;
let b: ProvisionedTenant;
let bCluster: string;
let bSnapshot: unknown;

/** Everything tenant B owns, read as the owner (row-level security does not bind it). */
async function rowsOf(tenantId: string) {
  // cross-tenant: the test inspects B's rows from outside any tenant.
  const where = { tenantId };
  const orderBy = { id: "asc" } as const;
  return {
    tenant: await db.system.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
    users: await db.system.user.findMany({ where, orderBy }),
    memberships: await db.system.membership.findMany({ where, orderBy }),
    accessTokens: (await db.system.accessToken.findMany({ where, orderBy })).map(({ lastUsedAt: _, ...rest }) => rest),
    clusters: await db.system.cluster.findMany({ where, orderBy }),
    registrationTokens: await db.system.registrationToken.findMany({ where, orderBy }),
  };
}

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  const promo = await createPromo(db);
  a = await signUpProvisioned(t, promo.code);
  b = await signUpProvisioned(t, promo.code, { kubernetesDistribution: "AKS" });
  bCluster = (await db.system.cluster.findFirstOrThrow({ where: { tenantId: b.tenantId } })).id;
  bSnapshot = await rowsOf(b.tenantId);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

describe("a token of tenant A, through every query and mutation of signup and clusters", () => {
  it("me: answers A's user and tenant", async () => {
    const res = await t.gql<{ me: { user: { email: string }; tenant: { id: string } } }>(`{ me { user { email } tenant { id } } }`, {}, a.token);
    expect(res.data?.me).toEqual({ user: { email: a.email }, tenant: { id: a.tenantId } });
  });

  it("clusters: lists only A's clusters", async () => {
    const res = await t.gql<{ clusters: { id: string; name: string }[] }>(`{ clusters { id name } }`, {}, a.token);
    const mine = await db.system.cluster.findMany({ where: { tenantId: a.tenantId } });
    expect(res.data?.clusters.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
    expect(res.data?.clusters.map((c) => c.id)).not.toContain(bCluster);
  });

  it("cluster(id of B's cluster): null", async () => {
    const res = await t.gql<{ cluster: unknown }>(`query ($id: ID!) { cluster(id: $id) { id name } }`, { id: bCluster }, a.token);
    expect(res.errors).toBeUndefined();
    expect(res.data?.cluster).toBeNull();
  });

  it("createCluster: creates the cluster in A, even under the name of B's cluster", async () => {
    const res = await t.gql<{ createCluster: { cluster: { id: string } } }>(`mutation { createCluster(name: "aks") { cluster { id } } }`, {}, a.token);
    expect(res.errors).toBeUndefined();
    const created = await db.system.cluster.findUniqueOrThrow({ where: { id: res.data!.createCluster.cluster.id } });
    expect(created.tenantId).toBe(a.tenantId);
    const token = await db.system.registrationToken.findFirstOrThrow({ where: { clusterId: created.id } });
    expect(token.tenantId).toBe(a.tenantId);
  });

  it("issueRegistrationToken(B's cluster): NOT_FOUND", async () => {
    const res = await t.gql(`mutation ($id: ID!) { issueRegistrationToken(clusterId: $id) { token installCommand } }`, { id: bCluster }, a.token);
    expect(onlyError(res).extensions?.code).toBe("NOT_FOUND");
    expect(res.data).toBeNull();
  });

  it("revokeRegistrationTokens(B's cluster): NOT_FOUND", async () => {
    const res = await t.gql(`mutation ($id: ID!) { revokeRegistrationTokens(clusterId: $id) }`, { id: bCluster }, a.token);
    expect(onlyError(res).extensions?.code).toBe("NOT_FOUND");
  });

  it("leaves every row of B as it was", async () => {
    expect(await rowsOf(b.tenantId)).toEqual(bSnapshot);
  });

  it("and B still sees its own cluster and nothing of A's", async () => {
    const res = await t.gql<{ clusters: { id: string }[] }>(`{ clusters { id } }`, {}, b.token);
    expect(res.data?.clusters.map((c) => c.id)).toEqual([bCluster]);
  });
});
