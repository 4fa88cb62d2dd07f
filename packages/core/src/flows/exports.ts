import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { stringify } from "csv-stringify/sync";
import type { Tx } from "@palisade/db";
import type { CoreDeps } from "../deps.ts";
import { badInput, notFound } from "../errors.ts";
import type { Subject } from "../rbac/authorizer.ts";
import { flowAccess } from "./access.ts";
import { compileFlowFilter, type FlowFilterInput } from "./filter.ts";
import { searchFlowLogRecords } from "./search.ts";

export type FlowExportFormat = "CSV" | "JSONL";

/** Calico's flow log fields, in the order its documentation lists them: the CSV's columns (nested values as JSON). */
export const EXPORT_COLUMNS = [
  "start_time", "end_time", "source_ip", "source_name", "source_name_aggr", "source_namespace", "nat_outgoing_ports", "source_port", "source_type", "source_labels",
  "dest_ip", "dest_name", "dest_name_aggr", "dest_namespace", "dest_port", "dest_type", "dest_labels", "dest_service_namespace", "dest_service_name",
  "dest_service_port", "dest_service_port_num", "dest_domains", "proto", "action", "reporter", "policies", "bytes_in", "bytes_out", "num_flows", "num_flows_started",
  "num_flows_completed", "packets_in", "packets_out", "http_requests_allowed_in", "http_requests_denied_in", "process_name", "num_process_names", "process_id",
  "num_process_ids", "process_args", "num_process_args", "original_source_ips", "num_original_source_ips", "tcp_mean_send_congestion_window",
  "tcp_min_send_congestion_window", "tcp_mean_smooth_rtt", "tcp_max_smooth_rtt", "tcp_mean_min_rtt", "tcp_max_min_rtt", "tcp_mean_mss", "tcp_min_mss",
  "tcp_total_retransmissions", "tcp_lost_packets", "tcp_unrecovered_to", "host",
] as const;

/** An export's file is offered this long; the export job removes older ones (see removeExpiredExports). */
export const EXPORT_TTL_MS = 24 * 3600 * 1000;
const PAGE = 500;
const PROGRESS_EVERY_MS = 1000;
/** a page of an export may read longer than an interactive search's */
const PAGE_TIMEOUT_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FlowExportRow {
  id: string;
  tenantId: string;
  clusterId: string;
  userId: string;
  format: string;
  status: "QUEUED" | "RUNNING" | "DONE" | "FAILED";
  progress: number;
  records: bigint;
  file: string | null;
  error: string | null;
  createdAt: Date;
}

export const exportFileName = (id: string, format: string) => `${id}.${format === "CSV" ? "csv" : "jsonl"}`;

/**
 * flowExport: checks the caller, the cluster, the window and the filter, writes the export's row and enqueues
 * the job. The caller's visibility now travels with the job, so the file holds what the caller may see.
 */
export async function startFlowExport(
  deps: CoreDeps,
  subject: Subject,
  a: { clusterId: string; from: Date; to: Date; filter?: FlowFilterInput | null; format: FlowExportFormat },
): Promise<FlowExportRow> {
  if (a.format !== "CSV" && a.format !== "JSONL") throw badInput("format", "format must be CSV or JSONL");
  const { row, visibleNamespaces } = await deps.db.withTenant(subject.tenantId, async (tx) => {
    const access = await flowAccess(tx, subject, a.clusterId);
    await compileFlowFilter(tx, "raw", a.filter, { clusterId: a.clusterId, from: a.from, to: a.to, visibleNamespaces: access.visibleNamespaces });
    const row = await tx.flowExport.create({
      data: { tenantId: subject.tenantId, clusterId: a.clusterId, userId: subject.userId, format: a.format, filter: (a.filter ?? {}) as object, from: a.from, to: a.to },
    });
    return { row, visibleNamespaces: access.visibleNamespaces };
  });
  await deps.jobs.enqueue("flow-export", { tenantId: subject.tenantId, exportId: row.id, visibleNamespaces });
  return row as FlowExportRow;
}

/**
 * An export the caller may see: of their tenant (row-level security), of a cluster whose flow logs they may
 * list, and made by them unless they see every namespace (a narrower user must not read a wider export).
 * NOT_FOUND otherwise, and once expired.
 */
export async function findFlowExport(tx: Tx, subject: Subject, id: string, now: Date): Promise<FlowExportRow> {
  const row = UUID.test(id) ? await tx.flowExport.findUnique({ where: { id } }) : null;
  if (!row || now.getTime() - row.createdAt.getTime() > EXPORT_TTL_MS) throw notFound(`flow export ${id}`);
  const access = await flowAccess(tx, subject, row.clusterId);
  if (access.visibleNamespaces !== null && row.userId !== subject.userId) throw notFound(`flow export ${id}`);
  return row as FlowExportRow;
}

export function flowExportStatus(deps: CoreDeps, subject: Subject, id: string): Promise<FlowExportRow | null> {
  return deps.db.withTenant(subject.tenantId, async (tx) => {
    try {
      return await findFlowExport(tx, subject, id, deps.now());
    } catch (e) {
      if ((e as { code?: string }).code === "NOT_FOUND") return null;
      throw e;
    }
  });
}

const cell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * The flow-export job: streams the search, a page at a time in keyset order (oldest first), into
 * exportDir/<id>.csv|.jsonl, keeping the count and progress (how far into the window it has written) on the row. Safe to run twice: a done export is
 * left alone, an interrupted one is written again from the start (to a .part file renamed when complete).
 */
export async function runFlowExport(deps: CoreDeps, p: { tenantId: string; exportId: string; visibleNamespaces: string[] | null }): Promise<{ records: number } | { skipped: string }> {
  await removeExpiredExports(deps);
  const row = await deps.db.withTenant(p.tenantId, (tx) => tx.flowExport.findUnique({ where: { id: p.exportId } }));
  if (!row) return { skipped: "the export is gone" };
  if (row.status === "DONE") return { skipped: "already done" };
  const access = { clusterId: row.clusterId, visibleNamespaces: p.visibleNamespaces };
  const filter = row.filter as FlowFilterInput;
  const query = { clusterId: row.clusterId, from: row.from, to: row.to, filter, sort: "TIME_ASC" as const, first: PAGE };
  const update = (data: Parameters<Tx["flowExport"]["update"]>[0]["data"]) => deps.db.withTenant(p.tenantId, (tx) => tx.flowExport.update({ where: { id: row.id }, data }));

  const dir = deps.config.flows.exportDir;
  const file = exportFileName(row.id, row.format);
  const part = path.join(dir, `${file}.part`);
  try {
    await update({ status: "RUNNING", progress: 0, records: 0, error: null });
    await mkdir(dir, { recursive: true });
    const out = createWriteStream(part);
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, "drain");
    };
    let written = 0;
    let after: string | null = null;
    let reported = Date.now();
    try {
      if (row.format === "CSV") await write(stringify([[...EXPORT_COLUMNS]]));
      for (;;) {
        const page = await deps.db.withTenant(p.tenantId, (tx) => searchFlowLogRecords(tx, access, { ...query, after }, PAGE_TIMEOUT_MS), { timeoutMs: PAGE_TIMEOUT_MS + 30_000 });
        if (page.records.length > 0) {
          await write(
            row.format === "CSV"
              ? stringify(page.records.map((r) => EXPORT_COLUMNS.map((c) => cell(r.record[c]))))
              : page.records.map((r) => `${JSON.stringify(r.record)}\n`).join(""),
          );
        }
        written += page.records.length;
        after = page.endCursor;
        if (!page.hasNextPage) break;
        if (Date.now() - reported >= PROGRESS_EVERY_MS) {
          reported = Date.now();
          // pages come oldest first: the last record's start says how much of the window is written
          const last = (page.records.at(-1)!.record.start_time as number) * 1000;
          await update({ progress: Math.min(0.99, Math.max(0, (last - row.from.getTime()) / (row.to.getTime() - row.from.getTime()))), records: written });
        }
      }
    } finally {
      out.end();
      await once(out, "close");
    }
    await rename(part, path.join(dir, file));
    await update({ status: "DONE", progress: 1, records: written, file, finishedAt: deps.now() });
    return { records: written };
  } catch (e) {
    await rm(part, { force: true }).catch(() => {});
    await update({ status: "FAILED", error: (e as Error).message.slice(0, 1000), finishedAt: deps.now() }).catch(() => {});
    throw e;
  }
}

/**
 * Housekeeping run by every export job: files in exportDir and export rows older than EXPORT_TTL_MS go, for
 * every tenant (a tenant that exports nothing more is cleaned up by the next export of anyone).
 */
export async function removeExpiredExports(deps: CoreDeps): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - EXPORT_TTL_MS);
  // files first: a row that is gone then means its file is gone too (a row left without its file answers 404)
  const dir = deps.config.flows.exportDir;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!/^[0-9a-f-]{36}\.(csv|jsonl)(\.part)?$/.test(name)) continue;
    const s = await stat(path.join(dir, name)).catch(() => null);
    if (s && s.mtime < cutoff) await rm(path.join(dir, name), { force: true });
  }
  // cross-tenant: housekeeping of expired export files, which belong to no request's tenant
  const { count } = await deps.db.system.flowExport.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}
