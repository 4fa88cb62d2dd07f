import { dayOf, ensurePartitions, FLOW_COLUMNS, flowRecordProblem, flowRow, labelList, rollupsOf, writeRollups, type LivePublisher } from "@palisade/core";
import type { Database } from "@palisade/db";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { arrayLiteral, copyField } from "./copy-text.ts";
import { LabelSets } from "./label-sets.ts";


export interface StoredBatch {
  /** true: this batch id was stored before; nothing was written this time */
  duplicate: boolean;
  records: number;
}

export class BatchRefused extends Error {}

/** "no partition of relation found for row" */
const NO_PARTITION = "23514";

/** COPY text for records of one batch: one line per record, columns as FLOW_COLUMNS. */
export function copyRows(tenantId: string, clusterId: string, batchId: string, records: Record<string, unknown>[], labelSetId: (labels: string[]) => number = () => 0): string {
  let out = "";
  for (const [ordinal, raw] of records.entries()) {
    out += flowRow(tenantId, clusterId, batchId, ordinal, raw, labelSetId).map((v) => copyField(Array.isArray(v) ? arrayLiteral(v) : v)).join("\t") + "\n";
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
