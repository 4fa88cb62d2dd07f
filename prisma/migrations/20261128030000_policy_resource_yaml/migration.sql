-- The YAML of a policy resource, serialised once when it is written: listing 1,000 policies or writing
-- the audit events of a 500-document apply otherwise serialises every resource again (see apps/api/bench).
-- Rows written before this column existed keep NULL and are serialised on read.
-- AlterTable
ALTER TABLE "policy_resources" ADD COLUMN     "yaml" TEXT;
