import { setTimeout as sleep } from "node:timers/promises";
import type { SimCluster } from "@palisade/cluster-sim";
import { until, waitForSync, type DemoRun } from "@palisade/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./harness/processes.ts";
import { startStorefrontDemo, type StorefrontDemo } from "./harness/storefront.ts";

// The storefront labs at stage E (the environment, lab 1's twilio policy and lab 3's zones through Palisade's API,
// lab 2's rogue pod in the cluster), its traffic relayed by the real connector, and the questions of the labs
// asked through the GraphQL API over HTTP. Verdicts from the scenario README: at stage E, S12, R1-R4 and R6 are
// denied and everything else is allowed.
const DB = "palisade_test_e2e_storefront_flows";
const ROUNDS = 3;

let sf: StorefrontDemo;
let run: DemoRun;
let sim: SimCluster;
let startedAt: Date;
let afterTraffic: Date;

const q = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const r = await graphql<T>(run.url, query, { id: run.tenant.clusterId, ...variables }, run.tenant.accessToken);
  expect(r.errors).toBeUndefined();
  return r.data!;
};

/** Every connection ROUNDS times, flushed, and every record written so far stored by Palisade. */
async function traffic(): Promise<void> {
  sim.advance(ROUNDS);
  sim.flush();
  const written = sim.flowLogs().length;
  await until(
    `${written} flow records stored`,
    async () => (await graphql<{ cluster: { flowRecordCount: number } }>(run.url, `query ($id: ID!) { cluster(id: $id) { flowRecordCount } }`, { id: run.tenant.clusterId }, run.tenant.accessToken)).data?.cluster.flowRecordCount === written,
    60_000,
  );
}

/** Starts a new flow-log interval, so the records that follow start after now (flow logs count in whole seconds). */
async function newInterval(): Promise<Date> {
  await sleep(1100);
  const at = new Date();
  await sleep(1100);
  sim.flush();
  return at;
}

beforeAll(async () => {
  startedAt = new Date();
  // traffic only when the test makes it: every verdict below is judged with stage E in the cluster
  sf = await startStorefrontDemo(DB, { rate: 0, flushIntervalMs: 3_600_000, flowsTimeoutMs: 0 });
  run = sf.run;
  sim = run.sim;
  await newInterval(); // records start after the policies' versions, so each hit links to the version enforced
  await traffic();
  afterTraffic = new Date();
}, 180_000);

afterAll(async () => {
  await sf?.demo.stop();
});

const later = () => new Date(Date.now() + 60_000).toISOString();

/** A node's short name: `frontend-6d996fbd97-*` -> frontend; network sets and nets as they are. */
const short = (name: string) => name.replace(/-[0-9a-z]+-\*$/, "");

interface GraphNode { id: string; type: string; namespace: string | null; name: string; status: string | null }
interface GraphEdge { source: string; destination: string; port: number | null; protocol: string; action: string; connections: number; allowedConnections: number; deniedConnections: number }
const GRAPH = `query ($id: ID!, $from: String!, $to: String!) { flowGraph(clusterId: $id, from: $from, to: $to, view: STATUS) {
  view nodes { id type namespace name status } edges { source destination port protocol action connections allowedConnections deniedConnections } } }`;

async function statusGraph(from: Date): Promise<{ edges: Map<string, GraphEdge>; nodes: Map<string, GraphNode> }> {
  const { flowGraph } = await q<{ flowGraph: { view: string; nodes: GraphNode[]; edges: GraphEdge[] } }>(GRAPH, { from: from.toISOString(), to: later() });
  expect(flowGraph.view).toBe("STATUS");
  const byId = new Map(flowGraph.nodes.map((n) => [n.id, n]));
  const edges = new Map<string, GraphEdge>();
  for (const e of flowGraph.edges) {
    const key = `${short(byId.get(e.source)!.name)}->${short(byId.get(e.destination)!.name)}:${e.port}/${e.protocol.toLowerCase()}`;
    expect(edges.has(key), `one edge per (source, destination, port, protocol): ${key}`).toBe(false);
    edges.set(key, e);
  }
  return { edges, nodes: new Map(flowGraph.nodes.map((n) => [short(n.name), n])) };
}

// the scenario's connections at NAME granularity (S10 and S12 share microservice2 -> public:443)
const ALLOWED_EDGES = [
  "public->frontend:80/tcp", // S1
  "frontend->microservice1:8080/tcp", // S2
  "frontend->microservice2:8080/tcp", // S3
  "microservice1->backend:5432/tcp", // S4
  "microservice2->backend:5432/tcp", // S5
  "frontend->logging:24224/tcp", // S6
  "microservice1->logging:24224/tcp", // S7
  "microservice2->logging:24224/tcp", // S8
  "backend->logging:24224/tcp", // S9
  ...["frontend", "microservice1", "microservice2", "backend", "logging"].map((s) => `${s}->coredns:53/udp`), // S11
  "backend->pvt:443/tcp", // S13
  "rogue->logging:24224/tcp", // R5, allowed by platform.logging
];
const DENIED_EDGES = {
  "rogue->frontend:80/tcp": "R1",
  "rogue->microservice1:8080/tcp": "R2",
  "rogue->microservice2:8080/tcp": "R3",
  "rogue->backend:5432/tcp": "R4",
  "rogue->public:443/tcp": "R6",
} as const;
const MIXED_EDGE = "microservice2->public:443/tcp"; // S10 allowed by the twilio domain rule, S12 denied by its Deny rule

// each denied flow's deciding tier, policy and rule (scenario README, stage E)
const DECIDING = {
  R1: { flow: "rogue->frontend:80", reporter: "DST", tier: "default", name: "storefront/default.dmz", ruleIndex: 1 },
  R2: { flow: "rogue->microservice1:8080", reporter: "DST", tier: "default", name: "storefront/default.trusted", ruleIndex: 1 },
  R3: { flow: "rogue->microservice2:8080", reporter: "DST", tier: "default", name: "storefront/default.trusted", ruleIndex: 1 },
  R4: { flow: "rogue->backend:5432", reporter: "DST", tier: "default", name: "storefront/default.restricted", ruleIndex: 1 },
  R6: { flow: "rogue->public:443", reporter: "SRC", tier: "platform", name: "platform.twilio-integration", ruleIndex: 1 },
  S12: { flow: "microservice2->public:443", reporter: "SRC", tier: "platform", name: "platform.twilio-integration", ruleIndex: 1 },
} as const;

interface LogNode {
  sourceNameAggr: string;
  destNameAggr: string;
  destPort: number | null;
  reporter: string;
  action: string;
  numFlows: number;
  decidingPolicy: { tier: string; name: string; ruleIndex: number; action: string; policyVersion: { revision: number; yaml: string | null } | null } | null;
}
const LOGS = `query ($id: ID!, $from: String!, $to: String!, $filter: FlowLogFilter) { flowLogs(clusterId: $id, from: $from, to: $to, filter: $filter, first: 200) {
  edges { node { sourceNameAggr destNameAggr destPort reporter action numFlows decidingPolicy { tier name ruleIndex action policyVersion { revision yaml } } } } pageInfo { hasNextPage } } }`;

async function flowLogs(from: Date, to: string, filter: Record<string, unknown>): Promise<LogNode[]> {
  const { flowLogs } = await q<{ flowLogs: { edges: { node: LogNode }[]; pageInfo: { hasNextPage: boolean } } }>(LOGS, { from: from.toISOString(), to, filter });
  expect(flowLogs.pageInfo.hasNextPage).toBe(false);
  return flowLogs.edges.map((e) => e.node);
}
const flowOf = (n: LogNode) => `${short(n.sourceNameAggr)}->${short(n.destNameAggr)}:${n.destPort}`;

describe("the storefront labs at stage E, asked through the flows API", () => {
  it("the STATUS graph denies exactly R1-R4, R6 and S12; every other connection is allowed", async () => {
    const { edges, nodes } = await statusGraph(startedAt);
    expect([...edges.keys()].sort()).toEqual([...ALLOWED_EDGES, ...Object.keys(DENIED_EDGES), MIXED_EDGE].sort());
    for (const key of ALLOWED_EDGES) {
      expect(edges.get(key), key).toMatchObject({ action: "ALLOW", connections: ROUNDS, allowedConnections: ROUNDS, deniedConnections: 0 });
    }
    for (const key of Object.keys(DENIED_EDGES)) {
      expect(edges.get(key), key).toMatchObject({ action: "DENY", connections: ROUNDS, allowedConnections: 0, deniedConnections: ROUNDS });
    }
    expect(edges.get(MIXED_EDGE)).toMatchObject({ action: "MIXED", connections: 2 * ROUNDS, allowedConnections: ROUNDS, deniedConnections: ROUNDS });
    // nodes take their colour from the flows touching them
    expect(nodes.get("logging")!.status).toBe("ALLOW");
    expect(nodes.get("coredns")!.status).toBe("ALLOW");
    expect(nodes.get("frontend")!.status).toBe("MIXED");
    expect(nodes.get("rogue")!.status).toBe("MIXED"); // R5 allowed
    expect(nodes.get("rogue")).toMatchObject({ type: "wep", namespace: "storefront" });
  });

  it("each denied flow log names the deciding tier, policy and rule, linked to the policy version enforced", async () => {
    const denied = await flowLogs(startedAt, later(), { actions: ["DENY"] });
    const seen = new Map<string, LogNode[]>();
    for (const n of denied) seen.set(flowOf(n), [...(seen.get(flowOf(n)) ?? []), n]);
    expect([...seen.keys()].sort()).toEqual(Object.values(DECIDING).map((d) => d.flow).sort());
    for (const [id, d] of Object.entries(DECIDING)) {
      const records = seen.get(d.flow)!;
      expect(records.reduce((s, r) => s + r.numFlows, 0), id).toBe(ROUNDS);
      for (const r of records) {
        expect(r, id).toMatchObject({ action: "DENY", reporter: d.reporter, decidingPolicy: { tier: d.tier, name: d.name, ruleIndex: d.ruleIndex, action: "DENY" } });
        // Palisade made these policies (applyResources), so it has the version that decided
        expect(r.decidingPolicy!.policyVersion?.revision, id).toBe(1);
        expect(r.decidingPolicy!.policyVersion?.yaml, id).toContain(d.name.replace(/^storefront\//, ""));
      }
    }
  });

  it("the policy board's denied counts sit on the dmz, trusted and restricted ingress Deny rules and on twilio-integration's Deny rule", async () => {
    interface Counts { connections: number; allowed: number; denied: number; passed: number }
    interface Rule { index: number; action: string | null; counts: Counts }
    interface Policy { traceName: string; counts: Counts; ingress: Rule[]; egress: Rule[]; endOfTier: Counts }
    const { policyBoard } = await q<{ policyBoard: { tiers: { name: string; policies: Policy[] }[] } }>(
      `query ($id: ID!, $from: String!, $to: String!) { policyBoard(clusterId: $id, from: $from, to: $to) { tiers { name policies {
        traceName counts { connections allowed denied passed }
        ingress { index action counts { connections allowed denied passed } }
        egress { index action counts { connections allowed denied passed } }
        endOfTier { connections allowed denied passed } } } } }`,
      { from: startedAt.toISOString(), to: afterTraffic.toISOString() },
    );
    const tiers = policyBoard.tiers.map((t) => t.name);
    expect(tiers.indexOf("security")).toBeLessThan(tiers.indexOf("platform"));
    expect(tiers.indexOf("platform")).toBeLessThan(tiers.indexOf("default"));
    const deniedOn: Record<string, number> = {};
    for (const t of policyBoard.tiers) {
      for (const p of t.policies) {
        for (const [dir, rules] of [["ingress", p.ingress], ["egress", p.egress]] as const) {
          for (const r of rules) if (r.counts.denied > 0) deniedOn[`${p.traceName} ${dir}[${r.index}]`] = r.counts.denied;
        }
        expect(p.endOfTier.denied, `${p.traceName} end of tier`).toBe(0);
      }
    }
    expect(deniedOn).toEqual({
      "storefront/default.dmz ingress[1]": ROUNDS, // R1
      "storefront/default.trusted ingress[1]": 2 * ROUNDS, // R2, R3
      "storefront/default.restricted ingress[1]": ROUNDS, // R4
      "platform.twilio-integration egress[1]": 2 * ROUNDS, // R6, S12
    });
    const rule = (traceName: string, dir: "ingress" | "egress", i: number) => policyBoard.tiers.flatMap((t) => t.policies).find((p) => p.traceName === traceName)![dir][i]!;
    expect(rule("storefront/default.dmz", "ingress", 1).action).toBe("Deny");
    expect(rule("platform.twilio-integration", "egress", 0).counts.allowed).toBe(ROUNDS); // S10 by the domain rule
  });

  it("after the dmz policy is edited through the API to allow R1, new records show R1 allowed by the new rule", async () => {
    const { policy } = await q<{ policy: { revision: number } }>(`query ($id: ID!) { policy(clusterId: $id, kind: NetworkPolicy, namespace: "storefront", name: "default.dmz") { revision } }`);
    const yaml = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: default.dmz, namespace: storefront}
spec:
  tier: default
  order: 100
  selector: fw-zone == 'dmz'
  types: [Ingress, Egress]
  ingress:
  - {action: Allow, source: {selector: type == 'public', namespaceSelector: global()}}
  - {action: Allow, protocol: TCP, source: {selector: app == 'rogue'}, destination: {ports: [80]}}
  - {action: Deny}
  egress:
  - {action: Allow, destination: {selector: fw-zone == 'trusted' || app == 'logging'}}
  - {action: Deny}
`;
    const { updateResource } = await q<{ updateResource: { revision: number } }>(
      `mutation ($id: ID!, $yaml: String!, $revision: Int!) { updateResource(clusterId: $id, yaml: $yaml, revision: $revision) { revision } }`,
      { yaml, revision: policy.revision },
    );
    expect(updateResource.revision).toBe(policy.revision + 1);
    await waitForSync(run.url, run.tenant.accessToken, run.tenant.clusterId);
    const editedAt = await newInterval();
    await traffic();

    const r1 = await flowLogs(editedAt, later(), { sourceNames: ["rogue-*"], destNames: ["frontend-*"] });
    expect(r1.map((r) => r.reporter).sort()).toEqual(["DST", "SRC"]);
    for (const r of r1) expect(r.action).toBe("ALLOW");
    expect(r1.find((r) => r.reporter === "DST")!.decidingPolicy).toMatchObject({
      tier: "default",
      name: "storefront/default.dmz",
      ruleIndex: 1,
      action: "ALLOW",
      policyVersion: { revision: updateResource.revision },
    });
    // only R1 changed: the graph of the new records still denies R2-R4, R6 and S12
    const { edges } = await statusGraph(editedAt);
    expect(edges.get("rogue->frontend:80/tcp")).toMatchObject({ action: "ALLOW", allowedConnections: ROUNDS, deniedConnections: 0 });
    for (const key of Object.keys(DENIED_EDGES).filter((k) => k !== "rogue->frontend:80/tcp")) expect(edges.get(key)?.action, key).toBe("DENY");
    expect(edges.get(MIXED_EDGE)?.action).toBe("MIXED");
    // and the records from before the edit still say R1 was denied
    const before = await flowLogs(startedAt, afterTraffic.toISOString(), { sourceNames: ["rogue-*"], destNames: ["frontend-*"], actions: ["DENY"] });
    expect(before.length).toBeGreaterThan(0);
  }, 120_000);
});
