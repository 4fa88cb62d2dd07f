import type { FlowLogRecord } from "../src/dataplane/flow-log-record.ts";
import type { SimCluster } from "../src/cluster/sim-cluster.ts";
import { podNameAggr } from "../src/dataplane/endpoints.ts";
import type { Connection, EndpointRef } from "../src/dataplane/connections.ts";
import { describeAddress } from "../src/dataplane/endpoints.ts";

/** The aggregated name a flow log gives an endpoint of a scenario connection. */
export function aggrName(sim: SimCluster, ref: EndpointRef): string | undefined {
  if ("ip" in ref) return describeAddress(sim.store, ref.ip).nameAggr;
  const pod = sim.pods(ref.namespace, ref.labels)[0];
  return pod ? podNameAggr(pod) : undefined;
}

/** The flow-log records of one connection (both reporters), found by its aggregated endpoint names, port and protocol. */
export function recordsOf(sim: SimCluster, records: FlowLogRecord[], c: Connection): FlowLogRecord[] {
  const src = aggrName(sim, c.src);
  const dst = aggrName(sim, c.dst);
  const srcNs = "ip" in c.src ? undefined : c.src.namespace;
  const dstNs = "ip" in c.dst ? undefined : c.dst.namespace;
  return records.filter(
    (r) =>
      r.source_name_aggr === src &&
      r.dest_name_aggr === dst &&
      (!srcNs || r.source_namespace === srcNs) &&
      (!dstNs || r.dest_namespace === dstNs) &&
      r.dest_port === c.port &&
      r.proto === c.protocol.toLowerCase() &&
      // Outside destinations sharing a network set differ by the DNS names and (when kept) the address.
      (!("ip" in c.dst) || (JSON.stringify(r.dest_domains) === JSON.stringify(c.dst.domains ?? null) && (r.dest_ip === null || r.dest_ip === c.dst.ip))),
  );
}

/** A connection is allowed when every record of it allows; denied when any record denies. */
export function actionOf(records: FlowLogRecord[]): "allow" | "deny" | "none" {
  if (!records.length) return "none";
  return records.some((r) => r.action === "deny") ? "deny" : "allow";
}
