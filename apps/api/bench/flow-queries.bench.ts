/**
 * Flow queries on 10,000,000 flow records over 24 hours in one cluster: flowGraph (24 h, last 15 min),
 * flowLogs with a selective filter, policyBoard (24 h), each as the API's core answers it (in a tenant
 * transaction, RLS on) beside the same question answered by plain SQL over the raw table, in the same run.
 *
 * The records are generated in bulk, in SQL (INSERT ... SELECT generate_series, two sessions at once), into
 * the real tables, with the rollups computed from them by INSERT ... SELECT ... GROUP BY: the rows ingest
 * would have written. The generated database (palisade_bench_flows) is kept and reused while its row count
 * matches.
 *   npx tsx apps/api/bench/flow-queries.bench.ts   (BENCH_FLOW_RECORDS default 10000000, BENCH_RUNS 20,
 *                                                   BENCH_RAW_24H_RUNS 5: plain SQL over 24 h of raw rows is slow)
 */
import { ensurePartitions, flowGraph, policyBoard, searchFlowLogs, graphSql, type FlowAccess } from "@palisade/core";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import pg from "pg";

const N = Number(process.env.BENCH_FLOW_RECORDS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RAW_24H_RUNS = Number(process.env.BENCH_RAW_24H_RUNS ?? 5);
const DAY = new Date("2026-11-02T00:00:00Z");
const DAY_END = new Date(DAY.getTime() + 86_400_000);
const LAST_15 = new Date(DAY_END.getTime() - 15 * 60_000);

const { db, ownerUrl } = await openTestDatabase(process.env.BENCH_FLOW_DB ?? "palisade_bench_flows");
const owner = new pg.Pool({ connectionString: ownerUrl, max: 2 });

// cross-tenant: benchmark setup finds or creates its own tenant and cluster as the owner
const slug = "bench-flow-queries";
const tenant = (await db.system.tenant.findUnique({ where: { slug } })) ?? (await db.system.tenant.create({ data: { slug, name: "Bench flow queries", status: "ACTIVE" } }));
const cluster = (await db.system.cluster.findFirst({ where: { tenantId: tenant.id, name: "bench" } })) ?? (await db.system.cluster.create({ data: { tenantId: tenant.id, name: "bench" } }));
const clusterId = cluster.id;

/** 3 tiers, 50 policies: security.p0-9, platform.p0-9 (global), ns-(k%20)/default.pk for k 0-29. */
async function writePolicies(): Promise<void> {
  await db.system.policyResource.deleteMany({ where: { clusterId } });
  const rules = (deny: boolean) => ({ ingress: [{ action: "Allow" }, { action: "Deny" }, ...(deny ? [{ action: "Deny" }] : [])], egress: [{ action: "Allow" }, { action: "Deny" }] });
  const rows = [
    ...[["security", 100], ["platform", 200], ["default", null]].map(([name, order]) => ({ kind: "Tier", namespace: "", name: name as string, tier: name as string, order: order as number | null, resource: { kind: "Tier", metadata: { name }, spec: { order } } })),
    ...["security", "platform"].flatMap((tier) =>
      Array.from({ length: 10 }, (_, k) => ({ kind: "GlobalNetworkPolicy", namespace: "", name: `${tier}.p${k}`, tier, order: k * 10, resource: { kind: "GlobalNetworkPolicy", metadata: { name: `${tier}.p${k}` }, spec: { tier, order: k * 10, selector: "all()", ...rules(true) } } })),
    ),
    ...Array.from({ length: 30 }, (_, k) => ({ kind: "NetworkPolicy", namespace: `ns-${k % 20}`, name: `default.p${k}`, tier: "default", order: k, resource: { kind: "NetworkPolicy", metadata: { name: `default.p${k}`, namespace: `ns-${k % 20}` }, spec: { tier: "default", order: k, selector: "all()", ...rules(false) } } })),
  ];
  await db.system.policyResource.createMany({ data: rows.map((r) => ({ ...r, tenantId: tenant.id, clusterId })) });
}

const one = async (sql: string, ...params: unknown[]) => (await owner.query(sql, params)).rows[0] as Record<string, string>;

async function generate(): Promise<void> {
  for (const t of ["flow_logs", "flow_rollups", "flow_policy_rollups", "flow_rollups_hourly", "flow_policy_rollups_hourly", "flow_label_sets"]) await owner.query(`DELETE FROM ${t} WHERE cluster_id = $1::uuid`, [clusterId]);
  await ensurePartitions(db, [DAY]);
  // 100 label sets; endpoint k (of 200) carries set k % 100
  const sets = await owner.query<{ id: string }>(
    `INSERT INTO flow_label_sets (tenant_id, cluster_id, labels)
     SELECT $1::uuid, $2::uuid, ARRAY['app=svc-' || k, 'team=team-' || (k % 10), 'zone=zone-' || (k % 4)] FROM generate_series(0, 99) k ORDER BY k RETURNING id`,
    [tenant.id, clusterId],
  );
  const idArray = `'{${sets.rows.map((r) => r.id).join(",")}}'::bigint[]`;
  // Record i: template e (600 of them: 200 sources x ~3 destinations, a tenth outside the cluster) spread over
  // the day; templates e % 20 = 0 are denied (5% of records, 30 templates), by the security tier when e % 100 = 0,
  // else by a default-tier policy's Deny rule; the destination (dst) and the source (src) report local flows in
  // turn. Everything but the counters and times is a function of (template, reporter): computed once into a
  // temporary table, record JSON included, and joined in.
  const templates = `CREATE TEMPORARY TABLE IF NOT EXISTS bench_templates AS
    SELECT e, rep AS reporter, sns, sn, sip, dt, dns, dn, dip, port, proto, action, slid, dlid, svcns, svc, host, trace, ptier, pname, prule,
      jsonb_strip_nulls(jsonb_build_object('source_type', 'wep', 'source_namespace', sns, 'source_name', '-', 'source_name_aggr', sn, 'source_ip', sip,
        'source_labels', jsonb_build_object('labels', slabels), 'dest_type', dt, 'dest_namespace', dns, 'dest_name', '-', 'dest_name_aggr', dn, 'dest_ip', dip,
        'dest_port', port, 'dest_labels', CASE WHEN dlabels IS NULL THEN null ELSE jsonb_build_object('labels', dlabels) END,
        'dest_service_namespace', coalesce(svcns, '-'), 'dest_service_name', coalesce(svc, '-'), 'dest_service_port', '-',
        'proto', proto, 'reporter', rep, 'action', action, 'policies', jsonb_build_object('enforced_policies', trace, 'pending_policies', trace), 'host', host)) AS base
    FROM generate_series(0, 599) e, unnest(ARRAY['src', 'dst']) rep,
    LATERAL (SELECT e % 200 AS s, e % 10 = 9 AS ext, CASE WHEN (e * 37 + 11) % 200 = e % 200 THEN (e * 37 + 12) % 200 ELSE (e * 37 + 11) % 200 END AS d,
                    (ARRAY[80, 443, 5432, 8080, 6379, 9090, 53, 24224])[(e / 3) % 8 + 1] AS port, e % 20 = 0 AS denied, e % 100 = 0 AS sec_denied) t,
    LATERAL (SELECT 'ns-' || (s % 20) AS sns, 'svc-' || s || '-5d78c9869d-*' AS sn, '10.244.' || (s / 250) || '.' || (s % 250 + 1) AS sip,
                    CASE WHEN NOT ext THEN 'wep' WHEN e % 30 = 9 THEN 'ns' ELSE 'net' END AS dt,
                    CASE WHEN ext THEN '-' ELSE 'ns-' || (d % 20) END AS dns,
                    CASE WHEN NOT ext THEN 'svc-' || d || '-5d78c9869d-*' WHEN e % 30 = 9 THEN 'public' WHEN e % 20 = 19 THEN 'pvt' ELSE 'pub' END AS dn,
                    CASE WHEN ext THEN '203.0.113.' || (e % 250) ELSE '10.245.' || (d / 250) || '.' || (d % 250 + 1) END AS dip,
                    CASE WHEN port = 53 THEN 'udp' ELSE 'tcp' END AS proto,
                    CASE WHEN denied THEN 'deny' ELSE 'allow' END AS action, 'node-' || (s % 8) AS host,
                    ARRAY['app=svc-' || (s % 100), 'team=team-' || (s % 10), 'zone=zone-' || (s % 4)] AS slabels,
                    CASE WHEN ext THEN NULL ELSE ARRAY['app=svc-' || (d % 100), 'team=team-' || (d % 10), 'zone=zone-' || (d % 4)] END AS dlabels,
                    (${idArray})[s % 100 + 1] AS slid, CASE WHEN ext THEN NULL ELSE (${idArray})[d % 100 + 1] END AS dlid,
                    CASE WHEN ext THEN NULL ELSE 'ns-' || (d % 20) END AS svcns, CASE WHEN ext THEN NULL ELSE 'svc-' || d END AS svc,
                    CASE WHEN sec_denied THEN ARRAY['0|security|security.p' || (e % 10) || '|deny|2']
                         ELSE ARRAY['0|security|security.p' || (e % 10) || '|pass|0', '1|platform|platform.p' || ((e / 10) % 10) || '|pass|0',
                                    '2|default|ns-' || (((e / 20) % 30) % 20) || '/default.p' || ((e / 20) % 30) || '|' || CASE WHEN denied THEN 'deny|1' ELSE 'allow|0' END] END AS trace,
                    CASE WHEN sec_denied THEN 'security' ELSE 'default' END AS ptier,
                    CASE WHEN sec_denied THEN 'security.p' || (e % 10) ELSE 'ns-' || (((e / 20) % 30) % 20) || '/default.p' || ((e / 20) % 30) END AS pname,
                    CASE WHEN sec_denied THEN 2 WHEN denied THEN 1 ELSE 0 END AS prule) v
    WHERE NOT (ext AND rep = 'dst')`;
  const insert = async (c: pg.PoolClient, lo: number, hi: number) => {
    await c.query(templates);
    await c.query(
      `INSERT INTO flow_logs (tenant_id, cluster_id, batch_id, ordinal, start_time, end_time, source_type, source_namespace, source_name_aggr, source_ip,
         dest_type, dest_namespace, dest_name_aggr, dest_ip, dest_port, proto, action, reporter, num_flows, bytes_in, bytes_out, record,
         source_name, source_port, source_labels_id, dest_name, dest_labels_id, dest_service_namespace, dest_service_name, packets_in, packets_out, host,
         enforced_policies, pending_policies, policy_tier, policy_name, policy_rule)
       SELECT $1::uuid, $2::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(r.i / 5000), 12, '0'))::uuid, (r.i % 5000)::int, r.st, r.st + interval '10 seconds',
         'wep', t.sns, t.sn, t.sip, t.dt, t.dns, t.dn, t.dip, t.port, t.proto, t.action, t.reporter, r.nf, r.bin, r.bout,
         t.base || jsonb_build_object('start_time', r.epoch, 'end_time', r.epoch + 10, 'bytes_in', r.bin, 'bytes_out', r.bout, 'packets_in', r.pin, 'packets_out', r.pout,
           'num_flows', r.nf, 'num_flows_started', r.nf, 'num_flows_completed', r.nf),
         '-', null, t.slid, '-', t.dlid, t.svcns, t.svc, r.pin, r.pout, t.host, t.trace, t.trace, t.ptier, t.pname, t.prule
       FROM (SELECT i, (i * 119) % 600 AS e, CASE WHEN (i * 119) % 600 % 10 = 9 OR (i / 600) % 2 = 1 THEN 'src' ELSE 'dst' END AS reporter,
               ${DAY.getTime() / 1000} + (i * 86400) / $5::bigint AS epoch, to_timestamp(${DAY.getTime() / 1000} + (i * 86400) / $5::bigint) AS st,
               1 + i % 3 AS nf, 200 + i % 1000 AS bin, 100 + i % 500 AS bout, 1 + i % 7 AS pin, 1 + i % 5 AS pout
             FROM generate_series($3::bigint, $4::bigint - 1) i) r
       JOIN bench_templates t ON t.e = r.e AND t.reporter = r.reporter`,
      [tenant.id, clusterId, lo, hi, N],
    );
  };
  const started = Date.now();
  // two sessions, one per core, each taking the next chunk
  const CHUNK = 500_000;
  const chunks: Array<[number, number]> = [];
  for (let lo = 0; lo < N; lo += CHUNK) chunks.push([lo, Math.min(N, lo + CHUNK)]);
  const worker = async () => {
    const c = await owner.connect();
    try {
      await c.query("SET synchronous_commit = off; SET work_mem = '256MB'");
      for (let next = chunks.shift(); next; next = chunks.shift()) await insert(c, next[0], next[1]);
    } finally {
      c.release();
    }
  };
  await Promise.all([worker(), worker()]);
  const rawSeconds = (Date.now() - started) / 1000;

  const rollStart = Date.now();
  const rollClient = await owner.connect();
  await rollClient.query("SET work_mem = '512MB'; SET synchronous_commit = off");
  // one scan of the raw rows: grouped by minute, the graph's keys and the trace, then rolled up both ways
  await rollClient.query(
    `WITH g AS MATERIALIZED (
       SELECT date_trunc('minute', start_time) AS minute, source_type, source_namespace, source_name_aggr, coalesce(source_labels_id, 0) AS slid, dest_type, dest_namespace,
         dest_name_aggr, coalesce(dest_labels_id, 0) AS dlid, coalesce(dest_port, -1) AS port, proto, action, reporter, coalesce(policy_tier, '') AS ptier,
         coalesce(policy_name, '') AS pname, coalesce(policy_rule, -1) AS prule, enforced_policies AS trace,
         count(*) AS records, sum(num_flows) AS nf, sum(coalesce(packets_in, 0)) AS pin, sum(coalesce(packets_out, 0)) AS pout, sum(bytes_in) AS bin, sum(bytes_out) AS bout
       FROM flow_logs WHERE cluster_id = $1::uuid
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17),
     graph AS (
       INSERT INTO flow_rollups (tenant_id, cluster_id, minute, source_type, source_namespace, source_name_aggr, source_labels_id, dest_type, dest_namespace, dest_name_aggr,
         dest_labels_id, dest_port, proto, action, reporter, policy_tier, policy_name, policy_rule, records, num_flows, packets_in, packets_out, bytes_in, bytes_out)
       SELECT $2::uuid, $1::uuid, minute, source_type, source_namespace, source_name_aggr, slid, dest_type, dest_namespace, dest_name_aggr, dlid, port, proto, action, reporter,
         ptier, pname, prule, sum(records), sum(nf), sum(pin), sum(pout), sum(bin), sum(bout)
       FROM g GROUP BY minute, source_type, source_namespace, source_name_aggr, slid, dest_type, dest_namespace, dest_name_aggr, dlid, port, proto, action, reporter, ptier, pname, prule)
     INSERT INTO flow_policy_rollups (tenant_id, cluster_id, minute, pending, tier, policy, rule, reporter, action, records, num_flows)
     SELECT $2::uuid, $1::uuid, minute, false, split_part(e, '|', 2), split_part(e, '|', 3), split_part(e, '|', 5)::int, reporter, split_part(e, '|', 4), sum(records), sum(nf)
     FROM g, unnest(g.trace) e GROUP BY minute, 5, 6, 7, reporter, 9`,
    [clusterId, tenant.id],
  );
  // the generator writes the same pending trace as the enforced one, so the pending rows are the enforced rows
  await rollClient.query(
    `INSERT INTO flow_policy_rollups (tenant_id, cluster_id, minute, pending, tier, policy, rule, reporter, action, records, num_flows)
     SELECT tenant_id, cluster_id, minute, true, tier, policy, rule, reporter, action, records, num_flows FROM flow_policy_rollups WHERE cluster_id = $1::uuid AND NOT pending`,
    [clusterId],
  );
  rollClient.release();
  await fillHourly();
  await owner.query("ANALYZE flow_logs, flow_rollups, flow_policy_rollups, flow_label_sets");
  console.log(`generated ${N.toLocaleString("en")} records in ${rawSeconds.toFixed(0)} s, rollups in ${((Date.now() - rollStart) / 1000).toFixed(0)} s`);
}

/** The hourly levels, summed from the per-minute rows (the same rows ingest's hourly upserts make). */
async function fillHourly(): Promise<void> {
  const start = Date.now();
  await ensurePartitions(db, [DAY]);
  for (const t of ["flow_rollups_hourly", "flow_policy_rollups_hourly"]) await owner.query(`DELETE FROM ${t} WHERE cluster_id = $1::uuid`, [clusterId]);
  await owner.query(
    `INSERT INTO flow_rollups_hourly SELECT tenant_id, cluster_id, date_trunc('hour', minute), source_type, source_namespace, source_name_aggr, source_labels_id, dest_type,
       dest_namespace, dest_name_aggr, dest_labels_id, dest_port, proto, action, reporter, policy_tier, policy_name, policy_rule,
       sum(records), sum(num_flows), sum(packets_in), sum(packets_out), sum(bytes_in), sum(bytes_out)
     FROM flow_rollups WHERE cluster_id = $1::uuid GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18`,
    [clusterId],
  );
  await owner.query(
    `INSERT INTO flow_policy_rollups_hourly SELECT tenant_id, cluster_id, date_trunc('hour', minute), pending, tier, policy, rule, reporter, action, sum(records), sum(num_flows)
     FROM flow_policy_rollups WHERE cluster_id = $1::uuid GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    [clusterId],
  );
  await owner.query("ANALYZE flow_rollups_hourly, flow_policy_rollups_hourly");
  console.log(`hourly rollups summed from the per-minute ones in ${((Date.now() - start) / 1000).toFixed(0)} s`);
}

await writePolicies();
const count = Number((await one(`SELECT count(*) AS n FROM flow_logs WHERE cluster_id = $1::uuid`, clusterId)).n);
const rolled = Number((await one(`SELECT count(*) AS n FROM flow_policy_rollups WHERE cluster_id = $1::uuid`, clusterId)).n);
if (count !== N || rolled === 0) await generate();
else {
  console.log(`reusing ${count.toLocaleString("en")} generated records (palisade_bench_flows)`);
  if (Number((await one(`SELECT count(*) AS n FROM flow_policy_rollups_hourly WHERE cluster_id = $1::uuid`, clusterId)).n) === 0) await fillHourly();
}
const sizes = await one(
  `SELECT (SELECT count(*) FROM flow_rollups WHERE cluster_id = $1::uuid) AS graph, (SELECT count(*) FROM flow_policy_rollups WHERE cluster_id = $1::uuid) AS policy,
     (SELECT count(*) FROM flow_rollups_hourly WHERE cluster_id = $1::uuid) AS graph_hourly, (SELECT count(*) FROM flow_policy_rollups_hourly WHERE cluster_id = $1::uuid) AS policy_hourly,
     pg_size_pretty((SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'flow_logs'::regclass)) AS raw_size`,
  clusterId,
);

const access: FlowAccess = { clusterId, visibleNamespaces: null, tierVisible: () => true };
const inTenant = <T>(fn: Parameters<Database["withTenant"]>[1]) => db.withTenant(tenant.id, fn, { timeoutMs: 600_000 }) as Promise<T>;

async function measure(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; runs: number }> {
  await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), runs };
}

// the baselines get the session settings the API's queries use (work_mem 64MB, no JIT), so only the table differs
const plain = (sql: string, ...params: unknown[]) =>
  inTenant(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
    return tx.$queryRawUnsafe(sql, ...params);
  });
const rawWhere = `tenant_id = palisade_current_tenant() AND cluster_id = $1::uuid AND start_time >= $2 AND start_time < $3`;
// 3 of the 600 templates: 0.5% of the records
const selective = { sourceNames: ["svc-20-*"], actions: ["DENY" as const] };

const cases: Array<{ name: string; api: () => Promise<unknown>; sql: () => Promise<unknown>; sqlRuns: number; check?: () => Promise<string> }> = [
  {
    name: "flowGraph STATUS, 24 h",
    api: () => inTenant((tx) => flowGraph(tx, access, { clusterId, from: DAY.toISOString(), to: DAY_END.toISOString(), view: "STATUS" })),
    sql: () => plain(graphSql("raw", "STATUS", rawWhere, true), clusterId, DAY, DAY_END),
    sqlRuns: RAW_24H_RUNS,
  },
  {
    name: "flowGraph STATUS, last 15 min",
    api: () => inTenant((tx) => flowGraph(tx, access, { clusterId, from: LAST_15.toISOString(), to: DAY_END.toISOString(), view: "STATUS" })),
    sql: () => plain(graphSql("raw", "STATUS", rawWhere, true), clusterId, LAST_15, DAY_END),
    sqlRuns: RUNS,
  },
  {
    name: "flowLogs denied from svc-20-*, 24 h, first 50",
    api: () => inTenant((tx) => searchFlowLogs(tx, access, { clusterId, from: DAY, to: DAY_END, filter: selective, first: 50 })),
    sql: () =>
      plain(
        `SELECT record FROM flow_logs WHERE ${rawWhere} AND source_name_aggr LIKE 'svc-20-%' AND action = 'deny' ORDER BY start_time DESC, batch_id DESC, ordinal DESC LIMIT 51`,
        clusterId, DAY, DAY_END,
      ),
    sqlRuns: RUNS,
  },
  {
    name: "policyBoard, 24 h",
    api: () => inTenant((tx) => policyBoard(tx, access, { clusterId, from: DAY.toISOString(), to: DAY_END.toISOString() })),
    sql: () =>
      plain(
        `SELECT split_part(e, '|', 3) AS policy, split_part(e, '|', 5)::int AS rule, reporter, split_part(e, '|', 4) AS action, sum(num_flows)
         FROM flow_logs, unnest(enforced_policies) e WHERE ${rawWhere} GROUP BY 1, 2, 3, 4`,
        clusterId, DAY, DAY_END,
      ),
    sqlRuns: RAW_24H_RUNS,
  },
];

// the two answers agree where they should: the graph's total connections over the day
const g = (await inTenant((tx) => flowGraph(tx, access, { clusterId, from: DAY.toISOString(), to: DAY_END.toISOString(), view: "NAME" }))) as { source: string; edges: Array<{ connections: number }>; nodes: unknown[] };
const rawTotal = Number((await one(`SELECT sum(num_flows) AS n FROM flow_logs WHERE cluster_id = $1::uuid AND (reporter = 'dst' OR action = 'deny' OR dest_type IN ('ns', 'net'))`, clusterId)).n);
const graphTotal = g.edges.reduce((n, e) => n + e.connections, 0);
if (graphTotal !== rawTotal) throw new Error(`the graph counts ${graphTotal} connections, the raw records ${rawTotal}`);

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
console.log(`flow queries, ${count === N ? count.toLocaleString("en") : N.toLocaleString("en")} records over 24 h in one cluster (raw partitions ${sizes.raw_size}; ${Number(sizes.graph).toLocaleString("en")} per-minute and ${Number(sizes.graph_hourly).toLocaleString("en")} hourly graph rollup rows, ${Number(sizes.policy).toLocaleString("en")} and ${Number(sizes.policy_hourly).toLocaleString("en")} policy rollup rows)`);
console.log(`24 h graph (${g.source}): ${g.nodes.length} nodes, ${g.edges.length} edges, ${graphTotal.toLocaleString("en")} connections (equal to the raw records')`);
console.log("");
console.log(`| query | API p50 | API p99 | runs | plain SQL over raw p50 | p99 | runs |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const c of cases) {
  const api = await measure(RUNS, c.api);
  const sql = await measure(c.sqlRuns, c.sql);
  console.log(`| ${c.name} | ${ms(api.p50)} | ${ms(api.p99)} | ${api.runs} | ${ms(sql.p50)} | ${ms(sql.p99)} | ${sql.runs} |`);
}

await owner.end();
await db.close();
