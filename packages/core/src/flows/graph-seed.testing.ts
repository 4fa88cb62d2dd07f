// Test support: flow records stored the way ingest stores them (raw row, label-set ids, the rollups at both levels
// as ingest writes them), for the graph and board tests. Not exported from the package.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Database } from "@palisade/db";
import { FLOW_COLUMN_TYPES, FLOW_COLUMNS, flowRow } from "./flow-row.ts";
import { labelList } from "./labels.ts";
import { ensurePartitions } from "./partitions.ts";
import { writeRollups } from "./rollup-writes.ts";
import { rollupsOf } from "./rollups.ts";

/** One traffic round of the simulated storefront at stage E (zones and the rogue pod applied), as the simulator wrote it. */
export function storefrontRound(): Record<string, unknown>[] {
  return readFileSync(new URL("../../../../apps/api/src/modules/flows/fixtures/storefront-round.jsonl", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The records moved to start (and end) at a unix second. */
export const at = (records: Record<string, unknown>[], t: number) => records.map((r) => ({ ...r, start_time: t, end_time: t }));

/** Stores records for a tenant's cluster as one batch: label sets, flow_logs rows and the rollups, with ingest's own row and rollup code. */
export async function seedFlows(db: Database, tenantId: string, clusterId: string, records: Record<string, unknown>[]): Promise<void> {
  await ensurePartitions(db, [...new Set(records.map((r) => Math.floor((r.start_time as number) / 86400)))].map((d) => new Date(d * 86400_000)));
  const ids = new Map<string, number>();
  for (const r of records) {
    for (const l of [labelList(r.source_labels), labelList(r.dest_labels)]) {
      if (!l || ids.has(l.join("\u0001"))) continue;
      const row = await db.system.$queryRawUnsafe<{ id: bigint }[]>(
        `INSERT INTO flow_label_sets (tenant_id, cluster_id, labels) VALUES ($1::uuid, $2::uuid, $3::text[])
         ON CONFLICT (cluster_id, labels) DO UPDATE SET labels = EXCLUDED.labels RETURNING id`,
        tenantId, clusterId, l,
      );
      ids.set(l.join("\u0001"), Number(row[0]!.id));
    }
  }
  const idOf = (l: string[] | null) => (l ? ids.get(l.join("\u0001"))! : 0);
  const insert = `INSERT INTO flow_logs (${FLOW_COLUMNS.join(", ")}) VALUES (${FLOW_COLUMNS.map((c, i) => `$${i + 1}::${FLOW_COLUMN_TYPES[c]}`).join(", ")})`;
  const batchId = randomUUID();
  for (const [ordinal, r] of records.entries()) await db.system.$executeRawUnsafe(insert, ...flowRow(tenantId, clusterId, batchId, ordinal, r, idOf));
  await writeRollups((sql, params) => db.system.$executeRawUnsafe(sql, ...params), tenantId, clusterId, rollupsOf(records, idOf));
}
