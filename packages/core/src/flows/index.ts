export { FLOW_TABLES, partitionName, dayOf, createPartitionSql, ensurePartitions, daysAhead, listPartitions, dropPartitionsBefore, type FlowTable } from "./partitions.ts";
export { flowRecordProblem, type FlowRecord } from "./records.ts";
export { runFlowRetention, PARTITIONS_AHEAD_DAYS, type RetentionDefaults, type RetentionOutcome } from "./retention.ts";
export { parseTraceEntry, traceOf, decidingEntry, isStagedName, directionOf, type TraceEntry } from "./trace.ts";
export { labelList, labelMap } from "./labels.ts";
export { rollupsOf, minuteOf, type GraphRollup, type PolicyRollup } from "./rollups.ts";
export { compileFlowFilter, flowWindow, rollupCanAnswer, FILTERABLE_FIELDS, type FlowFilterInput, type FlowScope, type PolicyHitInput, type FieldMatch, type EndpointType } from "./filter.ts";
export { flowAccess, type FlowAccess } from "./access.ts";
export { flowGraph, graphSql, ONE_RECORD_PER_CONNECTION, ROLLUP_AFTER_MS, type FlowGraph, type FlowGraphArgs, type FlowGraphNode, type FlowGraphEdge, type FlowGraphView, type FlowEdgeAction, type FlowDataSource, type FlowVisibility } from "./graph.ts";
