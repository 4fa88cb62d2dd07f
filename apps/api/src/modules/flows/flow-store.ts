import { dayOf, decidingEntry, ensurePartitions, flowRecordProblem, labelList, rollupsOf, traceOf, writeRollups, type FlowRecord, type LivePublisher } from "@palisade/core";
import type { Database } from "@palisade/db";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { arrayLiteral, copyField } from "./copy-text.ts";
import { LabelSets } from "./label-sets.ts";

export const FLOW_COLUMNS = [
  "tenant_id", "cluster_id", "batch_id", "start_time", "end_time", "source_type", "source_namespace", "source_name_aggr", "source_ip",
  "dest_type", "dest_namespace", "dest_name_aggr", "dest_ip", "dest_port", "proto", "action", "reporter", "num_flows", "bytes_in", "bytes_out", "record",
  "source_name", "source_port", "source_labels_id", "dest_name", "dest_labels_id", "dest_service_namespace", "dest_service_name", "packets_in", "packets_out", "host",
  "enforced_policies", "pending_policies", "policy_tier", "policy_name", "policy_rule", "ordinal",
] as const;

export interface StoredBatch {
  /** true: this batch id was stored before; nothing was written this time */
  duplicate: boolean;
  records: number;
}

export class BatchRefused extends Error {}

/** "no partition of relation found for row" */
const NO_PARTITION = "23514";

const text = (v: unknown): string | null => (typeof v === "string" && v !== "-" ? v : null);
const int = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** COPY text for records of one batch: one line per record, columns as FLOW_COLUMNS. */
export function copyRows(tenantId: string, clusterId: string, batchId: string, records: Record<string, unknown>[], labelSetId: (labels: string[] | null) => number = () => 0): string {
  let out = "";
  for (const [ordinal, raw] of records.entries()) {
    const r = raw as unknown as FlowRecord;
    const trace = traceOf(raw);
    const deciding = decidingEntry(trace.enforced);
    const sourceLabels = labelList(raw.source_labels);
    const destLabels = labelList(raw.dest_labels);
    out +=
      [
        tenantId, clusterId, batchId, new Date(r.start_time * 1000).toISOString(), new Date(r.end_time * 1000).toISOString(),
        r.source_type, r.source_namespace, r.source_name_aggr, r.source_ip, r.dest_type, r.dest_namespace, r.dest_name_aggr, r.dest_ip,
        r.dest_port ?? null, r.proto, r.action, r.reporter, r.num_flows, r.bytes_in, r.bytes_out, JSON.stringify(raw),
        text(raw.source_name), int(raw.source_port), sourceLabels ? labelSetId(sourceLabels) : null, text(raw.dest_name), destLabels ? labelSetId(destLabels) : null,
        text(raw.dest_service_namespace), text(raw.dest_service_name), int(raw.packets_in), int(raw.packets_out), text(raw.host),
        arrayLiteral(trace.enforced), arrayLiteral(trace.pending), deciding?.tier ?? null, deciding?.name ?? null, deciding?.rule ?? null, ordinal,
      ]
        .map(copyField)
        .join("\t") + "\n";
  }
  return out;
}

/**
 * Flow batches into the day-partitioned flow_logs table with COPY. The batch id goes into flow_batches in
 * the same transaction, first: a batch that arrives again (the connector resends until acknowledged) finds
 * its id and writes nothing; two copies racing wait on the id's row and the second writes nothing.
 * Ingestion routing is cross-tenant by nature, so it runs on the owner's connection, with app.tenant_id set
 * all the same so row-level security holds where the owner is not a superuser. A committed batch is then
 * published for the live `flows` subscription (a large one as a sample, see live.ts).
 */
export class FlowStore {
  private readonly pool: pg.Pool;
  private readonly partitions = new Set<string>();
  private readonly labelSets = new LabelSets();

  constructor(
    private readonly db: Database,
    ownerUrl: string,
    poolSize = 4,
    /** where committed batches go for the live `flows` subscription; none: not published */
    private readonly live: Pick<LivePublisher, "publish"> | null = null,
  ) {
    this.pool = new pg.Pool({ connectionString: ownerUrl, max: poolSize });
  }

  async store(args: { tenantId: string; clusterId: string; batchId: string; records: Record<string, unknown>[]; receivedAt: Date }): Promise<StoredBatch> {
    try {
      return await this.storeOnce(args);
    } catch (e) {
      // retention (another process) dropped a partition this process still believed in: create it and retry
      if ((e as { code?: string }).code !== NO_PARTITION) throw e;
      this.partitions.clear();
      return this.storeOnce(args);
    }
  }

  private async storeOnce(args: { tenantId: string; clusterId: string; batchId: string; records: Record<string, unknown>[]; receivedAt: Date }): Promise<StoredBatch> {
    for (const [i, r] of args.records.entries()) {
      const problem = flowRecordProblem(r);
      if (problem) throw new BatchRefused(`record ${i}: ${problem}`);
    }
    const days = new Map<string, Date>();
    for (const r of args.records) {
      const d = dayOf(new Date((r.start_time as number) * 1000));
      days.set(d.toISOString(), d);
    }
    const missing = [...days.entries()].filter(([k]) => !this.partitions.has(k));
    if (missing.length > 0) {
      await ensurePartitions(this.db, missing.map(([, d]) => d));
      for (const [k] of missing) this.partitions.add(k);
    }
    const client = await this.pool.connect();
    try {
      const lists = args.records.flatMap((r) => [labelList(r.source_labels), labelList(r.dest_labels)]);
      await this.labelSets.resolve(client, args.tenantId, args.clusterId, lists);
      const labelSetId = (l: string[] | null) => this.labelSets.idOf(args.clusterId, l);
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [args.tenantId]);
      const inserted = await client.query(
        `INSERT INTO flow_batches (cluster_id, id, tenant_id, records, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [args.clusterId, args.batchId, args.tenantId, args.records.length, args.receivedAt],
      );
      if (inserted.rowCount === 0) {
        await client.query("ROLLBACK");
        return { duplicate: true, records: args.records.length };
      }
      const copy = client.query(copyFrom(`COPY flow_logs (${FLOW_COLUMNS.join(", ")}) FROM STDIN`));
      await pipeline(Readable.from([copyRows(args.tenantId, args.clusterId, args.batchId, args.records, labelSetId)]), copy);
      const rollups = rollupsOf(args.records, labelSetId);
      await writeRollups((sql, params) => client.query(sql, params), args.tenantId, args.clusterId, rollups);
      await client.query("COMMIT");
      // the batch is stored whatever happens to its live copy
      if (this.live) await this.live.publish(args.tenantId, args.clusterId, args.records).catch(() => false);
      return { duplicate: false, records: args.records.length };
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  /** A partition dropped by retention must be created again if an old record arrives. */
  forgetPartitions(): void {
    this.partitions.clear();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
