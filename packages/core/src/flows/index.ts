export { partitionName, dayOf, createPartitionSql, ensurePartitions, daysAhead, dropExpiredFlowPartitions } from "./partitions.ts";
export { flowRecordProblem, type FlowRecord } from "./records.ts";
