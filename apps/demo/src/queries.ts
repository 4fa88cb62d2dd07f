import { setTimeout as sleep } from "node:timers/promises";
import { graphql } from "./graphql.ts";

/** The three questions the demo shows, as the flows contract (issue 7) spells them. */
export const EXAMPLE_QUERIES = {
  "the flow graph, coloured by allowed and denied (STATUS view)": `query FlowGraph($clusterId: ID!, $from: String!, $to: String!) {
  flowGraph(clusterId: $clusterId, from: $from, to: $to, view: STATUS) {
    from to source
    nodes { id type namespace name status }
    edges { source destination port protocol action connections allowedConnections deniedConnections }
  }
}`,
  "denied flows with the policy and rule that denied them": `query DeniedFlows($clusterId: ID!, $from: String!, $to: String!) {
  flowLogs(clusterId: $clusterId, from: $from, to: $to, filter: { actions: [DENY] }, first: 20) {
    edges { node {
      startTime sourceNamespace sourceNameAggr destNamespace destNameAggr destPort proto reporter numFlows
      decidingPolicy { tier name ruleIndex }
    } }
  }
}`,
  "the policy board: connections allowed, denied and passed per policy and rule": `query PolicyBoard($clusterId: ID!, $from: String!, $to: String!) {
  policyBoard(clusterId: $clusterId, from: $from, to: $to) {
    tiers { name policies {
      traceName counts { connections allowed denied passed }
      ingress { index action counts { allowed denied passed } }
      egress { index action counts { allowed denied passed } }
    } }
  }
}`,
} as const;

const FLOW_WINDOW_MINUTES = 15;

/** One line a user can paste into a shell: the query over the last 15 minutes, the times taken when it runs. */
export function curlLine(url: string, token: string, clusterId: string, query: string): string {
  const oneLine = query.replace(/\s+/g, " ").trim();
  const body = `{"query":${JSON.stringify(oneLine)},"variables":{"clusterId":"${clusterId}","from":"'"$(node -p 'new Date(Date.now()-${FLOW_WINDOW_MINUTES * 60_000}).toISOString()')"'","to":"'"$(node -p 'new Date().toISOString()')"'"}}`;
  return `curl -s ${url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${token}' --data '${body}'`;
}

/** What the demo prints once flows are queryable. */
export function exampleText(o: { url: string; token: string; clusterId: string; now: Date }): string {
  const from = new Date(o.now.getTime() - FLOW_WINDOW_MINUTES * 60_000).toISOString();
  const to = new Date(o.now.getTime() + 60 * 60_000).toISOString();
  const variables = JSON.stringify({ clusterId: o.clusterId, from, to });
  const out = [
    "",
    "Palisade demo: the storefront cluster is connected, at lab stage E, with traffic flowing.",
    `  GraphQL API:   ${o.url}/graphql`,
    `  GraphQL IDE:   ${o.url}/ide   (header: {"Authorization": "Bearer ${o.token}"})`,
    `  Access token:  ${o.token}`,
    `  Cluster id:    ${o.clusterId}`,
    "",
    `Three questions to ask (in the IDE use the variables below: the last ${FLOW_WINDOW_MINUTES} minutes and the next hour):`,
    `  ${variables}`,
  ];
  let i = 1;
  for (const [title, query] of Object.entries(EXAMPLE_QUERIES)) {
    out.push("", `${i++}. ${title}`, query, "", `   ${curlLine(o.url, o.token, o.clusterId, query)}`);
  }
  out.push("", "Ctrl-C stops the demo and everything it started.", "");
  return out.join("\n");
}

export type FlowsReady = { via: "flowLogs"; denied: number } | { via: "flowRecordCount"; /** stored since the wait began */ records: number } | { via: "none" };

/**
 * Waits until denied flows can be queried with flowLogs (stage E denies R1-R4, R6 and S12 at once), at most
 * timeoutMs. While the flows queries are not in this API yet, it waits for stored records instead.
 */
export async function waitForFlows(o: { url: string; token: string; clusterId: string; since: Date; timeoutMs?: number; signal?: AbortSignal }): Promise<FlowsReady> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const from = new Date(o.since.getTime() - 60_000).toISOString();
  let baseline: number | null = null; // earlier runs' records count for nothing
  while (Date.now() < deadline) {
    o.signal?.throwIfAborted();
    const to = new Date(Date.now() + 60_000).toISOString();
    const r = await graphql<{ flowLogs: { edges: unknown[] } }>(
      o.url,
      `query ($id: ID!, $from: String!, $to: String!) { flowLogs(clusterId: $id, from: $from, to: $to, filter: { actions: [DENY] }, first: 1) { edges { cursor } } }`,
      { id: o.clusterId, from, to },
      o.token,
    );
    if (r.data?.flowLogs.edges.length) return { via: "flowLogs", denied: r.data.flowLogs.edges.length };
    if (r.errors?.some((e) => /Cannot query field "flowLogs"/.test(e.message))) {
      const c = await graphql<{ cluster: { flowRecordCount: number } }>(o.url, `query ($id: ID!) { cluster(id: $id) { flowRecordCount } }`, { id: o.clusterId }, o.token);
      const records = c.data?.cluster.flowRecordCount ?? 0;
      if (baseline === null) baseline = records;
      else if (records > baseline) return { via: "flowRecordCount", records: records - baseline };
    }
    await sleep(1000);
  }
  return { via: "none" };
}
