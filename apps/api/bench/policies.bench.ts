/**
 * Policy management at scale: a cluster with 1,000 policies in 5 tiers. Measures, through the API process over
 * HTTP: `policies` first page and full listing, `applyResources` of 500 documents, and single updates under 20
 * concurrent clients; beside each, plain SQL on the same rows in the same run (the tenant role in a transaction
 * with app.tenant_id set, as the API's queries run), so the ratio shows what GraphQL, RBAC, audit and YAML cost.
 */
import { createAccessToken, createCluster } from "@palisade/core";
import { openTestDatabase } from "@palisade/db/testing";
import { startApiProcess } from "./api-process.ts";
import pg from "pg";

const CLIENTS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TIERS = ["security", "platform", "apps", "teams", "default"];
const POLICIES = 1000;

interface Figures {
  count: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** Runs `fn` from `clients` loops for `seconds` (or `times` calls per client) and collects every latency. */
async function measure(clients: number, fn: (client: number, i: number) => Promise<void>, opts: { seconds?: number; times?: number } = {}): Promise<Figures> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + (opts.seconds ?? SECONDS) * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; opts.times !== undefined ? i < opts.times : performance.now() < end; i++) {
        const t0 = performance.now();
        await fn(client, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  process.stderr.write(`  measured ${latencies.length} in ${seconds.toFixed(1)} s\n`);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { count: latencies.length, seconds, p50: at(0.5), p99: at(0.99) };
}

const policyYaml = (i: number, variant = 0) => {
  const tier = TIERS[i % TIERS.length]!;
  return `apiVersion: projectcalico.org/v3
kind: ${i % 2 === 0 ? "GlobalNetworkPolicy" : "NetworkPolicy"}
metadata:
  name: ${tier}.policy-${i}
${i % 2 === 0 ? "" : "  namespace: ns-" + (i % 10) + "\n"}spec:
  tier: ${tier}
  order: ${(i % 200) * 10 + variant}
  selector: app == 'app-${i}' && tier != 'legacy'
  types: [Ingress, Egress]
  ingress:
    - action: Allow
      protocol: TCP
      source: {selector: role == 'frontend-${i % 7}'}
      destination: {ports: [8080, 8443]}
    - action: Deny
  egress:
    - action: Allow
      protocol: UDP
      destination: {selector: k8s-app == 'kube-dns', ports: [53]}
    - action: Pass
`;
};

// ---- setup: a tenant, its owner's token, a cluster (with the built-in tiers) -------------------------------
const { db, tenantUrl } = await openTestDatabase("palisade_bench");
// cross-tenant: benchmark setup creates its tenant as the owner.
const tenant = await db.system.tenant.create({ data: { slug: `bench-policies-${Date.now()}`, name: "Bench Policies", status: "ACTIVE" } });
const user = await db.system.user.create({ data: { tenantId: tenant.id, email: "bench@bench-policies.com", name: "Bench" } });
await db.system.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "owner" } });
const { token, cluster } = await db.system.$transaction(async (tx) => ({
  token: (await createAccessToken(tx, { tenantId: tenant.id, userId: user.id, name: "bench" })).token,
  cluster: (await createCluster(tx, { tenantId: tenant.id, name: "bench", publicUrl: "http://bench", ttlHours: 1, now: new Date() })).cluster,
}));
await db.close();

const { child: api, port: apiPort } = await startApiProcess({ REDIS_KEY_PREFIX: "bench-policies", MAX_QUERY_COST: "20000" });
const sql = new pg.Pool({ connectionString: tenantUrl, max: CLIENTS });

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A query as the API's own run: the tenant role, in a transaction with app.tenant_id set. */
async function asTenant<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await sql.connect();
  try {
    await c.query("BEGIN");
    await c.query("SELECT set_config('app.tenant_id', $1, true)", [tenant.id]);
    const r = await fn(c);
    await c.query("COMMIT");
    return r;
  } catch (e) {
    await c.query("ROLLBACK");
    throw e;
  } finally {
    c.release();
  }
}

const APPLY = `mutation ($c: ID!, $y: String!) { applyResources(clusterId: $c, yaml: $y) { valid results { status } } }`;
const PAGE = `query ($c: ID!, $n: Int, $a: String) { policies(clusterId: $c, first: $n, after: $a) { pageInfo { hasNextPage endCursor } edges { node { name kind namespace tier order revision yaml } } } }`;
const ORDERED_SQL = `SELECT p.id, p.kind, p.namespace, p.name, p.tier, p."order", p.revision, p.resource
  FROM policy_resources p LEFT JOIN policy_resources t ON t.cluster_id = p.cluster_id AND t.kind = 'Tier' AND t.name = p.tier
  WHERE p.cluster_id = $1 AND p.kind <> 'Tier' AND p.kind NOT LIKE '%Set'
  ORDER BY t."order" NULLS LAST, p.tier, p."order" NULLS LAST, p.name`;

const rows: string[] = [];
const row = (what: string, f: Figures, unit = "requests") =>
  rows.push(`| ${what} | ${f.count} ${unit} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${(f.count / f.seconds).toFixed(1)} |`);
const ratios: string[] = [];
const ratio = (what: string, api: Figures, base: Figures) => ratios.push(`- ${what}: the API's p50 is ${(api.p50 / base.p50).toFixed(1)}x plain SQL's`);

try {
  const tierYaml = TIERS.filter((t) => t !== "default")
    .map((t, i) => `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: ${t}}\nspec: {order: ${(i + 1) * 100}}\n`)
    .join("---\n");
  await gql(APPLY, { c: cluster.id, y: tierYaml });

  // applyResources of 500 documents: two creating applies build the 1,000 policies; then updating applies.
  const batch = (from: number, variant: number) => Array.from({ length: 500 }, (_, k) => policyYaml(from + k, variant)).join("---\n");
  const creating = await measure(1, async (_c, i) => void (await gql(APPLY, { c: cluster.id, y: batch(i * 500, 0) })), { times: 2 });
  const updating = await measure(1, async (_c, i) => void (await gql(APPLY, { c: cluster.id, y: batch((i % 2) * 500, 1 + i) })), { times: 6 });
  const unchanged = await measure(1, async () => void (await gql(APPLY, { c: cluster.id, y: batch(0, 6) })), { times: 4 });
  const sqlApply = await measure(
    1,
    async (_c, i) =>
      void (await asTenant(async (c) => {
        // The same 500 rows written by plain SQL: one upsert, no validation, versions or audit.
        const values = Array.from({ length: 500 }, (_, k) => k);
        await c.query(
          `INSERT INTO policy_resources (tenant_id, cluster_id, kind, namespace, name, tier, resource, revision, "order")
           SELECT $1, $2, 'GlobalNetworkPolicy', '', 'sql.policy-' || k, 'security', $3::json, 1, k FROM unnest($4::int[]) AS k
           ON CONFLICT (cluster_id, kind, namespace, name) DO UPDATE SET resource = EXCLUDED.resource, revision = policy_resources.revision + 1`,
          [tenant.id, cluster.id, JSON.stringify({ variant: i, text: policyYaml(0) }), values],
        );
        await c.query(`DELETE FROM policy_resources WHERE cluster_id = $1 AND name LIKE 'sql.policy-%'`, [cluster.id]);
      })),
    { times: 6 },
  );

  // policies: first page (50) and full listing (pages of 500) under 20 clients.
  const firstPage = await measure(CLIENTS, async () => void (await gql(PAGE, { c: cluster.id, n: 50 })));
  const sqlFirstPage = await measure(CLIENTS, async () => void (await asTenant((c) => c.query(`${ORDERED_SQL} LIMIT 50`, [cluster.id]))));
  let listed = 0;
  const fullListing = await measure(CLIENTS, async () => {
    let after: string | null = null;
    let n = 0;
    for (;;) {
      const page: { policies: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: unknown[] } } = await gql(PAGE, { c: cluster.id, n: 500, a: after });
      n += page.policies.edges.length;
      if (!page.policies.pageInfo.hasNextPage) break;
      after = page.policies.pageInfo.endCursor;
    }
    listed = n;
  });
  if (listed !== POLICIES) throw new Error(`full listing gave ${listed} policies, expected ${POLICIES}`);
  const sqlFullListing = await measure(CLIENTS, async () => void (await asTenant((c) => c.query(ORDERED_SQL, [cluster.id]))));

  // Single updates: each client edits its own policy with the revision it last saw.
  const revisions = new Map<number, number>();
  const UPDATE = `mutation ($c: ID!, $y: String!, $r: Int!) { updateResource(clusterId: $c, yaml: $y, revision: $r) { revision } }`;
  const current = await gql<{ policies: { edges: Array<{ node: { name: string; revision: number } }> } }>(PAGE, { c: cluster.id, n: 500 });
  for (const e of current.policies.edges) revisions.set(Number(/policy-(\d+)$/.exec(e.node.name)![1]), e.node.revision);
  const ids = Array.from({ length: CLIENTS }, (_, c) => [...revisions.keys()][c * 7]!);
  const updates = await measure(CLIENTS, async (client, i) => {
    const n = ids[client]!;
    const res = await gql<{ updateResource: { revision: number } }>(UPDATE, { c: cluster.id, y: policyYaml(n, 100 + i), r: revisions.get(n)! });
    revisions.set(n, res.updateResource.revision);
  });
  const rowIds = await asTenant((c) => c.query<{ id: string }>(`SELECT id FROM policy_resources WHERE cluster_id = $1 AND kind <> 'Tier' ORDER BY name LIMIT ${CLIENTS}`, [cluster.id]));
  const sqlUpdates = await measure(CLIENTS, async (client, i) =>
    asTenant(async (c) => {
      await c.query(`UPDATE clusters SET desired_revision = desired_revision + 1 WHERE id = $1`, [cluster.id]);
      await c.query(`UPDATE policy_resources SET resource = $2::json, revision = revision + 1 WHERE id = $1`, [rowIds.rows[client]!.id, JSON.stringify({ i, text: policyYaml(client) })]);
    }),
  );

  row("applyResources, 500 documents, all CREATED", creating, "applies");
  row("applyResources, 500 documents, all UPDATED", updating, "applies");
  row("applyResources, 500 documents, all UNCHANGED", unchanged, "applies");
  row("plain SQL: upsert of the same 500 rows (baseline)", sqlApply, "upserts");
  row(`policies first page (50), ${CLIENTS} clients`, firstPage);
  row(`plain SQL: the same 50 rows in the same order (baseline), ${CLIENTS} clients`, sqlFirstPage, "queries");
  row(`policies full listing (1,000 in 2 pages of 500), ${CLIENTS} clients`, fullListing, "listings");
  row(`plain SQL: the same 1,000 rows in one query (baseline), ${CLIENTS} clients`, sqlFullListing, "queries");
  row(`updateResource, ${CLIENTS} clients each on its own policy`, updates);
  row(`plain SQL: UPDATE of the row + cluster revision (baseline), ${CLIENTS} clients`, sqlUpdates, "updates");
  ratio("apply of 500 (UPDATED)", updating, sqlApply);
  ratio("first page", firstPage, sqlFirstPage);
  ratio("full listing", fullListing, sqlFullListing);
  ratio("single update", updates, sqlUpdates);

  console.log(`\nPolicy management: one cluster, ${POLICIES} policies in ${TIERS.length} tiers, ${SECONDS} s per timed run, same machine, same run\n`);
  console.log("| operation | samples | p50 ms | p99 ms | per second |\n| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
  console.log(`\n${ratios.join("\n")}\n`);
} finally {
  api.kill("SIGTERM");
  await sql.end();
}
