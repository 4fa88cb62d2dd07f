import type pg from "pg";

/**
 * Ids of the distinct label sets of a cluster's flow ends (flow_label_sets), cached per process. Sets are
 * a dictionary: inserting one outside the batch's transaction is harmless if the batch then fails.
 */
export class LabelSets {
  private readonly ids = new Map<string, number>();

  private static key(clusterId: string, labels: readonly string[]): string {
    return `${clusterId}\u0000${labels.join("\u0001")}`;
  }

  /** Makes sure every list has an id; afterwards `idOf` answers them. */
  async resolve(client: pg.PoolClient, tenantId: string, clusterId: string, lists: Iterable<string[] | null>): Promise<void> {
    const missing = new Map<string, string[]>();
    for (const l of lists) if (l && !this.ids.has(LabelSets.key(clusterId, l))) missing.set(LabelSets.key(clusterId, l), l);
    for (let attempt = 0; missing.size > 0 && attempt < 3; attempt++) {
      const wanted = JSON.stringify([...missing.values()]);
      await client.query("BEGIN");
      try {
        await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
        // a set inserted by a racing batch is invisible to this statement's snapshot; the next attempt sees it
        const res = await client.query<{ id: string; labels: string[] }>(
          `WITH input AS (SELECT ARRAY(SELECT jsonb_array_elements_text(j)) AS labels FROM jsonb_array_elements($3::jsonb) j),
                ins AS (INSERT INTO flow_label_sets (tenant_id, cluster_id, labels) SELECT $1::uuid, $2::uuid, labels FROM input
                        ON CONFLICT (cluster_id, labels) DO NOTHING RETURNING id, labels)
           SELECT id, labels FROM ins
           UNION ALL SELECT s.id, s.labels FROM flow_label_sets s JOIN input i ON s.labels = i.labels WHERE s.cluster_id = $2::uuid`,
          [tenantId, clusterId, wanted],
        );
        await client.query("COMMIT");
        for (const row of res.rows) {
          const k = LabelSets.key(clusterId, row.labels);
          this.ids.set(k, Number(row.id));
          missing.delete(k);
        }
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      }
    }
    if (missing.size > 0) throw new Error(`could not record ${missing.size} flow label sets`);
  }

  idOf(clusterId: string, labels: readonly string[] | null): number {
    if (!labels) return 0;
    const id = this.ids.get(LabelSets.key(clusterId, labels));
    if (id === undefined) throw new Error("label set not resolved");
    return id;
  }
}
