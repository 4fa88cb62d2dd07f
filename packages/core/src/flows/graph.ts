import type { Tx } from "@palisade/db";
import { badInput } from "../errors.ts";
import { compileFlowFilter, flowWindow, rollupCanAnswer, type FlowFilterInput, type FlowFilterTable } from "./filter.ts";
import { exactParts, ROLLUP_TABLES, type WindowPart } from "./rollup-window.ts";

export type FlowGraphView = "NAMESPACE" | "NAME" | "STATUS";
export type FlowEdgeAction = "ALLOW" | "DENY" | "MIXED";
export type FlowDataSource = "RAW" | "ROLLUP";

/** What flowAccess answers that a query needs: which namespaces' records the caller may see. */
export interface FlowVisibility {
  /** null: every namespace */
  visibleNamespaces: string[] | null;
}

export interface FlowGraphNode {
  id: string;
  type: string;
  namespace: string | null;
  name: string;
  status: FlowEdgeAction | null;
}

export interface FlowGraphEdge {
  source: string;
  destination: string;
  port: number | null;
  protocol: string;
  action: FlowEdgeAction;
  connections: number;
  allowedConnections: number;
  deniedConnections: number;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  allowedBytes: number;
  deniedBytes: number;
}

export interface FlowGraph {
  from: string;
  to: string;
  view: FlowGraphView;
  source: FlowDataSource;
  nodes: FlowGraphNode[];
  edges: FlowGraphEdge[];
}

export interface FlowGraphArgs {
  clusterId: string;
  from: string;
  to: string;
  view: FlowGraphView;
  filter?: FlowFilterInput | null;
}

const VIEWS: readonly FlowGraphView[] = ["NAMESPACE", "NAME", "STATUS"];


/**
 * Each connection once: between two local endpoints both ends report, and the destination's record (dst) is
 * the one that saw the whole verdict; the source's record stands alone when its egress denied the connection
 * (the destination never saw it) or the destination is no endpoint of the cluster (a network set or network).
 */
export const ONE_RECORD_PER_CONNECTION = `(reporter = 'dst' OR action = 'deny' OR dest_type IN ('ns', 'net'))`;

/**
 * For this transaction: the planner guesses far more groups than a graph has edges, and with the default 4 MB
 * work_mem it sorts (spilling to disk) instead of hashing; JIT compiling costs more than it saves here.
 */
export const TUNE_AGGREGATION = `SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`;

interface EdgeRow {
  st: string;
  sns: string;
  sn: string;
  dt: string;
  dns: string;
  dn: string;
  port: number | null;
  proto: string;
  allowed: number;
  denied: number;
  pin: number;
  pout: number;
  bin: number;
  bout: number;
  ab: number;
  db: number;
}

/** In the NAMESPACE view a workload end is its namespace; every other end keeps its (aggregated) name. */
const endName = (side: "source" | "dest", view: FlowGraphView) =>
  view === "NAMESPACE" ? `CASE WHEN ${side}_type = 'wep' AND ${side}_namespace <> '-' THEN '' ELSE ${side}_name_aggr END` : `${side}_name_aggr`;

/** The SQL that answers the graph, over either table; aggregation happens in Postgres. */
export function graphSql(table: FlowFilterTable, view: FlowGraphView, where: string, oneRecordPerConnection: boolean): string {
  const rollup = table !== "raw";
  const port = rollup ? "NULLIF(dest_port, -1)" : "dest_port";
  const pkt = (c: string) => (rollup ? c : `COALESCE(${c}, 0)`);
  return `SELECT source_type AS st, source_namespace AS sns, ${endName("source", view)} AS sn,
      dest_type AS dt, dest_namespace AS dns, ${endName("dest", view)} AS dn, ${port} AS port, proto,
      COALESCE(sum(num_flows) FILTER (WHERE action = 'allow'), 0)::float8 AS allowed,
      COALESCE(sum(num_flows) FILTER (WHERE action = 'deny'), 0)::float8 AS denied,
      sum(${pkt("packets_in")})::float8 AS pin, sum(${pkt("packets_out")})::float8 AS pout,
      sum(bytes_in)::float8 AS bin, sum(bytes_out)::float8 AS bout,
      COALESCE(sum(bytes_in + bytes_out) FILTER (WHERE action = 'allow'), 0)::float8 AS ab,
      COALESCE(sum(bytes_in + bytes_out) FILTER (WHERE action = 'deny'), 0)::float8 AS db
    FROM ${rollup ? ROLLUP_TABLES.graph[table] : "flow_logs"}
    WHERE ${where}${oneRecordPerConnection ? ` AND ${ONE_RECORD_PER_CONNECTION}` : ""}
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
}

/** A flow end as a node of the view; ids are stable within a view. */
function nodeOf(type: string, namespace: string, name: string, view: FlowGraphView): Omit<FlowGraphNode, "status"> {
  const ns = namespace && namespace !== "-" ? namespace : null;
  if (type === "ns") return { id: ns ? `ns-set:${ns}/${name}` : `ns-set:${name}`, type, namespace: ns, name };
  if (type === "net") return { id: `net:${name}`, type, namespace: null, name };
  if (type === "hep") return { id: ns ? `hep:${ns}/${name}` : `hep:${name}`, type, namespace: ns, name };
  if (ns === null) return { id: `${type}:-/${name}`, type, namespace: null, name };
  if (view === "NAMESPACE") return { id: `ns:${ns}`, type, namespace: ns, name: ns };
  return { id: `${type}:${ns}/${name}`, type, namespace: ns, name };
}

const actionOf = (allowed: number, denied: number): FlowEdgeAction => (denied === 0 ? "ALLOW" : allowed === 0 ? "DENY" : "MIXED");

/**
 * The flow graph of a cluster over a window: nodes by namespace or aggregated name, edges by (source,
 * destination, port, protocol) with counts split by verdict. When the filter lets the rollups answer, the
 * window's whole hours come from the hourly rollup, its whole minutes from the per-minute one and the seconds
 * at its ends from the raw records, so the answer is the raw records' at any window; otherwise the raw
 * records answer alone. Only records the caller may see count.
 */
export async function flowGraph(tx: Tx, access: FlowVisibility, args: FlowGraphArgs, opts: { /** tests and benches: answer from this table */ source?: FlowDataSource } = {}): Promise<FlowGraph> {
  if (!VIEWS.includes(args.view)) throw badInput("view", `view must be one of ${VIEWS.join(", ")}`);
  const window = flowWindow(args.from, args.to);
  const filter = args.filter ?? null;
  const parts: WindowPart[] = (opts.source ?? (rollupCanAnswer(filter) ? "ROLLUP" : "RAW")) === "ROLLUP" ? exactParts(window.from, window.to) : [{ table: "raw", ...window }];
  const source: FlowDataSource = parts.some((p) => p.table !== "raw") ? "ROLLUP" : "RAW";
  await tx.$queryRawUnsafe(TUNE_AGGREGATION);
  const merged = new Map<string, EdgeRow>();
  for (const part of parts) {
    const { where, params } = await compileFlowFilter(tx, part.table, filter, { clusterId: args.clusterId, from: part.from, to: part.to, visibleNamespaces: access.visibleNamespaces });
    // a filter that names a reporter asks for that end's records, both of them if need be
    for (const r of await tx.$queryRawUnsafe<EdgeRow[]>(graphSql(part.table, args.view, where, !filter?.reporter), ...params)) addEdgeRow(merged, r);
  }
  const rows = [...merged.values()];

  const nodes = new Map<string, FlowGraphNode & { allowed: number; denied: number }>();
  const touch = (n: Omit<FlowGraphNode, "status">, allowed: number, denied: number) => {
    const had = nodes.get(n.id);
    if (had) {
      had.allowed += allowed;
      had.denied += denied;
      return had.id;
    }
    nodes.set(n.id, { ...n, status: null, allowed, denied });
    return n.id;
  };
  const edges: FlowGraphEdge[] = rows.map((r) => ({
    source: touch(nodeOf(r.st, r.sns, r.sn, args.view), r.allowed, r.denied),
    destination: touch(nodeOf(r.dt, r.dns, r.dn, args.view), r.allowed, r.denied),
    port: r.port,
    protocol: r.proto,
    action: actionOf(r.allowed, r.denied),
    connections: r.allowed + r.denied,
    allowedConnections: r.allowed,
    deniedConnections: r.denied,
    packetsIn: r.pin,
    packetsOut: r.pout,
    bytesIn: r.bin,
    bytesOut: r.bout,
    allowedBytes: r.ab,
    deniedBytes: r.db,
  }));
  edges.sort((a, b) => cmp(a.source, b.source) || cmp(a.destination, b.destination) || (a.port ?? -1) - (b.port ?? -1) || cmp(a.protocol, b.protocol));
  const nodeList = [...nodes.values()]
    .map(({ allowed, denied, ...n }) => ({ ...n, status: args.view === "STATUS" ? actionOf(allowed, denied) : null }))
    .sort((a, b) => cmp(a.id, b.id));
  return { from: window.from.toISOString(), to: window.to.toISOString(), view: args.view, source, nodes: nodeList, edges };
}

const SUMMED = ["allowed", "denied", "pin", "pout", "bin", "bout", "ab", "db"] as const;

/** Adds a row to the edge rows of the same key that other parts of the window answered. */
function addEdgeRow(rows: Map<string, EdgeRow>, r: EdgeRow): void {
  const key = [r.st, r.sns, r.sn, r.dt, r.dns, r.dn, r.port, r.proto].join("\u0000");
  const had = rows.get(key);
  if (!had) rows.set(key, { ...r });
  else for (const f of SUMMED) had[f] += r[f];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
