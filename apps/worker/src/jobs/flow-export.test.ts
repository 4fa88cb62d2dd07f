import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCluster, ensurePartitions, EXPORT_COLUMNS, runFlowExport, startFlowExport, type Actor } from "@palisade/core";
import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hex, openWorkerDatabase, startTestWorker, testConfig, type RunningWorker } from "../../test/worker-harness.ts";

let db: Database;
let w: RunningWorker;
let subject: Actor;
let clusterId: string;
let exportDir: string;
const t0 = new Date("2026-11-22T08:00:00Z");
const window = { from: new Date(t0.getTime() - 60_000), to: new Date(t0.getTime() + 3600_000) };

/** n records a second apart: even ones denied, in namespaces a and b in turn */
async function insertFlows(n: number): Promise<Record<string, unknown>[]> {
  const records = Array.from({ length: n }, (_, i) => ({
    start_time: t0.getTime() / 1000 + i, end_time: t0.getTime() / 1000 + i + 5, source_type: "wep", source_namespace: i % 4 < 2 ? "a" : "b", source_name: "-",
    source_name_aggr: `src-${i % 3}-*`, dest_type: "wep", dest_namespace: "b", dest_name_aggr: "db-*", dest_port: 5432, proto: "tcp", reporter: "src",
    action: i % 2 ? "allow" : "deny", num_flows: 1, bytes_in: i, bytes_out: 2 * i, policies: { enforced_policies: [`0|default|b/default.p|${i % 2 ? "allow" : "deny"}|0`] }, seq: i,
  }));
  await db.system.$executeRawUnsafe(
    `INSERT INTO flow_logs (tenant_id, cluster_id, batch_id, ordinal, start_time, end_time, source_type, source_namespace, source_name_aggr, dest_type, dest_namespace, dest_name_aggr,
       dest_port, proto, action, reporter, num_flows, bytes_in, bytes_out, record)
     SELECT $1::uuid, $2::uuid, gen_random_uuid(), 0, to_timestamp((r->>'start_time')::bigint), to_timestamp((r->>'end_time')::bigint), r->>'source_type', r->>'source_namespace',
       r->>'source_name_aggr', r->>'dest_type', r->>'dest_namespace', r->>'dest_name_aggr', (r->>'dest_port')::int, r->>'proto', r->>'action', r->>'reporter', 1,
       (r->>'bytes_in')::bigint, (r->>'bytes_out')::bigint, r
     FROM jsonb_array_elements($3::jsonb) r`,
    subject.tenantId, clusterId, JSON.stringify(records),
  );
  return records;
}

beforeAll(async () => {
  db = await openWorkerDatabase();
  exportDir = mkdtempSync(path.join(tmpdir(), "palisade-worker-exports-"));
  w = await startTestWorker(db, testConfig({ FLOW_EXPORT_DIR: exportDir }));
  // cross-tenant: the test sets up its tenant as the owner.
  const tenant = await db.system.tenant.create({ data: { slug: `exports-${hex()}`, name: "Exports", status: "ACTIVE" } });
  const user = await db.system.user.create({ data: { tenantId: tenant.id, email: `ops.${hex()}@exports-corp.com`, name: "Ops" } });
  await db.system.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "owner" } });
  const token = await db.system.accessToken.create({ data: { tenantId: tenant.id, userId: user.id, name: "t", prefix: "pat_x", hash: Buffer.from(hex(32)) } });
  clusterId = (await db.system.$transaction((tx) => createCluster(tx, { tenantId: tenant.id, name: "prod", publicUrl: "http://x", ttlHours: 1, now: new Date() }))).cluster.id;
  subject = { tenantId: tenant.id, userId: user.id, tokenId: token.id, display: user.email, roles: ["owner"], sourceAddress: null, requestId: null };
  await ensurePartitions(db, [t0]);
});
afterAll(async () => {
  await w?.stop();
  await db?.close();
});

const exportRow = (id: string) => db.system.flowExport.findUniqueOrThrow({ where: { id } });
/** an export row as startFlowExport writes it, without a job: the test runs the handler itself */
const queuedRow = (format: string) => db.system.flowExport.create({ data: { tenantId: subject.tenantId, clusterId, userId: subject.userId, format, ...window } });

describe("the flow-export job in the worker", () => {
  it("takes an export from QUEUED to DONE, writing every matching record in time order across pages", async () => {
    const records = await insertFlows(1200);
    const started = await startFlowExport(w.deps, subject, { clusterId, ...window, filter: { actions: ["DENY"] }, format: "JSONL" });
    expect(started.status).toBe("QUEUED");
    await expect.poll(async () => (await exportRow(started.id)).status, { timeout: 30_000 }).toBe("DONE");
    const row = await exportRow(started.id);
    expect([row.progress, Number(row.records), row.file]).toEqual([1, 600, `${started.id}.jsonl`]);
    const lines = (await readFile(path.join(exportDir, row.file!), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual(records.filter((r) => r.action === "deny").map((r) => r.seq));
    // a second run of the same job (a retry after the work was done) leaves the export alone
    expect(await runFlowExport(w.deps, { tenantId: subject.tenantId, exportId: started.id, visibleNamespaces: null })).toEqual({ skipped: "already done" });
  });

  it("writes a CSV headed by Calico's fields, limited to the namespaces the requester could see", async () => {
    const started = await queuedRow("CSV");
    // as a namespace-limited requester's job carries it
    await runFlowExport(w.deps, { tenantId: subject.tenantId, exportId: started.id, visibleNamespaces: ["a"] });
    const row = await exportRow(started.id);
    const lines = (await readFile(path.join(exportDir, row.file!), "utf8")).trim().split("\n");
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(","));
    expect(lines.length - 1).toBe(Number(row.records));
    expect(Number(row.records)).toBe(600);
  });

  it("marks an export FAILED with the reason when its file cannot be written", async () => {
    const blocked = path.join(exportDir, `blocked-${hex()}`);
    writeFileSync(blocked, "a file where the export directory should be");
    const deps = { ...w.deps, config: { ...w.deps.config, flows: { ...w.deps.config.flows, exportDir: blocked } } };
    const started = await queuedRow("CSV");
    await expect(runFlowExport(deps, { tenantId: subject.tenantId, exportId: started.id, visibleNamespaces: null })).rejects.toThrow();
    const row = await exportRow(started.id);
    expect(row.status).toBe("FAILED");
    expect(row.error).toMatch(/EEXIST|ENOTDIR/);
  });

  it("leaves exports older than a day to the scheduled retention run too", async () => {
    const old = await db.system.flowExport.create({ data: { tenantId: subject.tenantId, clusterId, userId: subject.userId, format: "CSV", ...window, status: "DONE", createdAt: new Date(Date.now() - 26 * 3600_000) } });
    const file = path.join(exportDir, `${old.id}.csv`);
    writeFileSync(file, "old");
    await utimes(file, new Date(Date.now() - 26 * 3600_000), new Date(Date.now() - 26 * 3600_000));
    const fresh = await queuedRow("JSONL");
    // retention long enough that no flow partition goes
    await w.deps.jobs.enqueue("flow-retention", { logDays: 3650, rollupDays: 3650 });
    await expect.poll(() => db.system.flowExport.findUnique({ where: { id: old.id } }), { timeout: 30_000 }).toBeNull();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(await db.system.flowExport.findUnique({ where: { id: fresh.id } })).not.toBeNull();
  });
});
