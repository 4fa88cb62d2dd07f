import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ApiCluster, type ClusterOptions } from "./api-cluster.ts";
import { createInternal } from "../api/resource-handlers.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { serverTls } from "../api/tls.ts";
import { PodIpAllocator } from "../workloads/pod-ips.ts";
import { podAdmission } from "../workloads/pod-admission.ts";
import { PodLogs } from "../workloads/pod-logs.ts";
import { ProcessRunner, type RunnableImage } from "../workloads/process-runner.ts";
import { DeploymentController } from "../workloads/deployment-controller.ts";
import { DaemonSetController } from "../workloads/daemonset-controller.ts";
import { deploymentScaleHandler } from "../workloads/deployment-scale.ts";
import { initialYaml, type ScenarioName } from "../scenarios/catalog.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { calicoValidation } from "./calico-validation.ts";
import { runTokenSecretController, tokenRequestHandler } from "../auth/service-account-tokens.ts";
import { Dataplane, type ConnectionResult } from "../dataplane/dataplane.ts";
import { scenarioConnections, type Connection } from "../dataplane/connections.ts";
import type { FlowLogRecord } from "../dataplane/flow-log-record.ts";
import { kubeBenchConfigMaps, kubeBenchResults } from "../kube-bench/results.ts";

const POD = RESOURCE_TYPES.find((t) => t.kind === "Pod")!;

export interface SimOptions extends ClusterOptions {
  scenario?: ScenarioName;
  /** Images run as local processes: image name -> command. */
  runnables?: Record<string, RunnableImage>;
  /** Readiness probe period for runnable pods (default 250 ms, whatever periodSeconds says). */
  probePeriodMs?: number;
  /** Append flow logs to this file (JSON lines, Calico field names). */
  flowLogPath?: string;
  /** Flow log aggregation interval (default 15 s, Calico's). */
  flushIntervalMs?: number;
  /** Traffic generator rounds per second (default 1); 0 makes connections only on advance(). */
  rate?: number;
  /** More YAML texts to load after the scenario. */
  extraYaml?: string[];
  /** Connections to make instead of the scenario's. */
  connections?: Connection[];
}

/** The simulated cluster: API server plus the workload controllers and the process runner. */
export class SimCluster extends ApiCluster {
  readonly logs = new PodLogs();
  readonly runner: ProcessRunner;
  private readonly runDir = mkdtempSync(join(tmpdir(), "palisade-sim-pods-"));
  private readonly ips = new PodIpAllocator();
  readonly dataplane: Dataplane;

  constructor(readonly simOpts: SimOptions = {}) {
    super({ ...simOpts, scenarioName: simOpts.scenarioName ?? simOpts.scenario ?? "empty" });
    this.runner = new ProcessRunner({
      store: this.store,
      tokens: this.tokens,
      logs: this.logs,
      apiUrl: () => this.url,
      caPem: serverTls().cert,
      rootDir: this.runDir,
      probePeriodMs: simOpts.probePeriodMs ?? 250,
      // A node's /var/log/calico/flowlogs is where Felix writes flows.log: the flow log's directory here.
      hostPath: (p) => (simOpts.flowLogPath && p.replace(/\/+$/, "") === "/var/log/calico/flowlogs" ? dirname(simOpts.flowLogPath) : join(this.runDir, "host", p)),
      // a claim's volume outlives the pods that mount it (no provisioner: a directory of this run)
      claimPath: (ns, claim) => this.claimDir(ns, claim),
      extraEnv: (): Record<string, string> => (simOpts.flowLogPath ? { SIM_FLOW_LOG: simOpts.flowLogPath } : {}),
    });
    for (const [image, spec] of Object.entries(simOpts.runnables ?? {})) this.runner.register(image, spec);
    this.admission.push(calicoValidation);
    this.admission.push(podAdmission(this.ips, (image) => this.runner.isRunnable(image), () => this.store.timestamp()));
    this.store.subscribe((e) => {
      const ip = (e.object.status as { podIP?: string } | undefined)?.podIP;
      if (e.resource.kind === "Pod" && e.type === "DELETED" && ip && !(e.object.spec as { hostNetwork?: boolean }).hostNetwork) this.ips.release(ip);
      // the claim's volume goes with it, as a dynamically provisioned volume does (reclaim policy Delete)
      if (e.resource.kind === "PersistentVolumeClaim" && e.type === "DELETED") rmSync(this.claimDir(e.object.metadata.namespace!, e.object.metadata.name), { recursive: true, force: true });
    });
    this.subresources.set("serviceaccounts/token", tokenRequestHandler(this.store, this.tokens));
    this.onStop(runTokenSecretController(this.store, this.tokens, serverTls().cert));
    this.subresources.set("deployments/scale", deploymentScaleHandler(this.store));
    this.subresources.set("pods/log", this.logs.handler((ns, name) => !!this.store.peek(POD, ns, name)));
    const createPod = (p: KubeObject) => createInternal(this.env(), POD, p, "kube-controller-manager");
    const deployments = new DeploymentController(this.store, createPod, this.random);
    const daemonsets = new DaemonSetController(this.store, createPod, this.random);
    this.onStop(() => {
      deployments.stop();
      daemonsets.stop();
    });
    this.dataplane = new Dataplane({
      store: this.store,
      connections: simOpts.connections ?? scenarioConnections(simOpts.scenario ?? "empty"),
      random: this.random,
      flowLogPath: simOpts.flowLogPath,
      flushIntervalMs: simOpts.flushIntervalMs,
      rate: simOpts.rate,
    });
    this.onStop(() => {
      this.dataplane.flush();
      this.dataplane.stop();
    });
    this.onStop(async () => {
      await this.runner.stop();
      rmSync(this.runDir, { recursive: true, force: true });
    });
  }

  /** Runs pods with this image as `command` (register before the pods are created). */
  /** Where a PersistentVolumeClaim's volume is: a directory of this run, for every pod that mounts the claim. */
  claimDir(namespace: string, claimName: string): string {
    return join(this.runDir, "_claims", namespace, claimName) // "_": no namespace (a pod directory) has that name;
  }

  registerImage(image: string, spec: RunnableImage): void {
    this.runner.register(image, spec);
  }

  /** What the pod's processes wrote to stdout and stderr (kept after the pod is deleted). */
  podLogs(namespace: string, name: string): string {
    return this.logs.get(namespace, name);
  }

  /** Makes every scenario connection `rounds` times now, judged by the policies stored at this moment. */
  advance(rounds = 1): ConnectionResult[] {
    return this.dataplane.advance(rounds);
  }

  /** Ends the flow-log aggregation interval: appends its records to the flow log and returns them. */
  flush(): FlowLogRecord[] {
    return this.dataplane.flush();
  }

  /** Every flow-log record flushed so far. */
  flowLogs(): FlowLogRecord[] {
    return this.dataplane.records();
  }

  /** kube-bench JSON per node, as also stored in the kube-system ConfigMaps `kube-bench-<node>`. */
  kubeBench(): ReturnType<typeof kubeBenchResults> {
    return kubeBenchResults();
  }

  /** Pods of a namespace matching all the given labels. */
  pods(namespace: string, labels: Record<string, string> = {}): KubeObject[] {
    return this.store.list(POD, namespace, (p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
  }
}

/** Starts a simulated cluster: API server listening, scenario loaded, controllers running. */
export async function startCluster(opts: SimOptions = {}): Promise<SimCluster> {
  const sim = new SimCluster(opts);
  await sim.start();
  for (const yaml of initialYaml(opts.scenario ?? "empty")) sim.load(yaml);
  for (const cm of kubeBenchConfigMaps()) sim.apply(cm, "kube-bench");
  for (const yaml of opts.extraYaml ?? []) sim.load(yaml);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  sim.dataplane.start();
  return sim;
}
