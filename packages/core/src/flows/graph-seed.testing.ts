// Test support: flow records stored the way ingest stores them (raw row, label-set ids, the rollups at both levels
// as ingest writes them), for the graph and board tests. Not exported from the package.
import { readFileSync } from "node:fs";
import type { Database } from "@palisade/db";
import { labelList } from "./labels.ts";
import { ensurePartitions } from "./partitions.ts";
import { writeRollups } from "./rollup-writes.ts";
import { rollupsOf } from "./rollups.ts";
import { decidingEntry, traceOf } from "./trace.ts";

/** One traffic round of the simulated storefront at stage E (zones and the rogue pod applied), as the simulator wrote it. */
export function storefrontRound(): Record<string, unknown>[] {
  return readFileSync(new URL("../../../../apps/api/src/modules/flows/fixtures/storefront-round.jsonl", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The records moved to start (and end) at a unix second. */
export const at = (records: Record<string, unknown>[], t: number) => records.map((r) => ({ ...r, start_time: t, end_time: t }));

const text = (v: unknown): string | null => (typeof v === "string" && v !== "-" ? v : null);
const int = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Stores records for a tenant's cluster: flow_logs rows, label sets, and the per-minute rollups. */
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
  for (const r of records) {
    const trace = traceOf(r);
    const d = decidingEntry(trace.enforced);
    const sl = labelList(r.source_labels);
    const dl = labelList(r.dest_labels);
    await db.system.$executeRawUnsafe(
      `INSERT INTO flow_logs (tenant_id, cluster_id, batch_id, start_time, end_time, source_type, source_namespace, source_name_aggr, source_ip, dest_type, dest_namespace,
         dest_name_aggr, dest_ip, dest_port, proto, action, reporter, num_flows, bytes_in, bytes_out, record, source_name, source_port, source_labels_id, dest_name, dest_labels_id,
         dest_service_namespace, dest_service_name, packets_in, packets_out, host, enforced_policies, pending_policies, policy_tier, policy_name, policy_rule)
       VALUES ($1::uuid, $2::uuid, gen_random_uuid(), to_timestamp($3), to_timestamp($4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20::jsonb,
         $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31::text[], $32::text[], $33, $34, $35)`,
      tenantId, clusterId, r.start_time, r.end_time, r.source_type, r.source_namespace, r.source_name_aggr, r.source_ip ?? null, r.dest_type, r.dest_namespace,
      r.dest_name_aggr, r.dest_ip ?? null, int(r.dest_port), r.proto, r.action, r.reporter, r.num_flows, r.bytes_in, r.bytes_out, JSON.stringify(r),
      text(r.source_name), int(r.source_port), sl ? idOf(sl) : null, text(r.dest_name), dl ? idOf(dl) : null,
      text(r.dest_service_namespace), text(r.dest_service_name), int(r.packets_in), int(r.packets_out), text(r.host),
      trace.enforced, trace.pending, d?.tier ?? null, d?.name ?? null, d?.rule ?? null,
    );
  }
  await writeRollups((sql, params) => db.system.$executeRawUnsafe(sql, ...params), tenantId, clusterId, rollupsOf(records, idOf));
}
