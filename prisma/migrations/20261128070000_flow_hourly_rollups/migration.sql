-- Hourly levels of both rollups, kept by ingest in the batch's transaction beside the per-minute ones. A day
-- of per-minute graph rows is still about 1,100 keys a minute on a busy cluster (1.6 M rows for 10 M records):
-- summing them took 1.3 s. The flow graph and the policy board read whole hours here and the window's
-- partial hours from the per-minute tables. Same keys and partitioning (by day) as the per-minute tables.
CREATE TABLE "flow_rollups_hourly" (LIKE "flow_rollups" INCLUDING DEFAULTS) PARTITION BY RANGE ("minute");
ALTER TABLE "flow_rollups_hourly" RENAME COLUMN "minute" TO "hour";
CREATE UNIQUE INDEX "flow_rollups_hourly_key" ON "flow_rollups_hourly" ("tenant_id", "cluster_id", "hour", "source_type", "source_namespace", "source_name_aggr", "source_labels_id", "dest_type", "dest_namespace", "dest_name_aggr", "dest_labels_id", "dest_port", "proto", "action", "reporter", "policy_tier", "policy_name", "policy_rule");

CREATE TABLE "flow_policy_rollups_hourly" (LIKE "flow_policy_rollups" INCLUDING DEFAULTS) PARTITION BY RANGE ("minute");
ALTER TABLE "flow_policy_rollups_hourly" RENAME COLUMN "minute" TO "hour";
CREATE UNIQUE INDEX "flow_policy_rollups_hourly_key" ON "flow_policy_rollups_hourly" ("tenant_id", "cluster_id", "hour", "pending", "tier", "policy", "rule", "reporter", "action");

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flow_rollups_hourly', 'flow_policy_rollups_hourly'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = palisade_current_tenant()) WITH CHECK (tenant_id = palisade_current_tenant())', t);
  END LOOP;
END $$;

GRANT SELECT ON "flow_rollups_hourly", "flow_policy_rollups_hourly" TO palisade_tenant;
