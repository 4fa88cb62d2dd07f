// Test support: teammates joining a tenant the way users do, through GraphQL only.
import { readFileSync } from "node:fs";
import type { RunningApi } from "../../../test/api-harness.ts";
import type { GraphqlResponse } from "../../../test/graphql-client.ts";

export function data<T>(res: GraphqlResponse<T>): T {
  if (res.errors || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../policies/fixtures/${name}`, import.meta.url), "utf8");
}

/** Calico's tier-editor pattern as a role: get the tier, every verb on its policies, read network sets. */
export async function createTierEditorRole(t: RunningApi, ownerToken: string, tier: string): Promise<string> {
  const name = `${tier}-tier-editor`;
  const rules = [
    { verbs: ["get"], resources: ["tiers"], tiers: [tier] },
    {
      verbs: ["get", "list", "watch", "create", "update", "delete"],
      resources: ["tier.networkpolicies", "tier.globalnetworkpolicies", "tier.stagednetworkpolicies", "tier.stagedglobalnetworkpolicies", "tier.stagedkubernetesnetworkpolicies"],
      tiers: [tier],
    },
    { verbs: ["get", "list", "watch"], resources: ["networksets", "globalnetworksets", "clusters", "auditevents"] },
  ];
  data(await t.gql(`mutation ($name: String!, $rules: [RoleRuleInput!]!) { createRole(name: $name, rules: $rules) { name } }`, { name, rules }, ownerToken));
  return name;
}

/** Invites `email` with the roles and accepts the invitation; answers the new user's access token. */
export async function inviteTeammate(t: RunningApi, ownerToken: string, email: string, roles: string[]): Promise<string> {
  const invited = data(
    await t.gql<{ inviteUser: { token: string } }>(`mutation ($e: String!, $r: [String!]!) { inviteUser(email: $e, roleBindings: $r) { token } }`, { e: email, r: roles }, ownerToken),
  );
  const accepted = data(
    await t.gql<{ acceptInvitation: { accessToken: string } }>(`mutation ($t: String!) { acceptInvitation(token: $t) { accessToken } }`, { t: invited.inviteUser.token }),
  );
  return accepted.acceptInvitation.accessToken;
}

export const APPLY = `mutation ($c: ID!, $y: String!, $d: Boolean) {
  applyResources(clusterId: $c, yaml: $y, dryRun: $d) { valid dryRun results { document kind namespace name status revision errors { path message } } }
}`;

export interface ApplyView {
  valid: boolean;
  dryRun: boolean;
  results: Array<{ document: number; kind: string | null; namespace: string | null; name: string | null; status: string; revision: number | null; errors: Array<{ path: string; message: string }> }>;
}

export async function firstClusterId(t: RunningApi, token: string): Promise<string> {
  return data(await t.gql<{ clusters: Array<{ id: string }> }>(`{ clusters { id } }`, {}, token)).clusters[0]!.id;
}
