import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { startCluster } from "./cluster/sim-cluster.ts";
import { scenarioNames, type ScenarioName } from "./scenarios/catalog.ts";
import type { RunnableImage } from "./workloads/process-runner.ts";

const USAGE = `usage: palisade-cluster-sim [--scenario stars|storefront|empty] [--port 6443] [--kubeconfig ./sim.kubeconfig]
       [--flow-log PATH] [--runnable IMAGE=COMMAND ...] [--rate N] [--flush-interval SECONDS]
       [--cluster-id ID] [--yaml FILE ...] [--host 127.0.0.1]`;

function fail(message: string): never {
  process.stderr.write(`palisade-cluster-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        scenario: { type: "string", default: "empty" },
        port: { type: "string", default: "6443" },
        host: { type: "string", default: "127.0.0.1" },
        kubeconfig: { type: "string", default: "./sim.kubeconfig" },
        "flow-log": { type: "string" },
        runnable: { type: "string", multiple: true, default: [] },
        rate: { type: "string", default: "1" },
        "flush-interval": { type: "string", default: "15" },
        "cluster-id": { type: "string", default: "palisade-sim" },
        yaml: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const scenario = v.scenario as ScenarioName;
  if (!scenarioNames().includes(scenario)) fail(`unknown scenario "${v.scenario}"`);
  const port = Number(v.port);
  const rate = Number(v.rate);
  const flush = Number(v["flush-interval"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${v.port}"`);
  if (!(rate >= 0)) fail(`--rate must be a number >= 0, got "${v.rate}"`);
  if (!(flush > 0)) fail(`--flush-interval must be a number of seconds > 0, got "${v["flush-interval"]}"`);
  const runnables: Record<string, RunnableImage> = {};
  for (const r of v.runnable as string[]) {
    const i = r.indexOf("=");
    if (i <= 0) fail(`--runnable wants IMAGE=COMMAND, got "${r}"`);
    const [command, ...args] = r.slice(i + 1).trim().split(/\s+/);
    if (!command) fail(`--runnable ${r.slice(0, i)} has no command`);
    runnables[r.slice(0, i)] = { command, args };
  }
  const sim = await startCluster({
    scenario,
    port,
    host: v.host,
    kubeconfigPath: resolve(v.kubeconfig!),
    clusterId: v["cluster-id"],
    flowLogPath: v["flow-log"] ? resolve(v["flow-log"]) : undefined,
    flushIntervalMs: flush * 1000,
    rate,
    runnables,
    extraYaml: (v.yaml as string[]).map((f) => readFileSync(f, "utf8")),
  });
  process.stdout.write(
    [
      `palisade-cluster-sim: scenario ${scenario} serving the Kubernetes API at ${sim.url}`,
      `kubeconfig: ${sim.kubeconfigPath}`,
      `kube-system uid: ${sim.kubeSystemUid}`,
      ...(v["flow-log"] ? [`flow log: ${resolve(v["flow-log"])}`] : []),
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sim.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  process.stderr.write(`palisade-cluster-sim: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
