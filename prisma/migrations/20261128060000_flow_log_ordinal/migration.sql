-- A record's position in its batch. (start_time, batch_id, ordinal) identifies a flow log for keyset paging:
-- ctid is not stable across partitions, and two records of one batch may share every other column.
ALTER TABLE "flow_logs" ADD COLUMN "ordinal" INTEGER NOT NULL DEFAULT 0;
