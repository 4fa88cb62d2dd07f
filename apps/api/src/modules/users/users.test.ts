import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { createTierEditorRole, data, firstClusterId, inviteTeammate } from "./teammates.testing.ts";

let db: Database;
let t: RunningApi;
let owner: ProvisionedTenant;
let cluster: string;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  owner = await signUpProvisioned(t, (await createPromo(db)).code);
  cluster = await firstClusterId(t, owner.token);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

const email = () => `u.${hex()}@example-corp.com`;
const ME = `{ me { user { email } roles } }`;
const CREATE = `mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { name } }`;
const gnp = (n: string) => `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: default.${n}}\nspec: {order: 1, selector: all(), ingress: [{action: Allow}]}\n`;

async function lastEvent(kind: string) {
  const res = data(await t.gql<{ auditEvents: { edges: Array<{ node: { verb: string; kind: string; name: string; outcome: string; reason: string | null; actor: { display: string } } }> } }>(
    `query ($k: String) { auditEvents(filter: { kind: $k }, first: 1) { edges { node { verb kind name outcome reason actor { display } } } } }`,
    { k: kind },
    owner.token,
  ));
  return res.auditEvents.edges[0]?.node;
}

describe("invitations", () => {
  it("an invited user accepts once and acts with the roles it was bound to", async () => {
    const address = email();
    const invited = data(await t.gql<{ inviteUser: { token: string; roles: string[]; expiresAt: string } }>(`mutation ($e: String!) { inviteUser(email: $e, roleBindings: ["viewer"]) { token roles expiresAt } }`, { e: address }, owner.token)).inviteUser;
    expect(invited.token).toMatch(/^inv_[A-Za-z0-9_-]{40}$/);
    expect(await lastEvent("Invitation")).toMatchObject({ verb: "create", name: address, outcome: "ALLOWED", actor: { display: owner.email } });
    const ACCEPT = `mutation ($t: String!) { acceptInvitation(token: $t, name: "Vi Ewer") { user { email name roles } accessToken } }`;
    const accepted = data(await t.gql<{ acceptInvitation: { user: { email: string; roles: string[] }; accessToken: string } }>(ACCEPT, { t: invited.token })).acceptInvitation;
    expect(accepted.user).toEqual({ email: address, name: "Vi Ewer", roles: ["viewer"] });
    expect(data(await t.gql<{ me: { roles: string[] } }>(ME, {}, accepted.accessToken)).me.roles).toEqual(["viewer"]);
    expect(await lastEvent("User")).toMatchObject({ verb: "create", name: address, actor: { display: address } });

    const again = onlyError(await t.gql(ACCEPT, { t: invited.token }));
    expect([again.extensions?.code, again.message]).toEqual(["BAD_USER_INPUT", "the invitation has already been used"]);
    expect(onlyError(await t.gql(ACCEPT, { t: `inv_${"x".repeat(40)}` })).message).toBe("the invitation token is unknown");

    // A viewer reads policy but writes none, and may not invite.
    expect(data(await t.gql<{ tiers: unknown[] }>(`query ($c: ID!) { tiers(clusterId: $c) { name } }`, { c: cluster }, accepted.accessToken)).tiers).toHaveLength(3);
    const refused = onlyError(await t.gql(CREATE, { c: cluster, y: gnp("by-viewer") }, accepted.accessToken));
    expect(refused.extensions?.code).toBe("FORBIDDEN");
    expect(refused.message).toBe(`user "${address}" cannot create globalnetworkpolicies in tier "default" (user cannot create tier.globalnetworkpolicies in tier "default")`);
    const invite = onlyError(await t.gql(`mutation { inviteUser(email: "x@example-corp.com", roleBindings: ["viewer"]) { token } }`, {}, accepted.accessToken));
    expect(invite.extensions?.code).toBe("FORBIDDEN");
    expect(await lastEvent("Invitation")).toMatchObject({ outcome: "REFUSED", actor: { display: address } });
  });

  it("nobody hands out more than they hold: a network-admin cannot invite an owner, and unknown roles are named", async () => {
    const admin = await inviteTeammate(t, owner.token, email(), ["network-admin", "viewer"]);
    const e = onlyError(await t.gql(`mutation { inviteUser(email: "boss@example-corp.com", roleBindings: ["owner"]) { token } }`, {}, admin));
    expect(e.extensions?.code).toBe("FORBIDDEN");
    const unknown = onlyError(await t.gql(`mutation { inviteUser(email: "x@example-corp.com", roleBindings: ["wizard"]) { token } }`, {}, owner.token));
    expect([unknown.extensions?.code, unknown.message]).toEqual(["BAD_USER_INPUT", `unknown role "wizard"`]);
  });
});

describe("users", () => {
  it("lists users with roles, changes a user's roles at once on every request, and removes a user with its tokens", async () => {
    const address = email();
    const token = await inviteTeammate(t, owner.token, address, ["viewer"]);
    const users = data(await t.gql<{ users: Array<{ id: string; email: string; roles: string[] }> }>(`{ users { id email roles } }`, {}, owner.token)).users;
    const user = users.find((u) => u.email === address)!;
    expect(user.roles).toEqual(["viewer"]);
    expect(users.find((u) => u.email === owner.email)?.roles).toEqual(["owner"]);

    data(await t.gql(`mutation ($id: ID!) { setUserRoles(userId: $id, roles: ["network-admin"]) }`, { id: user.id }, owner.token));
    expect(data(await t.gql<{ me: { roles: string[] } }>(ME, {}, token)).me.roles).toEqual(["network-admin"]);
    data(await t.gql(CREATE, { c: cluster, y: gnp(`by-admin-${hex()}`) }, token));
    expect(await lastEvent("RoleBinding")).toMatchObject({ verb: "update", name: address, outcome: "ALLOWED" });

    const self = data(await t.gql<{ users: Array<{ id: string; email: string }> }>(`{ users { id email } }`, {}, owner.token)).users.find((u) => u.email === owner.email)!;
    expect(onlyError(await t.gql(`mutation ($id: ID!) { removeUser(userId: $id) }`, { id: self.id }, owner.token)).message).toBe("you cannot remove yourself");
    expect(data(await t.gql<{ removeUser: boolean }>(`mutation ($id: ID!) { removeUser(userId: $id) }`, { id: user.id }, owner.token)).removeUser).toBe(true);
    expect(onlyError(await t.gql(ME, {}, token)).extensions?.code).toBe("UNAUTHENTICATED");
    expect(await lastEvent("User")).toMatchObject({ verb: "delete", name: address, outcome: "ALLOWED" });
  });
});

describe("access tokens", () => {
  it("a token bound to a narrower role acts only within it, and revoking it takes effect at once", async () => {
    const editorRole = await createTierEditorRole(t, owner.token, "default");
    const issued = data(
      await t.gql<{ createAccessToken: { token: string; accessToken: { id: string; name: string; roles: string[]; prefix: string } } }>(
        `mutation ($r: [String!]) { createAccessToken(name: "ci pipeline", roles: $r) { token accessToken { id name roles prefix } } }`,
        { r: [editorRole] },
        owner.token,
      ),
    ).createAccessToken;
    expect(issued.accessToken).toMatchObject({ name: "ci pipeline", roles: [editorRole], prefix: issued.token.slice(0, 12) });
    expect(await lastEvent("AccessToken")).toMatchObject({ verb: "create", outcome: "ALLOWED" });

    data(await t.gql(CREATE, { c: cluster, y: gnp(`by-ci-${hex()}`) }, issued.token));
    data(await t.gql(CREATE, { c: cluster, y: "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: ops}\nspec: {order: 5}\n" }, owner.token));
    const outside = onlyError(await t.gql(CREATE, { c: cluster, y: "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: ops.x}\nspec: {tier: ops, selector: all()}\n" }, issued.token));
    expect(outside.message).toBe(`user "${owner.email}" cannot create globalnetworkpolicies in tier "ops" (user cannot get tier)`);
    expect(onlyError(await t.gql(`mutation { inviteUser(email: "x@example-corp.com", roleBindings: ["viewer"]) { token } }`, {}, issued.token)).extensions?.code).toBe("FORBIDDEN");

    const listed = data(await t.gql<{ accessTokens: Array<{ id: string; roles: string[]; revokedAt: string | null }> }>(`{ accessTokens { id roles revokedAt } }`, {}, owner.token)).accessTokens;
    expect(listed.find((x) => x.id === issued.accessToken.id)).toEqual({ id: issued.accessToken.id, roles: [editorRole], revokedAt: null });

    expect(data(await t.gql<{ revokeAccessToken: boolean }>(`mutation ($id: ID!) { revokeAccessToken(id: $id) }`, { id: issued.accessToken.id }, owner.token)).revokeAccessToken).toBe(true);
    expect(onlyError(await t.gql(ME, {}, issued.token)).message).toBe("the access token has been revoked");
    expect(await lastEvent("AccessToken")).toMatchObject({ verb: "delete", outcome: "ALLOWED" });
  });

  it("a tier editor cannot mint a token bound to roles it does not hold", async () => {
    const editor = await inviteTeammate(t, owner.token, email(), [await createTierEditorRole(t, owner.token, `t${hex()}`)]);
    const e = onlyError(await t.gql(`mutation { createAccessToken(name: "escalate", roles: ["owner"]) { token } }`, {}, editor));
    expect(e.extensions?.code).toBe("FORBIDDEN");
    expect(e.message).toContain("cannot grant owner");
  });
});
