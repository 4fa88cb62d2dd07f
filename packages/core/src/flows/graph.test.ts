import { randomUUID } from "node:crypto";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { flowGraph, type FlowDataSource, type FlowGraph, type FlowGraphArgs, type FlowVisibility } from "./graph.ts";
import { at, seedFlows, storefrontRound } from "./graph-seed.testing.ts";

let db: Database;
let tenantId: string;
let otherTenant: string;
let clusterId: string;
const round = storefrontRound();
// two rounds, half an hour apart, in a two-hour window (the rollup answers it); the first alone in a twenty-minute one (raw)
const t0 = Date.UTC(2026, 10, 20, 10, 0, 5) / 1000;
const wide = { from: "2026-11-20T10:00:00Z", to: "2026-11-20T12:00:00Z" };
const narrow = { from: "2026-11-20T10:00:00Z", to: "2026-11-20T10:20:00Z" };
const everything: FlowVisibility = { visibleNamespaces: null };

const M2 = "wep:storefront/microservice2-fddf7cff8-*";
const ROGUE = "wep:storefront/rogue-7f9c6d5b8-*";

beforeAll(async () => {
  db = (await openTestDatabase("palisade_test_flow_graph")).db;
  tenantId = (await db.system.tenant.create({ data: { slug: `fg-${randomUUID().slice(0, 8)}`, name: "Graph" } })).id;
  otherTenant = (await db.system.tenant.create({ data: { slug: `fg-${randomUUID().slice(0, 8)}`, name: "Other" } })).id;
  clusterId = (await db.system.cluster.create({ data: { tenantId, name: "storefront" } })).id;
  const otherCluster = (await db.system.cluster.create({ data: { tenantId: otherTenant, name: "storefront" } })).id;
  await seedFlows(db, tenantId, clusterId, [...at(round, t0), ...at(round, t0 + 1800)]);
  // another tenant's traffic, all of it denied: it must never show
  await seedFlows(db, otherTenant, otherCluster, at(round, t0).map((r) => ({ ...r, action: "deny" })));
});
afterAll(async () => {
  await db?.close();
});

const graph = (args: Partial<FlowGraphArgs> = {}, access: FlowVisibility = everything, source?: FlowDataSource) =>
  db.withTenant(tenantId, (tx) => flowGraph(tx, access, { clusterId, ...wide, view: "STATUS", ...args }, { source }));

const edgeKey = (e: FlowGraph["edges"][number]) => `${e.source} -> ${e.destination} ${e.port}/${e.protocol}`;
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
};

describe("flowGraph", () => {
  it("colours exactly the stage's denied flows DENY in the STATUS view: S12 (M2 to the internet) and R1-R4", async () => {
    const g = await graph();
    expect(g.source).toBe("ROLLUP");
    expect(g.edges.filter((e) => e.action !== "ALLOW").map(edgeKey).sort()).toEqual(
      [
        `${M2} -> ns-set:public 443/tcp`,
        `${ROGUE} -> wep:storefront/backend-55f7dc6b68-* 5432/tcp`,
        `${ROGUE} -> wep:storefront/frontend-6d996fbd97-* 80/tcp`,
        `${ROGUE} -> wep:storefront/microservice1-7599d8d8f-* 8080/tcp`,
        `${ROGUE} -> ${M2} 8080/tcp`,
      ].sort(),
    );
    expect(g.edges.filter((e) => e.action === "DENY").every((e) => e.allowedConnections === 0 && e.deniedConnections === e.connections)).toBe(true);
    const nodes = new Map(g.nodes.map((n) => [n.id, n]));
    expect(nodes.get(ROGUE)).toMatchObject({ type: "wep", namespace: "storefront", name: "rogue-7f9c6d5b8-*", status: "MIXED" });
    expect(nodes.get("ns-set:public")).toMatchObject({ type: "ns", namespace: null, name: "public", status: "MIXED" });
    expect(nodes.get("net:pvt")).toMatchObject({ type: "net", status: "ALLOW" });
    expect(nodes.get("wep:kube-system/coredns-5d78c9869d-*")?.status).toBe("ALLOW");
  });

  it("counts each connection once: the destination's record between two pods, the source's when it denied or the destination is outside", async () => {
    const g = await graph();
    const byKey = new Map(g.edges.map((e) => [edgeKey(e), e]));
    // F -> M1 is reported by both ends; it happened once per round
    expect(byKey.get("wep:storefront/frontend-6d996fbd97-* -> wep:storefront/microservice1-7599d8d8f-* 8080/tcp")).toMatchObject({ connections: 2, allowedConnections: 2, deniedConnections: 0 });
    // R1: the rogue's egress allowed it (src record), frontend's ingress denied it (dst record): denied, once per round
    expect(byKey.get(`${ROGUE} -> wep:storefront/frontend-6d996fbd97-* 80/tcp`)).toMatchObject({ connections: 2, deniedConnections: 2, allowedConnections: 0 });
    // P -> F: only the destination reports
    expect(byKey.get("ns-set:public -> wep:storefront/frontend-6d996fbd97-* 80/tcp")).toMatchObject({ connections: 2 });
    // B -> V: only the source reports (V is no endpoint)
    expect(byKey.get("wep:storefront/backend-55f7dc6b68-* -> net:pvt 443/tcp")).toMatchObject({ connections: 2 });
    // over the whole graph: one record per connection
    const counted = round.filter((r) => r.reporter === "dst" || r.action === "deny" || r.dest_type === "ns" || r.dest_type === "net");
    const sum = (k: "connections" | "bytesIn" | "packetsOut") => g.edges.reduce((n, e) => n + e[k], 0);
    expect(sum("connections")).toBe(2 * counted.reduce((n, r) => n + (r.num_flows as number), 0));
    expect(sum("bytesIn")).toBe(2 * counted.reduce((n, r) => n + (r.bytes_in as number), 0));
    expect(sum("packetsOut")).toBe(2 * counted.reduce((n, r) => n + (r.packets_out as number), 0));
    expect(g.edges.length).toBe(new Set(g.edges.map(edgeKey)).size);
  });

  it("answers the same from raw records and from the rollup, in every view", async () => {
    for (const view of ["NAMESPACE", "NAME", "STATUS"] as const) {
      const rolled = await graph({ view }, everything, "ROLLUP");
      const raw = await graph({ view }, everything, "RAW");
      expect(raw.source).toBe("RAW");
      expect({ ...raw, source: "ROLLUP" }).toEqual(rolled);
    }
    // windows that cut hours read whole hours hourly and the rest per minute, and still answer as the raw records do
    for (const cut of [
      { from: "2026-11-20T09:45:00Z", to: "2026-11-20T11:10:00Z" },
      { from: "2026-11-20T10:15:00Z", to: "2026-11-20T12:00:00Z" },
      { from: "2026-11-20T08:00:00Z", to: "2026-11-20T10:20:00Z" },
    ]) {
      const rolled = await graph({ ...cut, view: "NAME" }, everything, "ROLLUP");
      const raw = await graph({ ...cut, view: "NAME" }, everything, "RAW");
      expect(rolled.edges.length).toBeGreaterThan(0);
      expect({ ...raw, source: "ROLLUP" }).toEqual(rolled);
    }
    // short windows, whole minutes or not, read the rollups for what they can and still answer as the raw records do
    for (const short of [narrow, { from: "2026-11-20T10:00:04Z", to: "2026-11-20T10:30:06Z" }, { from: "2026-11-20T10:00:05Z", to: "2026-11-20T10:00:06Z" }]) {
      const rolled = await graph({ ...short, view: "NAME" });
      const raw = await graph({ ...short, view: "NAME" }, everything, "RAW");
      expect(rolled.edges.length).toBeGreaterThan(0);
      expect({ ...raw, source: rolled.source }).toEqual(rolled);
    }
    expect((await graph(narrow)).source).toBe("ROLLUP");
    expect((await graph({ from: "2026-11-20T10:00:05Z", to: "2026-11-20T10:00:06Z" })).source).toBe("RAW");
    // a filter the rollup cannot answer reads raw records
    expect((await graph({ filter: { policy: { name: "storefront/default.trusted", deciding: false } } })).source).toBe("RAW");
    const half = await graph(narrow);
    expect(half.edges.reduce((n, e) => n + e.connections, 0) * 2).toBe((await graph()).edges.reduce((n, e) => n + e.connections, 0));
  });

  it("groups workloads by namespace in the NAMESPACE view; network sets and networks stay themselves", async () => {
    const g = await graph({ view: "NAMESPACE" });
    expect(g.nodes.map((n) => n.id).sort()).toEqual(["net:pvt", "ns-set:public", "ns:kube-system", "ns:storefront"]);
    expect(g.nodes.every((n) => n.status === null)).toBe(true);
    const dns = g.edges.find((e) => e.source === "ns:storefront" && e.destination === "ns:kube-system")!;
    expect(dns).toMatchObject({ port: 53, protocol: "udp", action: "ALLOW", connections: 10 });
    const web = g.edges.find((e) => e.source === "ns:storefront" && e.destination === "ns:storefront" && e.port === 8080)!;
    // F -> M1, F -> M2 allowed; R2, R3 denied
    expect(web).toMatchObject({ action: "MIXED", allowedConnections: 4, deniedConnections: 4 });
  });

  it("narrows by namespace, action, selector and deciding policy", async () => {
    const dns = await graph({ filter: { namespaces: ["kube-system"] } });
    expect(dns.edges.length).toBe(5);
    expect(dns.edges.every((e) => e.destination === "wep:kube-system/coredns-5d78c9869d-*")).toBe(true);

    const denied = await graph({ filter: { actions: ["DENY"] } });
    expect(denied.edges.length).toBe(5);
    expect(denied.edges.every((e) => e.action === "DENY")).toBe(true);

    const rogue = await graph({ filter: { sourceSelector: "app == 'rogue'" } });
    expect(new Set(rogue.edges.map((e) => e.source))).toEqual(new Set([ROGUE]));
    expect(rogue.edges.length).toBe(6);

    const trusted = await graph({ filter: { policy: { name: "storefront/default.trusted" } } });
    expect(trusted.edges.map(edgeKey).sort()).toEqual(
      [
        `${M2} -> ns-set:public 443/tcp`,
        `${ROGUE} -> wep:storefront/microservice1-7599d8d8f-* 8080/tcp`,
        `${ROGUE} -> ${M2} 8080/tcp`,
        `wep:storefront/frontend-6d996fbd97-* -> wep:storefront/microservice1-7599d8d8f-* 8080/tcp`,
        `wep:storefront/frontend-6d996fbd97-* -> ${M2} 8080/tcp`,
      ].sort(),
    );
    const byDest = await graph({ filter: { destNames: ["logging-*"], ports: [24224] } });
    expect(byDest.edges.length).toBe(5);

    // a filter that names a reporter gets that end's records: both ends of F -> M1 exist
    const src = await graph({ filter: { reporter: "SRC", sourceNames: ["frontend-*"], destNames: ["microservice1-*"] } });
    expect(src.edges).toHaveLength(1);
    expect(src.edges[0]!.connections).toBe(2);
  });

  it("shows a user limited to a namespace only the edges touching it, and no other tenant's flows", async () => {
    const g = await graph({}, { visibleNamespaces: ["kube-system"] });
    expect(g.edges.length).toBe(5);
    expect(g.edges.every((e) => e.destination.startsWith("wep:kube-system/"))).toBe(true);
    const none = await graph({}, { visibleNamespaces: ["payments"] });
    expect(none).toMatchObject({ nodes: [], edges: [] });
    // the other tenant denied everything; none of it is here
    const all = await graph({ filter: { actions: ["DENY"] } }, everything, "RAW");
    expect(all.edges.length).toBe(5);
  });

  it("refuses bad input naming the field, before reading anything", async () => {
    const cases: Array<[Partial<FlowGraphArgs>, string]> = [
      [{ filter: { sourceSelector: "app ==" } }, "filter.sourceSelector"],
      [{ filter: { ports: [70000] } }, "filter.ports[0]"],
      [{ filter: { namespaces: [] } }, "filter.namespaces"],
      [{ view: "SIDEWAYS" as never }, "view"],
      [{ from: "yesterday" }, "from"],
      [{ from: wide.to, to: wide.from }, "to"],
    ];
    for (const [args, field] of cases) {
      const e = await failure(graph(args));
      expect(e).toBeInstanceOf(AppError);
      expect([e.code, e.field]).toEqual(["BAD_USER_INPUT", field]);
    }
  });
});
