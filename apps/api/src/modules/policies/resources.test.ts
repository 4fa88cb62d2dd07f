import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { APPLY, data, type ApplyView } from "../users/teammates.testing.ts";

let db: Database;
let t: RunningApi;
let owner: ProvisionedTenant;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  owner = await signUpProvisioned(t, (await createPromo(db)).code);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

async function newCluster(): Promise<string> {
  const res = data(await t.gql<{ createCluster: { cluster: { id: string } } }>(`mutation ($n: String!) { createCluster(name: $n) { cluster { id } } }`, { n: `c-${hex()}` }, owner.token));
  return res.createCluster.cluster.id;
}

const gql = <T = Record<string, unknown>>(q: string, v: Record<string, unknown> = {}) => t.gql<T>(q, v, owner.token);
const desiredRevision = async (id: string) => (await db.system.cluster.findUniqueOrThrow({ where: { id } })).desiredRevision;
const rowCount = (clusterId: string) => db.system.policyResource.count({ where: { clusterId } });

const policy = (name: string, order?: number, tier = "default", extra = "") => `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: ${name}}
spec:
  tier: ${tier}
${order === undefined ? "" : `  order: ${order}\n`}  selector: app == '${name}'
  ingress: [{action: Allow}]
${extra}`;

const CREATE = `mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { kind name tier order revision yaml } }`;
const NAMES = `query ($c: ID!, $f: PolicyFilter, $n: Int, $a: String) { policies(clusterId: $c, filter: $f, first: $n, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { name order revision } } } }`;

type Conn = { policies: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { name: string; order: number | null; revision: number } }> } };
const names = async (c: string, f: Record<string, unknown> = {}) => data(await gql<Conn>(NAMES, { c, f })).policies.edges.map((e) => e.node.name);

describe("tiers", () => {
  it("built-in tiers cannot be deleted; a tier holding policies cannot be deleted; an empty one can", async () => {
    const c = await newCluster();
    const DEL = `mutation ($c: ID!, $n: String!) { deleteResource(clusterId: $c, kind: Tier, name: $n) { name } }`;
    for (const builtin of ["default", "kube-admin", "kube-baseline"]) {
      const e = onlyError(await gql(DEL, { c, n: builtin }));
      expect(e.extensions?.code).toBe("BAD_USER_INPUT");
      expect(e.message).toBe(`tier "${builtin}" is built in and cannot be deleted`);
    }
    data(await gql(CREATE, { c, y: "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n" }));
    data(await gql(CREATE, { c, y: policy("security.a", 10, "security") }));
    const held = onlyError(await gql(DEL, { c, n: "security" }));
    expect(held.extensions?.code).toBe("CONFLICT");
    expect(held.message).toContain(`tier "security" holds 1 policy`);
    data(await gql(`mutation ($c: ID!) { deleteResource(clusterId: $c, kind: GlobalNetworkPolicy, name: "security.a") { name } }`, { c }));
    expect(data(await gql<{ deleteResource: { name: string } }>(DEL, { c, n: "security" })).deleteResource.name).toBe("security");
  });

  it("a policy naming a tier the cluster lacks is refused on spec.tier, storing nothing", async () => {
    const c = await newCluster();
    const before = await rowCount(c);
    const e = onlyError(await gql(CREATE, { c, y: policy("nowhere.p", 1, "nowhere") }));
    expect(e.extensions?.code).toBe("BAD_USER_INPUT");
    expect(e.message).toBe(`spec.tier: tier "nowhere" does not exist in this cluster`);
    expect(await rowCount(c)).toBe(before);
  });
});

describe("create, update, delete", () => {
  it("creates with revision 1 and YAML that round-trips; a second create is a CONFLICT; every change advances the cluster's desired revision", async () => {
    const c = await newCluster();
    const r0 = await desiredRevision(c);
    const res = data(await gql<{ createResource: { kind: string; name: string; tier: string; order: number; revision: number; yaml: string } }>(CREATE, { c, y: policy("p1", 5) }));
    expect(res.createResource).toMatchObject({ kind: "GlobalNetworkPolicy", name: "default.p1", tier: "default", order: 5, revision: 1 });
    expect(res.createResource.yaml).toBe(
      "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: default.p1\nspec:\n  tier: default\n  order: 5\n  selector: app == 'p1'\n  ingress:\n    - action: Allow\n  types:\n    - Ingress\n",
    );
    expect(await desiredRevision(c)).toBe(r0 + 1n);
    expect(onlyError(await gql(CREATE, { c, y: policy("p1", 5) })).extensions?.code).toBe("CONFLICT");
    expect(await desiredRevision(c)).toBe(r0 + 1n);
  });

  it("invalid input is BAD_USER_INPUT naming the document and path, and stores nothing", async () => {
    const c = await newCluster();
    const before = await rowCount(c);
    const e = onlyError(await gql(CREATE, { c, y: policy("bad", 1).replace("app == 'bad'", "app == ") }));
    expect(e.extensions?.code).toBe("BAD_USER_INPUT");
    expect(e.message).toMatch(/^the resource is invalid: document 0 at spec\.selector: /);
    expect(e.extensions?.errors).toEqual([expect.objectContaining({ document: 0, path: "spec.selector" })]);
    expect(await rowCount(c)).toBe(before);
  });

  it("update needs the current revision; delete with a stale revision is a CONFLICT; delete then re-create continues the revisions", async () => {
    const c = await newCluster();
    data(await gql(CREATE, { c, y: policy("p", 1) }));
    const UPD = `mutation ($c: ID!, $y: String!, $r: Int!) { updateResource(clusterId: $c, yaml: $y, revision: $r) { revision order } }`;
    expect(data(await gql<{ updateResource: { revision: number; order: number } }>(UPD, { c, y: policy("p", 2), r: 1 })).updateResource).toEqual({ revision: 2, order: 2 });
    const stale = onlyError(await gql(UPD, { c, y: policy("p", 3), r: 1 }));
    expect([stale.extensions?.code, stale.extensions?.currentRevision]).toEqual(["CONFLICT", 2]);
    const DEL = `mutation ($c: ID!, $r: Int) { deleteResource(clusterId: $c, kind: GlobalNetworkPolicy, name: "default.p", revision: $r) { revision } }`;
    expect(onlyError(await gql(DEL, { c, r: 1 })).extensions?.code).toBe("CONFLICT");
    data(await gql(DEL, { c, r: 2 }));
    expect(data(await gql<{ policy: unknown }>(`query ($c: ID!) { policy(clusterId: $c, kind: GlobalNetworkPolicy, name: "p") { name } }`, { c })).policy).toBeNull();
    expect(data(await gql<{ createResource: { revision: number } }>(CREATE, { c, y: policy("p", 1) })).createResource.revision).toBe(4);
    const history = data(await gql<{ policyHistory: Array<{ revision: number; verb: string; yaml: string | null }> }>(`query ($c: ID!) { policyHistory(clusterId: $c, kind: GlobalNetworkPolicy, name: "default.p") { revision verb yaml } }`, { c })).policyHistory;
    expect(history.map((h) => [h.revision, h.verb, h.yaml === null])).toEqual([
      [1, "create", false],
      [2, "update", false],
      [3, "delete", true],
      [4, "create", false],
    ]);
  });

  it("a bare Calico policy name means the default tier's, as in Calico", async () => {
    const c = await newCluster();
    data(await gql(CREATE, { c, y: policy("bare", 1) }));
    const got = data(await gql<{ policy: { name: string } }>(`query ($c: ID!) { policy(clusterId: $c, kind: GlobalNetworkPolicy, name: "bare") { name } }`, { c }));
    expect(got.policy.name).toBe("default.bare");
  });
});

describe("listing", () => {
  it("pages through policies in evaluation order with cursors, filtered by tier, kind, staged and search", async () => {
    const c = await newCluster();
    const yaml = [
      "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: first}\nspec: {order: 10}\n",
      policy("first.z", 1, "first"),
      policy("first.unordered", undefined, "first"),
      policy("d3", 3),
      policy("d1", 1),
      policy("d2", 2),
      "apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: staged, namespace: shop}\nspec: {order: 2.5, selector: all(), ingress: [{action: Deny}]}\n",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k8s, namespace: shop}\nspec: {podSelector: {}}\n",
    ].join("---\n");
    expect(data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: yaml })).applyResources.valid).toBe(true);
    const all = ["first.z", "first.unordered", "default.d1", "default.d2", "default.staged", "default.d3", "k8s"];
    expect(await names(c)).toEqual(all);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Conn["policies"] = data(await gql<Conn>(NAMES, { c, n: 3, a: after })).policies;
      expect(page.totalCount).toBe(7);
      seen.push(...page.edges.map((e) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);

    expect(await names(c, { tier: "first" })).toEqual(["first.z", "first.unordered"]);
    expect(await names(c, { staged: true })).toEqual(["default.staged"]);
    expect(await names(c, { kind: "KubernetesNetworkPolicy" })).toEqual(["k8s"]);
    expect(await names(c, { search: "D2" })).toEqual(["default.d2"]);
    expect(await names(c, { namespace: "shop", staged: false })).toEqual(["k8s"]);
    expect(onlyError(await gql(NAMES, { c, a: "not-a-cursor" })).extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("networkSets", () => {
  it("lists namespaced and global network sets by kind, namespace and name, with their nets", async () => {
    const c = await newCluster();
    const sets = [
      "apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata: {name: partners, namespace: shop}\nspec: {nets: [192.0.2.0/24]}\n",
      "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: public, labels: {type: public}}\nspec: {nets: [198.51.100.0/24]}\n",
      "apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata: {name: admins, namespace: shop}\nspec: {nets: [203.0.113.0/24]}\n",
    ];
    data(await gql(APPLY, { c, y: sets.join("---\n") }));
    const Q = `query ($c: ID!, $f: NetworkSetFilter) { networkSets(clusterId: $c, filter: $f) { totalCount edges { node { kind namespace name tier nets labels } } } }`;
    type R = { networkSets: { totalCount: number; edges: Array<{ node: { kind: string; namespace: string | null; name: string; nets: string[] } }> } };
    const all = data(await gql<R>(Q, { c })).networkSets;
    expect(all.edges.map((e) => [e.node.kind, e.node.namespace, e.node.name])).toEqual([
      ["GlobalNetworkSet", null, "public"],
      ["NetworkSet", "shop", "admins"],
      ["NetworkSet", "shop", "partners"],
    ]);
    expect(all.edges[0]!.node).toMatchObject({ tier: null, nets: ["198.51.100.0/24"], labels: { type: "public" } });
    expect(data(await gql<R>(Q, { c, f: { kind: "NetworkSet", search: "adm" } })).networkSets.edges.map((e) => e.node.name)).toEqual(["admins"]);
  });
});

describe("move", () => {
  it("moves a policy before or after another of its tier, renumbering the tier when there is no room", async () => {
    const c = await newCluster();
    data(await gql(APPLY, { c, y: [policy("a", 100), policy("b", 200), policy("c", 200.0000001), policy("x", 50, "kube-admin")].join("---\n") }));
    const MOVE = `mutation ($c: ID!, $n: String!, $before: ResourceRefInput, $after: ResourceRefInput) { movePolicy(clusterId: $c, kind: GlobalNetworkPolicy, name: $n, before: $before, after: $after) { name order revision } }`;
    const ref = (name: string) => ({ kind: "GlobalNetworkPolicy", name });
    const moved = data(await gql<{ movePolicy: { order: number; revision: number } }>(MOVE, { c, n: "default.c", before: ref("default.a") })).movePolicy;
    expect(moved).toEqual({ name: "default.c", order: 50, revision: 2 });
    expect(await names(c, { tier: "default" })).toEqual(["default.c", "default.a", "default.b"]);

    data(await gql(MOVE, { c, n: "default.c", after: ref("default.b") }));
    expect(await names(c, { tier: "default" })).toEqual(["default.a", "default.b", "default.c"]);

    // b and c are 100 apart; a between them at 250: fine. Now force a renumbering: c before b when b sits right after a.
    data(await gql(`mutation ($c: ID!, $y: String!) { updateResource(clusterId: $c, yaml: $y, revision: 1) { name } }`, { c, y: policy("b", 100) }));
    data(await gql(MOVE, { c, n: "default.c", before: ref("default.b") }));
    const orders = data(await gql<Conn>(NAMES, { c, f: { tier: "default" } })).policies.edges.map((e) => [e.node.name, e.node.order]);
    expect(orders).toEqual([
      ["default.a", 100],
      ["default.c", 200],
      ["default.b", 300],
    ]);

    const other = onlyError(await gql(MOVE, { c, n: "default.a", before: { kind: "GlobalNetworkPolicy", name: "kube-admin.x" } }));
    expect(other.extensions?.code).toBe("BAD_USER_INPUT");
    expect(other.message).toContain(`is not a policy of tier "default"`);
  });
});

describe("applyResources", () => {
  const env = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 200}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: public, labels: {type: public}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ignored}
---
${policy("platform.pass", 10000, "platform")}`;

  it("answers per document and writes nothing on a dry run", async () => {
    const c = await newCluster();
    const before = await rowCount(c);
    const r0 = await desiredRevision(c);
    const res = data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: env, d: true })).applyResources;
    expect(res).toMatchObject({ valid: true, dryRun: true });
    expect(res.results.map((r) => [r.document, r.kind, r.name, r.status])).toEqual([
      [0, "Tier", "platform", "CREATED"],
      [1, "GlobalNetworkSet", "public", "CREATED"],
      [3, "GlobalNetworkPolicy", "platform.pass", "CREATED"],
    ]);
    expect(await rowCount(c)).toBe(before);
    expect(await desiredRevision(c)).toBe(r0);
  });

  it("creates, then answers UNCHANGED for the same YAML and UPDATED for a change", async () => {
    const c = await newCluster();
    expect(data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: env })).applyResources.results.map((r) => r.status)).toEqual(["CREATED", "CREATED", "CREATED"]);
    expect(data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: env })).applyResources.results.map((r) => r.status)).toEqual(["UNCHANGED", "UNCHANGED", "UNCHANGED"]);
    const changed = data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: env.replace("198.51.100.0/24", "198.51.100.0/25") })).applyResources;
    expect(changed.results.map((r) => [r.name, r.status, r.revision])).toEqual([
      ["platform", "UNCHANGED", 1],
      ["public", "UPDATED", 2],
      ["platform.pass", "UNCHANGED", 1],
    ]);
  });

  it("writes nothing unless every document is valid, naming each bad document and path", async () => {
    const c = await newCluster();
    const before = await rowCount(c);
    const bad = `${env}\n---\n${policy("broken", 1).replace("action: Allow", "action: Maybe")}---\n${policy("orphan.p", 1, "orphan")}---\nkey: [unclosed\n`;
    const res = data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: bad })).applyResources;
    expect(res.valid).toBe(false);
    const invalid = res.results.filter((r) => r.status === "INVALID");
    expect(invalid.map((r) => [r.document, r.errors[0]?.path])).toEqual([
      [4, "spec.ingress[0].action"],
      [5, "spec.tier"],
      [6, ""],
    ]);
    expect(await rowCount(c)).toBe(before);
    const refusal = await db.system.auditEvent.findFirstOrThrow({ where: { clusterId: c, outcome: "REFUSED" } });
    expect(refusal.reason).toMatch(/^BAD_USER_INPUT: documents? .* invalid; nothing was applied$/);
  });

  it("exportResources gives YAML that applies back unchanged", async () => {
    const c = await newCluster();
    data(await gql(APPLY, { c, y: env }));
    const exported = data(await gql<{ exportResources: string }>(`query ($c: ID!) { exportResources(clusterId: $c) }`, { c })).exportResources;
    expect(exported.split("---\n").length).toBe(3 + 3);
    const c2 = await newCluster();
    const into = data(await gql<{ applyResources: ApplyView }>(APPLY, { c: c2, y: exported })).applyResources;
    // Tiers first in evaluation order (platform before the built-in ones the new cluster already has), then sets, then policies.
    expect(into.results.map((r) => [r.name, r.status])).toEqual([
      ["platform", "CREATED"],
      ["kube-admin", "UNCHANGED"],
      ["default", "UNCHANGED"],
      ["kube-baseline", "UNCHANGED"],
      ["public", "CREATED"],
      ["platform.pass", "CREATED"],
    ]);
    expect(data(await gql<{ applyResources: ApplyView }>(APPLY, { c, y: exported })).applyResources.results.every((r) => r.status === "UNCHANGED")).toBe(true);
  });
});

describe("promoteStagedPolicy", () => {
  const PROMOTE = `mutation ($c: ID!, $k: ResourceKind!, $ns: String, $n: String!) { promoteStagedPolicy(clusterId: $c, kind: $k, namespace: $ns, name: $n) { staged { name } enforced { kind name namespace revision yaml } } }`;

  it("Set creates (then replaces) the enforced policy and removes the staged one", async () => {
    const c = await newCluster();
    const staged = (sel: string) => `apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec: {order: 5, selector: ${sel}, ingress: [{action: Allow}]}\n`;
    data(await gql(CREATE, { c, y: staged("app == 'web'") }));
    const first = data(await gql<{ promoteStagedPolicy: { enforced: { kind: string; name: string; revision: number; yaml: string } } }>(PROMOTE, { c, k: "StagedNetworkPolicy", ns: "shop", n: "default.web" })).promoteStagedPolicy;
    expect(first.enforced).toMatchObject({ kind: "NetworkPolicy", name: "default.web", namespace: "shop", revision: 1 });
    expect(first.enforced.yaml).not.toContain("stagedAction");
    expect(await names(c, { staged: true })).toEqual([]);
    data(await gql(CREATE, { c, y: staged("app == 'web2'") }));
    const second = data(await gql<{ promoteStagedPolicy: { enforced: { revision: number; yaml: string } } }>(PROMOTE, { c, k: "StagedNetworkPolicy", ns: "shop", n: "web" })).promoteStagedPolicy;
    expect(second.enforced.revision).toBe(2);
    expect(second.enforced.yaml).toContain("app == 'web2'");
  });

  it("Delete deletes the enforced Kubernetes policy and the staged one", async () => {
    const c = await newCluster();
    data(await gql(CREATE, { c, y: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec: {podSelector: {}}\n" }));
    data(await gql(CREATE, { c, y: "apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec: {stagedAction: Delete}\n" }));
    const res = data(await gql<{ promoteStagedPolicy: { enforced: unknown } }>(PROMOTE, { c, k: "StagedKubernetesNetworkPolicy", ns: "shop", n: "db" })).promoteStagedPolicy;
    expect(res.enforced).toBeNull();
    expect(await names(c)).toEqual([]);
  });
});
