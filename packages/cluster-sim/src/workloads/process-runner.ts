import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import type { TokenRegistry } from "../auth/users.ts";
import { serviceAccountUser } from "../auth/users.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { kubeconfigYaml } from "../cluster/kubeconfig.ts";
import { containerEnv, ContainerConfigError, volumeFiles, type ContainerSpec } from "./container-env.ts";
import { probeOnce } from "./readiness-probe.ts";
import { podStatus, type ContainerState } from "./pod-status.ts";
import { writeStatus } from "./status-writer.ts";
import type { PodLogs } from "./pod-logs.ts";

const POD = RESOURCE_TYPES.find((t) => t.kind === "Pod")!;

/** How to run a container image on this machine: the local command standing in for the image's entrypoint. */
export interface RunnableImage {
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

export interface RunnerDeps {
  store: ObjectStore;
  tokens: TokenRegistry;
  logs: PodLogs;
  apiUrl: () => string;
  caPem: string;
  rootDir: string;
  /** How often readiness probes run, whatever periodSeconds says (tests should not wait 10 s). */
  probePeriodMs: number;
  /** The real directory behind a node path of a hostPath volume. */
  hostPath: (nodePath: string) => string;
  /** The real directory behind a PersistentVolumeClaim: the same for every pod that mounts the claim. */
  claimPath: (namespace: string, claimName: string) => string;
  /** Extra environment for every runnable process (e.g. SIM_FLOW_LOG). */
  extraEnv: () => Record<string, string>;
}

interface Running {
  pod: KubeObject;
  dir: string;
  token: string;
  containers: Map<string, ContainerState>;
  children: Map<string, ChildProcess>;
  timers: Set<NodeJS.Timeout>;
  stopped: boolean;
}

/**
 * Runs the pods whose image is registered as runnable as local child processes, with the
 * container's env (values, secretKeyRef, configMapKeyRef, fieldRef, envFrom), its secret and
 * configMap volumes written under SIM_MOUNT_ROOT, a service-account token, and
 * KUBERNETES_SERVICE_HOST/PORT plus KUBECONFIG pointing back at this API server.
 */
export class ProcessRunner {
  private readonly images = new Map<string, RunnableImage>();
  private readonly running = new Map<string, Running>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: RunnerDeps) {
    this.unsubscribe = deps.store.subscribe((e) => {
      if (e.resource.kind !== "Pod") return;
      const k = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === "ADDED" && this.runnableContainers(e.object).length) {
        const pod = e.object;
        setImmediate(() => this.launch(pod));
      }
      if (e.type === "DELETED") void this.stopPod(k);
    });
  }

  register(image: string, spec: RunnableImage): void {
    this.images.set(image, spec);
  }

  /** `palisade/connector` matches `palisade/connector`, `palisade/connector:1.2` and `palisade/connector@sha256:...`. */
  imageFor(image: string): RunnableImage | undefined {
    for (const [k, v] of this.images) if (image === k || image.startsWith(`${k}:`) || image.startsWith(`${k}@`)) return v;
    return undefined;
  }

  isRunnable(image: string): boolean {
    return this.imageFor(image) !== undefined;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await Promise.all([...this.running.keys()].map((k) => this.stopPod(k)));
  }

  private runnableContainers(pod: KubeObject): ContainerSpec[] {
    return (((pod.spec as { containers?: ContainerSpec[] }).containers ?? []) as ContainerSpec[]).filter((c) => this.isRunnable(c.image));
  }

  private launch(pod: KubeObject): void {
    const ns = pod.metadata.namespace!;
    const k = `${ns}/${pod.metadata.name}`;
    if (this.running.has(k) || !this.deps.store.peek(POD, ns, pod.metadata.name)) return;
    const dir = join(this.deps.rootDir, ns, pod.metadata.name);
    const sa = (pod.spec as { serviceAccountName?: string }).serviceAccountName ?? "default";
    const token = randomBytes(24).toString("base64url");
    this.deps.tokens.add(token, serviceAccountUser(ns, sa));
    const containers = new Map<string, ContainerState>();
    for (const c of (pod.status as { containerStatuses?: ContainerState[] }).containerStatuses ?? []) containers.set(c.name, c);
    const r: Running = { pod, dir, token, containers, children: new Map(), timers: new Set(), stopped: false };
    this.running.set(k, r);

    const saDir = join(dir, "root", "var/run/secrets/kubernetes.io/serviceaccount");
    mkdirSync(saDir, { recursive: true });
    writeFileSync(join(saDir, "token"), token);
    writeFileSync(join(saDir, "namespace"), ns);
    writeFileSync(join(saDir, "ca.crt"), this.deps.caPem);
    writeFileSync(join(dir, "kubeconfig"), kubeconfigYaml(this.deps.apiUrl(), token, this.deps.caPem, { namespace: ns, user: `system:serviceaccount:${ns}:${sa}` }));
    for (const c of this.runnableContainers(pod)) this.startContainer(r, c, 0);
  }

  private startContainer(r: Running, c: ContainerSpec, attempt: number): void {
    if (r.stopped) return;
    const { store } = this.deps;
    const image = this.imageFor(c.image)!;
    const pod = store.peek(POD, r.pod.metadata.namespace, r.pod.metadata.name) ?? r.pod;
    const mountRoot = join(r.dir, "root");
    const url = new URL(this.deps.apiUrl());
    let env: Record<string, string>;
    try {
      env = containerEnv(store, pod, c);
      for (const v of volumeFiles(store, pod, c)) {
        const target = join(mountRoot, v.mountPath);
        if ("hostPath" in v || "claim" in v) {
          mkdirSync(dirname(target), { recursive: true });
          const real = "hostPath" in v ? this.deps.hostPath(v.hostPath) : this.deps.claimPath(v.claim.namespace, v.claim.name);
          mkdirSync(real, { recursive: true });
          if (!existsSync(target)) symlinkSync(real, target);
        } else if (v.files === null) mkdirSync(target, { recursive: true });
        else if ("" in v.files) {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, v.files[""]!);
        } else {
          mkdirSync(target, { recursive: true });
          for (const [name, content] of Object.entries(v.files)) writeFileSync(join(target, name), content);
        }
      }
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      this.setState(r, c, { ready: false, started: false, state: { waiting: { reason: "CreateContainerConfigError", message: e.message } } });
      this.later(r, 1000, () => this.startContainer(r, c, attempt));
      return;
    }
    const saDir = join(mountRoot, "var/run/secrets/kubernetes.io/serviceaccount");
    const fullEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOSTNAME: pod.metadata.name,
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
      KUBERNETES_SERVICE_PORT_HTTPS: url.port,
      KUBERNETES_PORT: `tcp://${url.hostname}:${url.port}`,
      KUBECONFIG: join(r.dir, "kubeconfig"),
      SIM_MOUNT_ROOT: mountRoot,
      SIM_SERVICEACCOUNT_DIR: saDir,
      NODE_EXTRA_CA_CERTS: join(saDir, "ca.crt"),
      ...this.deps.extraEnv(),
      ...image.env,
      ...env,
    };
    const args = [...(image.args ?? []), ...(c.args ?? [])];
    const child = spawn(image.command, args, { cwd: image.cwd, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    r.children.set(c.name, child);
    const ns = pod.metadata.namespace!;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => this.deps.logs.append(ns, pod.metadata.name, d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => this.deps.logs.append(ns, pod.metadata.name, d));
    const restarts = this.state(r, c).restartCount;
    child.on("spawn", () => {
      const startedAt = store.timestamp();
      this.setState(r, c, { started: true, ready: !c.readinessProbe, state: { running: { startedAt } } });
      if (c.readinessProbe) this.probeLoop(r, c, child, fullEnv, image.cwd);
    });
    child.on("error", (e) => {
      this.deps.logs.append(ns, pod.metadata.name, `cluster-sim: cannot start ${image.command}: ${e.message}\n`);
      if (child.pid !== undefined || r.stopped) return;
      // The command could not be spawned at all: no exit event follows, so retry from here.
      r.children.delete(c.name);
      const backoff = Math.min(10_000, 500 * 2 ** attempt);
      this.setState(r, c, { ready: false, started: false, state: { waiting: { reason: "RunContainerError", message: e.message } } });
      this.later(r, backoff, () => this.startContainer(r, c, attempt + 1));
    });
    child.on("exit", (code, signal) => {
      r.children.delete(c.name);
      if (r.stopped) return;
      const terminated = { exitCode: code ?? 137, reason: code === 0 ? "Completed" : "Error", ...(signal ? { signal } : {}), finishedAt: store.timestamp() };
      const backoff = Math.min(10_000, 500 * 2 ** attempt);
      this.setState(r, c, { ready: false, started: false, restartCount: restarts + 1, lastState: { terminated }, state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${backoff}ms restarting failed container` } } });
      this.later(r, backoff, () => this.startContainer(r, c, attempt + 1));
    });
  }

  private probeLoop(r: Running, c: ContainerSpec, child: ChildProcess, env: NodeJS.ProcessEnv, cwd: string | undefined): void {
    const probe = c.readinessProbe!;
    let failures = 0;
    let successes = 0;
    const tick = async () => {
      if (r.stopped || r.children.get(c.name) !== child) return;
      const ok = await probeOnce(probe, c, env, cwd);
      if (r.stopped || r.children.get(c.name) !== child) return;
      if (ok) {
        failures = 0;
        successes++;
        if (successes >= (probe.successThreshold ?? 1)) this.setState(r, c, { ready: true });
      } else {
        successes = 0;
        failures++;
        if (failures >= (probe.failureThreshold ?? 3)) this.setState(r, c, { ready: false });
      }
      this.later(r, this.deps.probePeriodMs, tick);
    };
    this.later(r, 0, tick);
  }

  private later(r: Running, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      r.timers.delete(t);
      fn();
    }, ms);
    r.timers.add(t);
  }

  private state(r: Running, c: ContainerSpec): ContainerState {
    return r.containers.get(c.name) ?? { name: c.name, image: c.image, ready: false, started: false, restartCount: 0, state: {} };
  }

  private setState(r: Running, c: ContainerSpec, patch: Partial<ContainerState>): void {
    if (r.stopped) return;
    r.containers.set(c.name, { ...this.state(r, c), ...patch });
    const { store } = this.deps;
    writeStatus(store, POD, r.pod.metadata.namespace, r.pod.metadata.name, (cur) => {
      const all = ((cur.containerStatuses as ContainerState[] | undefined) ?? []).map((s) => r.containers.get(s.name) ?? s);
      return podStatus(cur, all, store.timestamp());
    });
  }

  private async stopPod(k: string): Promise<void> {
    const r = this.running.get(k);
    if (!r) return;
    this.running.delete(k);
    r.stopped = true;
    for (const t of r.timers) clearTimeout(t);
    this.deps.tokens.remove(r.token);
    await Promise.all(
      [...r.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
            child.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      ),
    );
    rmSync(r.dir, { recursive: true, force: true });
  }
}
