-- Delta policy sync: each version of a Palisade-managed resource records the cluster's desired revision it
-- belongs to, so a connector that acknowledged revision R can be sent only what changed after R.

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "delta_floor_revision" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "policy_resource_versions" ADD COLUMN     "cluster_revision" BIGINT;

-- CreateIndex
CREATE INDEX "policy_resource_versions_cluster_id_cluster_revision_idx" ON "policy_resource_versions"("cluster_id", "cluster_revision");

-- Versions written before this migration carry no cluster revision: changes are complete only from each
-- cluster's current revision on; a connector behind it gets the whole state.
UPDATE "clusters" SET "delta_floor_revision" = "desired_revision";
