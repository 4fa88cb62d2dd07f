import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { APPLY, createTierEditorRole, data, firstClusterId, inviteTeammate } from "../users/teammates.testing.ts";

// Tenant A's owner, through every query, mutation and subscription of issue 4, aimed at tenant B's things.

let db: Database;
let t: RunningApi;
let a: ProvisionedTenant;
let b: ProvisionedTenant;
let bCluster: string;
let bUser: string;
let bToken: string;
let bRule: string;
let bRole: string;
let bSnapshot: unknown;

const staged = `apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: {name: default.s}\nspec: {order: 1, selector: all(), ingress: [{action: Allow}]}\n`;
const gnp = (n: string) => `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: default.${n}}\nspec: {order: 1, selector: all(), ingress: [{action: Allow}]}\n`;

/** Everything of issue 4 that tenant B owns, read as the database owner. */
async function rowsOf(tenantId: string) {
  // cross-tenant: the test inspects B's rows from outside any tenant.
  const where = { tenantId };
  const orderBy = { id: "asc" } as const;
  return {
    clusters: await db.system.cluster.findMany({ where, orderBy }),
    resources: await db.system.policyResource.findMany({ where, orderBy }),
    versions: await db.system.policyResourceVersion.findMany({ where, orderBy }),
    events: await db.system.auditEvent.findMany({ where, orderBy }),
    roles: await db.system.role.findMany({ where, orderBy }),
    memberships: await db.system.membership.findMany({ where, orderBy }),
    users: await db.system.user.findMany({ where, orderBy }),
    tokens: (await db.system.accessToken.findMany({ where, orderBy })).map(({ lastUsedAt: _, ...rest }) => rest),
    tokenRoles: await db.system.tokenRoleBinding.findMany({ where, orderBy }),
    invitations: await db.system.invitation.findMany({ where, orderBy }),
    alertRules: await db.system.alertRule.findMany({ where, orderBy }),
    deliveries: await db.system.alertDelivery.findMany({ where, orderBy }),
  };
}

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  const promo = await createPromo(db);
  a = await signUpProvisioned(t, promo.code);
  b = await signUpProvisioned(t, promo.code);
  bCluster = await firstClusterId(t, b.token);
  data(await t.gql(APPLY, { c: bCluster, y: [gnp("p"), staged].join("---\n") }, b.token));
  bRole = await createTierEditorRole(t, b.token, "default");
  await inviteTeammate(t, b.token, `b.${hex()}@example-corp.com`, [bRole]);
  bUser = (await db.system.user.findFirstOrThrow({ where: { tenantId: b.tenantId, email: { not: b.email } } })).id;
  bToken = data(await t.gql<{ createAccessToken: { accessToken: { id: string } } }>(`mutation { createAccessToken(name: "ci") { accessToken { id } } }`, {}, b.token)).createAccessToken.accessToken.id;
  bRule = data(await t.gql<{ createAlertRule: { id: string } }>(`mutation { createAlertRule(channel: EMAIL, target: "sec@example-corp.com") { id } }`, {}, b.token)).createAlertRule.id;
  await createTierEditorRole(t, a.token, "default");
  bSnapshot = await rowsOf(b.tenantId);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

const REF = `clusterId: $c, kind: GlobalNetworkPolicy, name: "default.p"`;

describe("the auditEvents subscription of a token of tenant A", () => {
  it("sees nothing of B's changes", async () => {
    const received: unknown[] = [];
    const ws = t.ws(a.token);
    const stop = ws.subscribe({ query: `subscription { auditEvents { name } }` }, { next: (m) => received.push(m.data), error: () => {}, complete: () => {} });
    await new Promise<void>((resolve, reject) => ws.subscribe({ query: `{ version }` }, { next: () => resolve(), error: reject, complete: () => {} }));
    await new Promise((r) => setTimeout(r, 200));
    const probe = `b-probe-${hex()}`;
    data(await t.gql(`mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { name } }`, { c: bCluster, y: gnp(probe) }, b.token));
    // A's own change after B's: once it arrives, B's (published earlier, on the same channel order) would have too.
    const aCluster = await firstClusterId(t, a.token);
    data(await t.gql(`mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { name } }`, { c: aCluster, y: gnp("a-marker") }, a.token));
    const end = Date.now() + 5000;
    while (!received.some((m) => JSON.stringify(m).includes("a-marker")) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    stop();
    await ws.dispose();
    expect(JSON.stringify(received)).toContain("a-marker");
    expect(JSON.stringify(received)).not.toContain(probe);
    // B's probe is B's own change: what A does from here on is compared against B's rows as they are now.
    bSnapshot = await rowsOf(b.tenantId);
  });

});

describe("a token of tenant A, aimed at tenant B's cluster", () => {
  it.each([
    ["tiers", `query ($c: ID!) { tiers(clusterId: $c) { name } }`],
    ["policies", `query ($c: ID!) { policies(clusterId: $c) { totalCount } }`],
    ["policy", `query ($c: ID!) { policy(${REF}) { name } }`],
    ["networkSets", `query ($c: ID!) { networkSets(clusterId: $c) { totalCount } }`],
    ["exportResources", `query ($c: ID!) { exportResources(clusterId: $c) }`],
    ["policyHistory", `query ($c: ID!) { policyHistory(${REF}) { revision } }`],
    ["policyDiff", `query ($c: ID!) { policyDiff(${REF}, fromRevision: 1) }`],
    ["createResource", `mutation ($c: ID!) { createResource(clusterId: $c, yaml: ${JSON.stringify(gnp("x"))}) { name } }`],
    ["updateResource", `mutation ($c: ID!) { updateResource(clusterId: $c, yaml: ${JSON.stringify(gnp("p"))}, revision: 1) { name } }`],
    ["deleteResource", `mutation ($c: ID!) { deleteResource(${REF}) { name } }`],
    ["movePolicy", `mutation ($c: ID!) { movePolicy(${REF}, before: { kind: StagedGlobalNetworkPolicy, name: "default.s" }) { name } }`],
    ["applyResources", `mutation ($c: ID!) { applyResources(clusterId: $c, yaml: ${JSON.stringify(gnp("x"))}) { valid } }`],
    ["applyResources (dry run)", `mutation ($c: ID!) { applyResources(clusterId: $c, yaml: ${JSON.stringify(gnp("x"))}, dryRun: true) { valid } }`],
    ["promoteStagedPolicy", `mutation ($c: ID!) { promoteStagedPolicy(clusterId: $c, kind: StagedGlobalNetworkPolicy, name: "default.s") { staged { name } } }`],
  ])("%s: NOT_FOUND", async (_name, query) => {
    const e = onlyError(await t.gql(query, { c: bCluster }, a.token));
    expect(e.extensions?.code).toBe("NOT_FOUND");
    expect(e.message).toBe(`cluster ${bCluster} not found`);
  });
});

describe("a token of tenant A, through users, roles, tokens and the audit log", () => {
  it.each([
    ["removeUser", `mutation ($id: ID!) { removeUser(userId: $id) }`, () => bUser],
    ["setUserRoles", `mutation ($id: ID!) { setUserRoles(userId: $id, roles: ["viewer"]) }`, () => bUser],
    ["revokeAccessToken", `mutation ($id: ID!) { revokeAccessToken(id: $id) }`, () => bToken],
    ["deleteAlertRule", `mutation ($id: ID!) { deleteAlertRule(id: $id) }`, () => bRule],
  ])("%s(B's): NOT_FOUND", async (_name, query, id) => {
    expect(onlyError(await t.gql(query, { id: id() }, a.token)).extensions?.code).toBe("NOT_FOUND");
  });

  it("deleteRole(a name only B uses): NOT_FOUND", async () => {
    const e = onlyError(await t.gql(`mutation { deleteRole(name: "no-such-role-in-a") }`, {}, a.token));
    expect(e.extensions?.code).toBe("NOT_FOUND");
  });

  it("users, roles, accessTokens, alertRules: only A's", async () => {
    const res = data(
      await t.gql<{ users: Array<{ email: string }>; roles: Array<{ name: string; builtin: boolean }>; accessTokens: Array<{ id: string }>; alertRules: Array<{ id: string }> }>(
        `{ users { email } roles { name builtin } accessTokens { id } alertRules { id } }`,
        {},
        a.token,
      ),
    );
    expect(res.users.map((u) => u.email)).toEqual([a.email]);
    expect(res.roles.filter((r) => !r.builtin).map((r) => r.name)).toEqual(["default-tier-editor"]);
    const aTokens = await db.system.accessToken.findMany({ where: { tenantId: a.tenantId } });
    expect(res.accessTokens.map((x) => x.id).sort()).toEqual(aTokens.map((x) => x.id).sort());
    expect(res.alertRules).toEqual([]);
  });

  it("auditEvents: none of B's, even filtered by B's cluster; verifyAuditChain walks A's chain only", async () => {
    const all = data(await t.gql<{ auditEvents: { edges: Array<{ node: { id: string } }> } }>(`{ auditEvents(first: 500) { edges { node { id } } } }`, {}, a.token)).auditEvents.edges;
    const bIds = new Set((await db.system.auditEvent.findMany({ where: { tenantId: b.tenantId }, select: { id: true } })).map((e) => e.id));
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((e) => bIds.has(e.node.id))).toEqual([]);
    const filtered = data(await t.gql<{ auditEvents: { edges: unknown[] } }>(`query ($c: ID) { auditEvents(filter: { clusterId: $c }) { edges { node { id } } } }`, { c: bCluster }, a.token));
    expect(filtered.auditEvents.edges).toEqual([]);
    const verdict = data(await t.gql<{ verifyAuditChain: { ok: boolean; checked: number } }>(`{ verifyAuditChain { ok checked } }`, {}, a.token)).verifyAuditChain;
    expect(verdict).toEqual({ ok: true, checked: await db.system.auditEvent.count({ where: { tenantId: a.tenantId } }) });
  });

  it("an invitation made in A for B's user's address makes a user of A, never touching B", async () => {
    const bUserEmail = (await db.system.user.findUniqueOrThrow({ where: { id: bUser } })).email;
    await inviteTeammate(t, a.token, bUserEmail, ["viewer"]);
    expect(await db.system.user.count({ where: { tenantId: a.tenantId, email: bUserEmail } })).toBe(1);
  });

  it("leaves every row of B as it was", async () => {
    expect(await rowsOf(b.tenantId)).toEqual(bSnapshot);
  });
});
