export { partitionName, dayOf, createPartitionSql, ensurePartitions, daysAhead, dropExpiredFlowPartitions } from "./partitions.ts";
export { flowRecordProblem, type FlowRecord } from "./records.ts";
export { runFlowRetention, DEFAULT_FLOW_RETENTION_DAYS, PARTITIONS_AHEAD_DAYS } from "./retention.ts";
