// @palisade/cluster-sim: a simulated Kubernetes cluster for tests and the demo. Never for production.
export { startCluster, SimCluster, type SimOptions } from "./cluster/sim-cluster.ts";
export type { ClusterOptions } from "./cluster/api-cluster.ts";
export type { RunnableImage } from "./workloads/process-runner.ts";
export type { FlowLogRecord } from "./dataplane/flow-log-record.ts";
export type { ConnectionResult } from "./dataplane/dataplane.ts";
export { STARS, STOREFRONT, scenarioConnections, type Connection, type EndpointRef } from "./dataplane/connections.ts";
export { scenarioFile, scenarioFilePath, scenarioNames, type ScenarioName } from "./scenarios/catalog.ts";
export type { KubeObject } from "./store/kube-object.ts";
export { Faults } from "./faults/faults.ts";
export { kubeBenchResults } from "./kube-bench/results.ts";
