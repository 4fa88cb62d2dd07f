import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { EXPORT_COLUMNS, jobCatalogue, QUEUE_NAME, runFlowExport } from "@palisade/core";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { Worker } from "bullmq";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, PUBLIC_URL, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { data, firstClusterId, inviteTeammate } from "../users/teammates.testing.ts";
import { FlowStore } from "./flow-store.ts";

const round = readFileSync(new URL("./fixtures/storefront-round.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const t0 = Math.floor(Date.now() / 1000) - 7200;
// 41 records a round; 15 rounds make the export span several of the job's pages
const at = (t: number) => round.map((r, i) => ({ ...r, start_time: t, end_time: t + 5, id: `${t}-${i}`, dest_domains: i % 7 === 0 ? ["a.example.com", 'quote"d,comma'] : r.dest_domains }));
const window = { from: new Date((t0 - 60) * 1000).toISOString(), to: new Date((t0 + 3600) * 1000).toISOString() };

let db: Database;
let t: RunningApi;
let store: FlowStore;
let worker: Worker;
let exportDir: string;
let a: ProvisionedTenant;
let b: ProvisionedTenant;
let cluster: string;
let limited: string;
let noFlows: string;

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_api");
  db = opened.db;
  exportDir = mkdtempSync(path.join(tmpdir(), "palisade-exports-"));
  const deps = buildDeps(db, testConfig({ FLOW_EXPORT_DIR: exportDir }));
  t = await startApi(deps);
  // the worker's side of the queue, in this process: the flow-export handler on the same Redis prefix
  worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      if (job.name !== "flow-export") throw new Error(`unexpected job ${job.name}`);
      return runFlowExport(deps, jobCatalogue["flow-export"].payload.parse(job.data));
    },
    { connection: deps.redis.duplicate({ maxRetriesPerRequest: null }), prefix: deps.config.redisKeyPrefix },
  );
  store = new FlowStore(db, opened.ownerUrl, 2);
  const promo = await createPromo(db);
  a = await signUpProvisioned(t, promo.code);
  b = await signUpProvisioned(t, promo.code);
  cluster = await firstClusterId(t, a.token);
  const role = `ks-flows-${hex()}`;
  data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: role, r: [{ verbs: ["list"], resources: ["flowlogs"], namespaces: ["kube-system"] }] }, a.token));
  limited = await inviteTeammate(t, a.token, `ks.${hex()}@corp-${hex()}.com`, [role]);
  const nothing = `nothing-${hex()}`;
  data(await t.gql(`mutation ($n: String!, $r: [RoleRuleInput!]!) { createRole(name: $n, rules: $r) { name } }`, { n: nothing, r: [{ verbs: ["get"], resources: ["clusters"] }] }, a.token));
  noFlows = await inviteTeammate(t, a.token, `nf.${hex()}@corp-${hex()}.com`, [nothing]);
  for (let k = 0; k < 15; k++) await store.store({ tenantId: a.tenantId, clusterId: cluster, batchId: randomUUID(), records: at(t0 + 60 * k), receivedAt: new Date() });
});
afterAll(async () => {
  await worker?.close();
  await store?.close();
  await t?.stop();
  await db?.close();
});

const START = `mutation ($c: ID!, $from: String!, $to: String!, $f: FlowLogFilter, $fmt: FlowExportFormat!) {
  flowExport(clusterId: $c, from: $from, to: $to, filter: $f, format: $fmt) { id status format progress records url }
}`;
const STATUS = `query ($id: ID!) { flowExportStatus(id: $id) { id status format progress records url error createdAt } }`;
type Status = { id: string; status: string; format: string; progress: number; records: number; url: string | null; error: string | null };

async function exportDone(token: string, vars: Record<string, unknown>): Promise<Status> {
  const started = data(await t.gql<{ flowExport: Status }>(START, { c: cluster, ...window, ...vars }, token)).flowExport;
  expect(started).toMatchObject({ status: "QUEUED", progress: 0, records: 0, url: null });
  const end = Date.now() + 60_000;
  for (;;) {
    const s = data(await t.gql<{ flowExportStatus: Status }>(STATUS, { id: started.id }, token)).flowExportStatus;
    if (s.status === "DONE" || s.status === "FAILED") return s;
    if (Date.now() > end) throw new Error(`export still ${s.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const download = (id: string, token?: string) => fetch(`${t.url}/flows/exports/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The search's answer for the same question, oldest first, as Calico records. */
async function searched(token: string, filter: Record<string, unknown> | null): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let after: string | null = null;
  for (;;) {
    const res: { flowLogs: { edges: { node: { record: Record<string, unknown> } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } = data(
      await t.gql(
        `query ($c: ID!, $from: String!, $to: String!, $f: FlowLogFilter, $after: String) { flowLogs(clusterId: $c, from: $from, to: $to, filter: $f, sort: TIME_ASC, first: 500, after: $after) { edges { node { record } } pageInfo { hasNextPage endCursor } } }`,
        { c: cluster, ...window, f: filter, after },
        token,
      ),
    );
    out.push(...res.flowLogs.edges.map((e) => e.node.record));
    if (!res.flowLogs.pageInfo.hasNextPage) return out;
    after = res.flowLogs.pageInfo.endCursor;
  }
}

describe("flow log export, worker and API end to end", () => {
  it("writes a CSV of every Calico field that parses back to the search's records", async () => {
    const done = await exportDone(a.token, { fmt: "CSV" });
    const expected = await searched(a.token, null);
    expect(expected.length).toBe(15 * round.length);
    expect(done).toMatchObject({ status: "DONE", format: "CSV", progress: 1, records: expected.length, url: `${PUBLIC_URL}/flows/exports/${done.id}`, error: null });
    const res = await download(done.id, a.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="flows-${done.id}.csv"`);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
    const cell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
    expect(rows).toEqual(expected.map((r) => Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, cell(r[c])]))));
    expect(JSON.parse(rows[0]!.dest_domains!)).toEqual(["a.example.com", 'quote"d,comma']);
  });

  it("writes JSON Lines of a filtered export equal to the filtered search", async () => {
    const filter = { actions: ["DENY"], namespaces: ["storefront"] };
    const done = await exportDone(a.token, { fmt: "JSONL", f: filter });
    const res = await download(done.id, a.token);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = await searched(a.token, filter);
    expect(expected.length).toBe(15 * round.filter((r) => r.action === "deny").length);
    expect(lines).toEqual(expected);
  });

  it("exports only what a namespace-limited user may see, and keeps a wider export from them", async () => {
    const done = await exportDone(limited, { fmt: "JSONL" });
    const lines = (await (await download(done.id, limited)).text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(15 * round.filter((r) => r.source_namespace === "kube-system" || r.dest_namespace === "kube-system").length);
    expect(lines.every((r) => r.source_namespace === "kube-system" || r.dest_namespace === "kube-system")).toBe(true);
    // the owner sees every namespace and may fetch it too; the limited user may not fetch the owner's wider export
    expect((await download(done.id, a.token)).status).toBe(200);
    const owners = await exportDone(a.token, { fmt: "JSONL", f: { actions: ["DENY"] } });
    expect((await download(owners.id, limited)).status).toBe(404);
    expect(data(await t.gql<{ flowExportStatus: Status | null }>(STATUS, { id: owners.id }, limited)).flowExportStatus).toBeNull();
  });

  it("keeps downloads to the tenant's users who may list flow logs", async () => {
    const done = await exportDone(a.token, { fmt: "CSV", f: { ports: [53] } });
    expect((await download(done.id)).status).toBe(401);
    expect((await download(done.id, "pat_" + "x".repeat(40))).status).toBe(401);
    expect((await download(done.id, b.token)).status).toBe(404);
    expect((await download(done.id, noFlows)).status).toBe(403);
    expect((await download("not-a-uuid", a.token)).status).toBe(404);
    expect(data(await t.gql<{ flowExportStatus: Status | null }>(STATUS, { id: done.id }, b.token)).flowExportStatus).toBeNull();
  });

  it("refuses bad input before anything is queued", async () => {
    const err = async (vars: Record<string, unknown>, token = a.token) => onlyError(await t.gql(START, { c: cluster, ...window, fmt: "CSV", ...vars }, token)).extensions;
    expect(await err({ to: window.from })).toMatchObject({ code: "BAD_USER_INPUT", field: "to" });
    expect(await err({ f: { sourceSelector: "app ==" } })).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.sourceSelector" });
    expect(await err({}, noFlows)).toMatchObject({ code: "FORBIDDEN" });
    expect(await err({}, b.token)).toMatchObject({ code: "NOT_FOUND" });
    expect(await db.system.flowExport.count({ where: { tenantId: b.tenantId } })).toBe(0);
  });

  it("removes exports older than a day when the next export runs", async () => {
    const old = await db.system.flowExport.create({
      data: { tenantId: a.tenantId, clusterId: cluster, userId: (await db.system.user.findFirstOrThrow({ where: { tenantId: a.tenantId } })).id, format: "CSV", from: new Date(), to: new Date(), status: "DONE", file: "x.csv", createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    const file = path.join(exportDir, `${old.id}.csv`);
    await writeFile(file, "old");
    await utimes(file, new Date(Date.now() - 25 * 3600_000), new Date(Date.now() - 25 * 3600_000));
    expect(data(await t.gql<{ flowExportStatus: Status | null }>(STATUS, { id: old.id }, a.token)).flowExportStatus).toBeNull();
    await exportDone(a.token, { fmt: "CSV", f: { ports: [443] } });
    expect(await db.system.flowExport.findUnique({ where: { id: old.id } })).toBeNull();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
