/**
 * Flow ingest: records per second from a flow log file to rows in Postgres through the connector's
 * follower, spool and shipper, the /connect WebSocket and the API's COPY ingest (every batch acknowledged),
 * beside a plain COPY of the same records into the same table, both measured in this run.
 * The API runs in this process (its own HTTP server on a free port); the connector's pieces are used
 * directly (no Kubernetes needed to follow a file).
 *   npx tsx apps/api/bench/flow-ingest.bench.ts      (BENCH_RECORDS, default 200000)
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createLogger, loadConfig } from "@palisade/config";
import { createRedis, ensurePartitions, FLOW_COLUMNS, issueRegistrationToken, JobQueue, PubSub, registerConnector } from "@palisade/core";
import { openTestDatabase } from "@palisade/db/testing";
import { PROTOCOL_VERSION } from "@palisade/protocol";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import pino from "pino";
import { FlowFollower } from "../../connector/src/flows/follower.ts";
import { FlowShipper } from "../../connector/src/flows/shipper.ts";
import { Spool } from "../../connector/src/flows/spool.ts";
import { connectUrl, Link } from "../../connector/src/link/connection.ts";
import { createApi } from "../src/app.ts";
import { copyRows } from "../src/modules/flows/flow-store.ts";

const N = Number(process.env.BENCH_RECORDS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 8);

const { db, ownerUrl } = await openTestDatabase("palisade_bench");
const config = loadConfig({ LOG_LEVEL: "silent", DATABASE_URL: ownerUrl, REDIS_KEY_PREFIX: `bench-${randomUUID().slice(0, 8)}` });
const redis = createRedis("redis://127.0.0.1:6379", "bench");
const subscriber = createRedis("redis://127.0.0.1:6379", "bench-events");
const deps = { db, redis, jobs: new JobQueue(redis, config.redisKeyPrefix), events: new PubSub(redis, subscriber, config.redisKeyPrefix), config, now: () => new Date(), log: createLogger("bench", "silent") };
const api = await createApi(deps, { connect: { policy: null } });
const url = await api.listen(0, "127.0.0.1");

// cross-tenant: benchmark setup creates its tenant and cluster as the owner
const tenant = await db.system.tenant.create({ data: { slug: `bench-flows-${Date.now()}`, name: "Bench Flows", status: "ACTIVE" } });
const cluster = await db.system.cluster.create({ data: { tenantId: tenant.id, name: "bench" } });
const reg = await db.withTenant(tenant.id, (tx) => issueRegistrationToken(tx, { tenantId: tenant.id, clusterId: cluster.id, publicUrl: url, ttlHours: 1, now: new Date() }));
const uid = randomUUID();
const { credential } = await registerConnector(db, { token: reg.token, kubeSystemUid: uid, now: new Date() });

const t0 = Math.floor(Date.now() / 1000) - 3600;
const records = Array.from({ length: N }, (_, i) => ({
  start_time: t0 + Math.floor(i / 100), end_time: t0 + Math.floor(i / 100) + 15, source_type: "wep", source_namespace: "storefront", source_name: "-",
  source_name_aggr: `frontend-${i % 7}-*`, source_ip: null, source_port: null, source_labels: { labels: ["app=frontend"] }, dest_type: "wep",
  dest_namespace: "storefront", dest_name: "-", dest_name_aggr: `backend-${i % 5}-*`, dest_ip: null, dest_port: 8080 + (i % 3), dest_labels: null,
  dest_domains: null, dest_service_namespace: "-", dest_service_name: "-", dest_service_port: "-", dest_service_port_num: null, proto: "tcp",
  reporter: i % 2 ? "src" : "dst", action: i % 10 ? "allow" : "deny", policies: { enforced_policies: ["0|default|default.allow-frontend|allow|0"], pending_policies: [] },
  bytes_in: 1200 + i, bytes_out: 800, packets_in: 6, packets_out: 5, num_flows: 1, num_flows_started: 1, num_flows_completed: 1, host: "sim-node-1",
}));
const work = mkdtempSync(path.join(tmpdir(), "palisade-flow-bench-"));
const file = path.join(work, "flows.log");
writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
await ensurePartitions(db, [new Date(t0 * 1000), new Date((t0 + N / 100 + 1) * 1000)]);

const count = async (clusterId: string) => Number((await db.system.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM flow_logs WHERE cluster_id = ${clusterId}::uuid`)[0]!.n);

// 1. through the connector and the API
const log = pino({ level: "silent" });
const spool = new Spool(path.join(work, "spool"), 100_000);
let shipper!: FlowShipper;
let acked = 0;
let resolveDone!: () => void;
const done = new Promise<void>((r) => (resolveDone = r));
const link = new Link(
  connectUrl(url),
  {
    hello: () => ({ type: "hello", protocol: PROTOCOL_VERSION, connectorVersion: "bench", clusterUid: uid, auth: { credential }, appliedRevision: 0 }),
    onWelcome: () => shipper.pump(),
    onMessage: (m) => {
      if (m.type !== "flowAck") return;
      const b = spool.pending().find((x) => x.id === m.id);
      acked += b?.records.length ?? 0;
      shipper.acked(m.id);
      if (acked >= N) resolveDone();
    },
    onDown: () => shipper.reset(),
  },
  { baseMs: 100, capMs: 1000, log },
);
shipper = new FlowShipper(spool, (m) => link.send(m), WINDOW, log);
const start = process.hrtime.bigint();
const follower = new FlowFollower(file, spool, { batchRecords: BATCH, batchMs: 50, pollMs: 5, log, onBatch: () => shipper.pump() });
follower.start();
void link.run();
await done;
const viaConnector = Number(process.hrtime.bigint() - start) / 1e9;
follower.stop();
link.stop();
const stored = await count(cluster.id);
if (stored !== N) throw new Error(`stored ${stored} of ${N} records`);

// 2. a plain COPY of the same records into the same table, in one stream
const baseline = await db.system.cluster.create({ data: { tenantId: tenant.id, name: "bench-copy" } });
const client = new pg.Client({ connectionString: ownerUrl });
await client.connect();
const copyStart = process.hrtime.bigint();
await client.query("BEGIN");
await pipeline(Readable.from([copyRows(tenant.id, baseline.id, randomUUID(), records)]), client.query(copyFrom(`COPY flow_logs (${FLOW_COLUMNS.join(", ")}) FROM STDIN`)));
await client.query("COMMIT");
const plain = Number(process.hrtime.bigint() - copyStart) / 1e9;
await client.end();

const rate = (s: number) => Math.round(N / s);
console.log(`flow ingest, ${N} records, batches of ${BATCH}, window ${WINDOW}`);
console.log(`  file -> connector -> /connect -> COPY, acknowledged: ${rate(viaConnector).toLocaleString("en")} records/s (${viaConnector.toFixed(2)} s)`);
console.log(`  plain COPY of the same records:                     ${rate(plain).toLocaleString("en")} records/s (${plain.toFixed(2)} s)`);
console.log(`  ratio: ${(rate(viaConnector) / rate(plain)).toFixed(2)} of plain COPY`);

await db.system.$executeRaw`DELETE FROM flow_logs WHERE cluster_id IN (${cluster.id}::uuid, ${baseline.id}::uuid)`;
await api.close();
await deps.jobs.close();
subscriber.disconnect();
redis.disconnect();
await db.close();
process.exit(0);
