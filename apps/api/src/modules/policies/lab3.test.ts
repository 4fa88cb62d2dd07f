import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { APPLY, createTierEditorRole, data, firstClusterId, fixture, inviteTeammate, type ApplyView } from "../users/teammates.testing.ts";

// Lab 3 of the storefront scenario, through GraphQL only: the platform team's environment is in place; a
// default-tier editor creates the zone policies and is refused the PCI policy; a security-tier editor creates it;
// the trusted zone's egress is edited, and the change log shows each version's YAML and the diff.

let db: Database;
let t: RunningApi;
let owner: ProvisionedTenant;
let cluster: string;
let alice: string; // may edit the default tier only
let bob: string; // may edit the security tier
const aliceEmail = `alice.${hex()}@example-corp.com`;
const bobEmail = `bob.${hex()}@example-corp.com`;
const live: Array<{ verb: string; kind: string; name: string | null; outcome: string; actor: { display: string } }> = [];
let unsubscribe: () => void = () => {};

const EVENT_FIELDS = `id seq verb kind name tier namespace outcome reason revision beforeYaml afterYaml actor { display }`;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  owner = await signUpProvisioned(t, (await createPromo(db)).code);
  cluster = await firstClusterId(t, owner.token);
  const environment = data(await t.gql<{ applyResources: ApplyView }>(APPLY, { c: cluster, y: fixture("01-environment.yaml") }, owner.token));
  expect(environment.applyResources.valid).toBe(true);
  alice = await inviteTeammate(t, owner.token, aliceEmail, [await createTierEditorRole(t, owner.token, "default")]);
  bob = await inviteTeammate(t, owner.token, bobEmail, [await createTierEditorRole(t, owner.token, "security")]);

  // The owner watches the change log live while the lab runs.
  const ws = t.ws(owner.token);
  await new Promise<void>((resolve, reject) => {
    let subscribed = false;
    unsubscribe = ws.subscribe<{ auditEvents: (typeof live)[number] }>(
      { query: `subscription ($c: ID) { auditEvents(filter: { clusterId: $c }) { verb kind name outcome actor { display } } }`, variables: { c: cluster } },
      { next: (m) => m.data && live.push(m.data.auditEvents), error: reject, complete: () => {} },
    );
    ws.on("connected", () => {
      subscribed = true;
      // graphql-ws has no "subscribed" acknowledgement; a round trip on the same socket follows the subscribe.
      ws.subscribe({ query: `{ version }` }, { next: () => resolve(), error: reject, complete: () => {} });
    });
    setTimeout(() => !subscribed && reject(new Error("the subscription did not connect")), 5000);
  });
  // Wait for the server to have subscribed to Redis: an event published now must reach us.
  await new Promise((r) => setTimeout(r, 200));
});

afterAll(async () => {
  unsubscribe();
  await t?.stop();
  await db?.close();
});

async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("lab 3: tiered policy by two users of different rights", () => {
  it("a new cluster starts with the built-in tiers, and the lab's tiers sit before default", async () => {
    const res = data(await t.gql<{ tiers: Array<{ name: string; order: number; defaultAction: string }> }>(`query ($c: ID!) { tiers(clusterId: $c) { name order defaultAction } }`, { c: cluster }, owner.token));
    expect(res.tiers).toEqual([
      { name: "security", order: 100, defaultAction: "Deny" },
      { name: "platform", order: 200, defaultAction: "Deny" },
      { name: "kube-admin", order: 1000, defaultAction: "Pass" },
      { name: "default", order: 1_000_000, defaultAction: "Deny" },
      { name: "kube-baseline", order: 10_000_000, defaultAction: "Pass" },
    ]);
  });

  it("the default-tier editor creates the zone policies", async () => {
    const res = data(await t.gql<{ applyResources: ApplyView }>(APPLY, { c: cluster, y: fixture("20-lab3-zones.yaml") }, alice));
    expect(res.applyResources.valid).toBe(true);
    expect(res.applyResources.results.map((r) => [r.document, r.kind, r.namespace, r.name, r.status, r.revision])).toEqual([
      [0, "NetworkPolicy", "storefront", "default.dmz", "CREATED", 1],
      [1, "NetworkPolicy", "storefront", "default.trusted", "CREATED", 1],
      [2, "NetworkPolicy", "storefront", "default.restricted", "CREATED", 1],
    ]);
  });

  it("and is refused the PCI policy in the security tier, with Calico's message, and nothing is stored", async () => {
    const res = await t.gql(APPLY, { c: cluster, y: fixture("30-lab3-pci-whitelist.yaml") }, alice);
    const e = onlyError(res);
    expect(e.extensions?.code).toBe("FORBIDDEN");
    expect(e.message).toBe(`user "${aliceEmail}" cannot create globalnetworkpolicies in tier "security" (user cannot get tier)`);
    const single = await t.gql(`mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { name } }`, { c: cluster, y: fixture("30-lab3-pci-whitelist.yaml") }, alice);
    expect(onlyError(single).extensions?.code).toBe("FORBIDDEN");
    const policy = data(await t.gql<{ policy: unknown }>(`query ($c: ID!) { policy(clusterId: $c, kind: GlobalNetworkPolicy, name: "security.pci-whitelist") { name } }`, { c: cluster }, owner.token));
    expect(policy.policy).toBeNull();
  });

  it("a security-tier editor creates it", async () => {
    const res = data(await t.gql<{ applyResources: ApplyView }>(APPLY, { c: cluster, y: fixture("30-lab3-pci-whitelist.yaml") }, bob));
    expect(res.applyResources.results.map((r) => [r.kind, r.name, r.status])).toEqual([["GlobalNetworkPolicy", "security.pci-whitelist", "CREATED"]]);
  });

  it("each editor lists only the policies of the tiers it may see, in evaluation order; the owner sees all", async () => {
    const LIST = `query ($c: ID!) { policies(clusterId: $c) { totalCount edges { node { name tier order } } } }`;
    const names = async (token: string) => data(await t.gql<{ policies: { edges: Array<{ node: { name: string } }> } }>(LIST, { c: cluster }, token)).policies.edges.map((e) => e.node.name);
    expect(await names(owner.token)).toEqual([
      "security.pci-whitelist",
      "security.pass",
      "platform.logging",
      "platform.allow-kube-dns",
      "platform.pass",
      "default.dmz",
      "default.trusted",
      "default.restricted",
    ]);
    expect(await names(alice)).toEqual(["default.dmz", "default.trusted", "default.restricted"]);
    expect(await names(bob)).toEqual(["security.pci-whitelist", "security.pass"]);
  });

  it("an edit of trusted's egress gives revision 2; a stale revision is a CONFLICT naming the current one", async () => {
    const UPDATE = `mutation ($c: ID!, $y: String!, $r: Int!) { updateResource(clusterId: $c, yaml: $y, revision: $r) { name revision selector yaml } }`;
    const current = data(await t.gql<{ policy: { yaml: string; revision: number } }>(`query ($c: ID!) { policy(clusterId: $c, kind: NetworkPolicy, namespace: "storefront", name: "default.trusted") { yaml revision } }`, { c: cluster }, alice)).policy;
    expect(current.revision).toBe(1);
    const edited = current.yaml.replace("selector: fw-zone == 'restricted'", "selector: fw-zone == 'restricted' || app == 'logging'");
    expect(edited).not.toBe(current.yaml);
    const res = data(await t.gql<{ updateResource: { revision: number; yaml: string } }>(UPDATE, { c: cluster, y: edited, r: 1 }, alice));
    expect(res.updateResource.revision).toBe(2);
    expect(res.updateResource.yaml).toContain("fw-zone == 'restricted' || app == 'logging'");

    const stale = onlyError(await t.gql(UPDATE, { c: cluster, y: edited, r: 1 }, alice));
    expect(stale.extensions?.code).toBe("CONFLICT");
    expect(stale.extensions?.currentRevision).toBe(2);
    expect(stale.message).toContain("revision 2");
  });

  it("the history holds each version's full YAML, and the diff is git-style", async () => {
    const H = `query ($c: ID!) { policyHistory(clusterId: $c, kind: NetworkPolicy, namespace: "storefront", name: "default.trusted") { revision yaml verb actor } }`;
    const history = data(await t.gql<{ policyHistory: Array<{ revision: number; yaml: string; verb: string; actor: string }> }>(H, { c: cluster }, owner.token)).policyHistory;
    expect(history.map((v) => [v.revision, v.verb, v.actor])).toEqual([
      [1, "apply", aliceEmail],
      [2, "update", aliceEmail],
    ]);
    expect(history[0]!.yaml).toContain("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: default.trusted\n  namespace: storefront\n");
    expect(history[0]!.yaml).not.toContain("app == 'logging'");
    expect(history[1]!.yaml).toContain("app == 'logging'");

    const D = `query ($c: ID!) { policyDiff(clusterId: $c, kind: NetworkPolicy, namespace: "storefront", name: "default.trusted", fromRevision: 1, toRevision: 2) }`;
    const diff = data(await t.gql<{ policyDiff: string }>(D, { c: cluster }, owner.token)).policyDiff;
    expect(diff).toContain("--- a/NetworkPolicy/storefront/default.trusted.yaml\trevision 1\n+++ b/NetworkPolicy/storefront/default.trusted.yaml\trevision 2\n");
    expect(diff).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(diff).toMatch(/^-\s+selector: fw-zone == 'restricted'$/m);
    expect(diff).toMatch(/^\+\s+selector: fw-zone == 'restricted' \|\| app == 'logging'$/m);
  });

  it("the audit log holds every change and the refusals, with actor, YAML and revision", async () => {
    const Q = `query ($c: ID!) { auditEvents(filter: { clusterId: $c }, first: 100) { edges { node { ${EVENT_FIELDS} } } } }`;
    const events = data(await t.gql<{ auditEvents: { edges: Array<{ node: { seq: number; verb: string; kind: string; name: string | null; tier: string | null; outcome: string; reason: string | null; revision: number | null; beforeYaml: string | null; afterYaml: string | null; actor: { display: string } } }> } }>(Q, { c: cluster }, owner.token))
      .auditEvents.edges.map((e) => e.node)
      .reverse();
    const lab = events.filter((e) => e.actor.display !== owner.email);
    expect(lab.map((e) => [e.actor.display, e.verb, e.kind, e.name, e.outcome])).toEqual([
      [aliceEmail, "apply", "NetworkPolicy", "default.dmz", "ALLOWED"],
      [aliceEmail, "apply", "NetworkPolicy", "default.trusted", "ALLOWED"],
      [aliceEmail, "apply", "NetworkPolicy", "default.restricted", "ALLOWED"],
      [aliceEmail, "apply", "Resources", null, "REFUSED"],
      [aliceEmail, "create", "GlobalNetworkPolicy", "security.pci-whitelist", "REFUSED"],
      [bobEmail, "apply", "GlobalNetworkPolicy", "security.pci-whitelist", "ALLOWED"],
      [aliceEmail, "update", "NetworkPolicy", "default.trusted", "ALLOWED"],
      [aliceEmail, "update", "NetworkPolicy", "default.trusted", "REFUSED"],
    ]);
    expect(lab[3]!.reason).toBe(`FORBIDDEN: user "${aliceEmail}" cannot create globalnetworkpolicies in tier "security" (user cannot get tier)`);
    expect(lab[6]).toMatchObject({ revision: 2, tier: "default" });
    expect(lab[6]!.beforeYaml).not.toContain("app == 'logging'");
    expect(lab[6]!.afterYaml).toContain("app == 'logging'");
    expect(lab[7]!.reason).toMatch(/^CONFLICT: .*revision 2/);
    expect(data(await t.gql<{ verifyAuditChain: { ok: boolean } }>(`{ verifyAuditChain { ok } }`, {}, owner.token)).verifyAuditChain.ok).toBe(true);
  });

  it("the default-tier editor's own log view leaves out the security tier's events", async () => {
    const Q = `query ($c: ID!) { auditEvents(filter: { clusterId: $c }, first: 100) { edges { node { name tier outcome } } } }`;
    const seen = data(await t.gql<{ auditEvents: { edges: Array<{ node: { tier: string | null } }> } }>(Q, { c: cluster }, alice)).auditEvents.edges.map((e) => e.node.tier);
    expect(seen).not.toContain("security");
    expect(seen).toContain("default");
  });

  it("the owner's subscriber saw each change live", async () => {
    await until(() => live.length >= 8);
    const lab = live.filter((e) => e.actor.display !== owner.email).map((e) => [e.actor.display, e.verb, e.name, e.outcome]);
    expect(lab).toEqual([
      [aliceEmail, "apply", "default.dmz", "ALLOWED"],
      [aliceEmail, "apply", "default.trusted", "ALLOWED"],
      [aliceEmail, "apply", "default.restricted", "ALLOWED"],
      [aliceEmail, "apply", null, "REFUSED"],
      [aliceEmail, "create", "security.pci-whitelist", "REFUSED"],
      [bobEmail, "apply", "security.pci-whitelist", "ALLOWED"],
      [aliceEmail, "update", "default.trusted", "ALLOWED"],
      [aliceEmail, "update", "default.trusted", "REFUSED"],
    ]);
  });
});
