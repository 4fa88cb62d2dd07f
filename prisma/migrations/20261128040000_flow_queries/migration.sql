-- CreateEnum
CREATE TYPE "FlowExportStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "flow_log_retention_days" INTEGER,
ADD COLUMN     "flow_rollup_retention_days" INTEGER;

-- CreateTable
CREATE TABLE "flow_exports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "format" TEXT NOT NULL,
    "filter" JSONB NOT NULL DEFAULT '{}',
    "from_time" TIMESTAMPTZ(3) NOT NULL,
    "to_time" TIMESTAMPTZ(3) NOT NULL,
    "status" "FlowExportStatus" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "records" BIGINT NOT NULL DEFAULT 0,
    "file" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "flow_exports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "flow_exports_tenant_id_created_at_idx" ON "flow_exports"("tenant_id", "created_at");


-- ---- hand-written ----
ALTER TABLE "flow_exports" ADD CONSTRAINT "flow_exports_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE;
ALTER TABLE "flow_exports" ADD CONSTRAINT "flow_exports_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE;

-- Every distinct label set seen on a flow end, per cluster. Records and rollups carry the set's id, so a
-- label selector is evaluated once per distinct set (in the API, with the policy engine's selectors) and
-- the query filters on ids. 0 means "no labels reported".
CREATE TABLE "flow_label_sets" (
    "id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "labels" TEXT[] NOT NULL
);
CREATE UNIQUE INDEX "flow_label_sets_cluster_labels_key" ON "flow_label_sets" ("cluster_id", "labels");
CREATE INDEX "flow_label_sets_tenant_cluster_idx" ON "flow_label_sets" ("tenant_id", "cluster_id");

-- The record's fields that queries filter and sort on, lifted from `record` at ingest. The deciding
-- policy is the last entry of the enforced trace (the one whose action is the record's).
ALTER TABLE "flow_logs"
    ADD COLUMN "source_name" TEXT,
    ADD COLUMN "source_port" INTEGER,
    ADD COLUMN "source_labels_id" BIGINT,
    ADD COLUMN "dest_name" TEXT,
    ADD COLUMN "dest_labels_id" BIGINT,
    ADD COLUMN "dest_service_namespace" TEXT,
    ADD COLUMN "dest_service_name" TEXT,
    ADD COLUMN "packets_in" BIGINT,
    ADD COLUMN "packets_out" BIGINT,
    ADD COLUMN "host" TEXT,
    ADD COLUMN "enforced_policies" TEXT[],
    ADD COLUMN "pending_policies" TEXT[],
    ADD COLUMN "policy_tier" TEXT,
    ADD COLUMN "policy_name" TEXT,
    ADD COLUMN "policy_rule" INTEGER;
-- "what is being denied": the labs' first question, and selective
CREATE INDEX "flow_logs_tenant_cluster_action_time_idx" ON "flow_logs" ("tenant_id", "cluster_id", "action", "start_time");

-- Per-minute rollups, kept as batches arrive (in the batch's transaction, so a batch counts once). Keys are
-- the flow graph's (ends, port, protocol, action, reporter, the deciding policy); the graph reads these for
-- windows over an hour. Absent values are stored as '' and -1 so the key can be unique.
CREATE TABLE "flow_rollups" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "source_type" TEXT NOT NULL,
    "source_namespace" TEXT NOT NULL,
    "source_name_aggr" TEXT NOT NULL,
    "source_labels_id" BIGINT NOT NULL,
    "dest_type" TEXT NOT NULL,
    "dest_namespace" TEXT NOT NULL,
    "dest_name_aggr" TEXT NOT NULL,
    "dest_labels_id" BIGINT NOT NULL,
    "dest_port" INTEGER NOT NULL,
    "proto" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reporter" TEXT NOT NULL,
    "policy_tier" TEXT NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_rule" INTEGER NOT NULL,
    "records" INTEGER NOT NULL,
    "num_flows" BIGINT NOT NULL,
    "packets_in" BIGINT NOT NULL,
    "packets_out" BIGINT NOT NULL,
    "bytes_in" BIGINT NOT NULL,
    "bytes_out" BIGINT NOT NULL
) PARTITION BY RANGE ("minute");
CREATE UNIQUE INDEX "flow_rollups_key" ON "flow_rollups" ("tenant_id", "cluster_id", "minute", "source_type", "source_namespace", "source_name_aggr", "source_labels_id", "dest_type", "dest_namespace", "dest_name_aggr", "dest_labels_id", "dest_port", "proto", "action", "reporter", "policy_tier", "policy_name", "policy_rule");

-- Per-minute counts per policy trace entry (enforced and pending traces), for the policy board: which
-- policy and rule allowed, denied or passed how many connections. `rule` -1 is the tier's end.
CREATE TABLE "flow_policy_rollups" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "pending" BOOLEAN NOT NULL,
    "tier" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "rule" INTEGER NOT NULL,
    "reporter" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "records" INTEGER NOT NULL,
    "num_flows" BIGINT NOT NULL
) PARTITION BY RANGE ("minute");
CREATE UNIQUE INDEX "flow_policy_rollups_key" ON "flow_policy_rollups" ("tenant_id", "cluster_id", "minute", "pending", "tier", "policy", "rule", "reporter", "action");

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flow_label_sets', 'flow_rollups', 'flow_policy_rollups', 'flow_exports'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = palisade_current_tenant()) WITH CHECK (tenant_id = palisade_current_tenant())', t);
  END LOOP;
END $$;

GRANT SELECT ON "flow_label_sets", "flow_rollups", "flow_policy_rollups" TO palisade_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON "flow_exports" TO palisade_tenant;
