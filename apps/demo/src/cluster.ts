import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { startCluster, type SimCluster } from "@palisade/cluster-sim";
import { root } from "@palisade/launcher";
import { hasCurl } from "./prerequisites.ts";

export interface StorefrontOptions {
  /** where the kubeconfig and the flow log go */
  dir: string;
  /** names the simulated cluster; the same id gives the same kube-system uid, so a reused Palisade cluster accepts it */
  clusterId: string;
  /** traffic rounds per second (0: only on advance()) */
  rate: number;
  flushIntervalMs: number;
}

/**
 * The simulated storefront cluster (stage A), its connector image runnable as a local process exactly as
 * the connect-a-cluster e2e test registers it. The flow log starts empty each run, so the connector ships
 * only this run's records.
 */
export async function startStorefront(o: StorefrontOptions): Promise<SimCluster> {
  const flowLogPath = path.join(o.dir, "flowlogs", "flows.log"); // Felix's file name: the connector follows flows.log
  rmSync(flowLogPath, { force: true });
  mkdirSync(path.dirname(flowLogPath), { recursive: true });
  return startCluster({
    scenario: "storefront",
    port: 0,
    clusterId: o.clusterId,
    kubeconfigPath: path.join(o.dir, "storefront.kubeconfig"),
    rate: o.rate,
    flushIntervalMs: o.flushIntervalMs,
    flowLogPath,
    runnables: {
      "palisade/connector": {
        command: path.join(root, "node_modules/.bin/tsx"),
        args: ["apps/connector/src/main.ts"],
        cwd: root,
        env: { LOG_LEVEL: "info", PALISADE_BACKOFF_BASE_MS: "200", PALISADE_BACKOFF_CAP_MS: "2000", PALISADE_BATCH_MS: "500" },
      },
    },
  });
}

/**
 * Runs the install command with the real bash, kubectl pointed at the cluster: `curl -s <url> | bash` as
 * the email gives it, or, without curl, the same script fetched by Node and piped to bash.
 * Each output line goes to onLine; a non-zero exit throws with what the script wrote to stderr.
 */
export async function runInstallCommand(installCommand: string, kubeconfig: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const env = { ...process.env, KUBECONFIG: kubeconfig, PALISADE_CONNECT_TIMEOUT: "120" };
  let script: string | null = null;
  if (!hasCurl()) {
    const url = /curl -s (\S+--management_install\.sh)/.exec(installCommand)?.[1];
    if (!url) throw new Error(`not an install command: ${installCommand}`);
    const res = await fetch(url, { signal });
    script = await res.text();
    if (!res.ok) throw new Error(`the install script answered ${res.status}: ${script}`);
  }
  const child = spawn("bash", script === null ? ["-c", installCommand] : ["-s"], { env, stdio: ["pipe", "pipe", "pipe"], signal });
  child.stdin.end(script ?? "");
  let stderr = "";
  let pending = "";
  child.stdout.on("data", (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (c) => resolve(c ?? 1));
  });
  if (pending) onLine(pending);
  if (code !== 0) throw new Error(`the install script exited with ${code}: ${stderr.trim() || "(nothing on stderr)"}`);
}
