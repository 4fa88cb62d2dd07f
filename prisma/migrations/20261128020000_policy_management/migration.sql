-- CreateEnum
CREATE TYPE "ResourceOrigin" AS ENUM ('PALISADE', 'CLUSTER');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('ALLOWED', 'REFUSED');

-- CreateEnum
CREATE TYPE "AlertChannel" AS ENUM ('WEBHOOK', 'EMAIL');

-- CreateEnum
CREATE TYPE "AlertDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "desired_revision" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "policy_resources" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT '',
    "name" TEXT NOT NULL,
    "tier" TEXT,
    "resource" JSON NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "origin" "ResourceOrigin" NOT NULL DEFAULT 'PALISADE',
    "order" DECIMAL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_resources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_resource_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT '',
    "name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "resource" JSON,
    "audit_event_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_resource_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "token_role_bindings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "access_token_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "token_role_bindings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "roles" TEXT[],
    "prefix" TEXT NOT NULL,
    "hash" BYTEA NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "invited_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_display" TEXT NOT NULL,
    "source_address" TEXT,
    "request_id" TEXT,
    "verb" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "cluster_id" UUID,
    "namespace" TEXT,
    "name" TEXT,
    "tier" TEXT,
    "before_yaml" TEXT,
    "after_yaml" TEXT,
    "revision" INTEGER,
    "outcome" "AuditOutcome" NOT NULL,
    "reason" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "filter" JSONB NOT NULL,
    "channel" "AlertChannel" NOT NULL,
    "target" TEXT NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "status" "AlertDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "policy_resources_tenant_id_idx" ON "policy_resources"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "policy_resources_cluster_id_kind_namespace_name_key" ON "policy_resources"("cluster_id", "kind", "namespace", "name");

-- CreateIndex
CREATE INDEX "policy_resource_versions_cluster_id_kind_namespace_name_rev_idx" ON "policy_resource_versions"("cluster_id", "kind", "namespace", "name", "revision");

-- CreateIndex
CREATE INDEX "policy_resource_versions_tenant_id_idx" ON "policy_resource_versions"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "roles_tenant_id_name_key" ON "roles"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "token_role_bindings_tenant_id_idx" ON "token_role_bindings"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "token_role_bindings_access_token_id_role_key" ON "token_role_bindings"("access_token_id", "role");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_hash_key" ON "invitations"("hash");

-- CreateIndex
CREATE INDEX "invitations_tenant_id_idx" ON "invitations"("tenant_id");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_cluster_id_kind_namespace_name_idx" ON "audit_events"("tenant_id", "cluster_id", "kind", "namespace", "name");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_tenant_id_seq_key" ON "audit_events"("tenant_id", "seq");

-- CreateIndex
CREATE INDEX "alert_rules_tenant_id_idx" ON "alert_rules"("tenant_id");

-- CreateIndex
CREATE INDEX "alert_deliveries_tenant_id_idx" ON "alert_deliveries"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_rule_id_event_id_key" ON "alert_deliveries"("rule_id", "event_id");

-- AddForeignKey
ALTER TABLE "policy_resources" ADD CONSTRAINT "policy_resources_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Tenant-owned rows go with their tenant (the audit log excepted: it is append-only and outlives nothing it
-- records by design, so it carries no foreign key that a cascade would have to delete through).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['policy_resources', 'policy_resource_versions', 'roles', 'token_role_bindings', 'invitations', 'alert_rules', 'alert_deliveries'] LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE', t, t || '_tenant_id_fkey');
  END LOOP;
END $$;
ALTER TABLE "token_role_bindings" ADD CONSTRAINT "token_role_bindings_access_token_id_fkey" FOREIGN KEY ("access_token_id") REFERENCES "access_tokens"("id") ON DELETE CASCADE;

-- Row-level security, as for every tenant-owned table (see the foundation migration).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['policy_resources', 'policy_resource_versions', 'roles', 'token_role_bindings', 'invitations', 'audit_events', 'alert_rules', 'alert_deliveries'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = palisade_current_tenant()) WITH CHECK (tenant_id = palisade_current_tenant())', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON "policy_resources", "policy_resource_versions", "roles", "token_role_bindings", "invitations", "alert_rules", "alert_deliveries" TO palisade_tenant;

-- The audit log is append-only: the tenant role may only read and insert, and a trigger refuses UPDATE and
-- DELETE from anyone (an owner who disables it on purpose is what verifyAuditChain is for).
GRANT SELECT, INSERT ON "audit_events" TO palisade_tenant;
CREATE FUNCTION palisade_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION palisade_audit_append_only();
CREATE INDEX "audit_events_tenant_id_at_idx" ON "audit_events"("tenant_id", "at");
