import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kubectlOk } from "./kubectl.ts";

const bin = fileURLToPath(new URL("../bin/palisade-cluster-sim.mjs", import.meta.url));
const hello = fileURLToPath(new URL("./fixtures/hello.mjs", import.meta.url));

describe("npx palisade-cluster-sim", () => {
  let child: ChildProcess;
  let out = "";
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
    writeFileSync(join(dir, "extra.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: from-the-command-line}\n");
    child = spawn(process.execPath, [bin, "--scenario", "storefront", "--port", "0", "--kubeconfig", join(dir, "sim.kubeconfig"), "--flow-log", join(dir, "flows.log"), "--rate", "20", "--flush-interval", "0.2", "--yaml", join(dir, "extra.yaml"), "--runnable", `palisade/hello=${process.execPath} ${hello} from-cli`], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const end = Date.now() + 20_000;
    while (!out.includes("kube-system uid")) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`simulator did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill("SIGTERM");
  });

  it("serves the scenario to kubectl with the kubeconfig it writes, Calico installed as calico-node", async () => {
    const kc = join(dir, "sim.kubeconfig");
    const image = await kubectlOk(kc, ["get", "daemonset", "calico-node", "-n", "kube-system", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    expect(image).toBe("docker.io/calico/node:v3.28.0");
    const ready = await kubectlOk(kc, ["get", "daemonset", "calico-node", "-n", "kube-system", "-o", "jsonpath={.status.numberReady}"]);
    expect(ready).toBe("2");
    const pods = await kubectlOk(kc, ["get", "pods", "-n", "storefront", "-o", "jsonpath={.items[*].metadata.name}"]);
    expect(pods.split(" ")).toContain("frontend-6d996fbd97-9g92v");
    expect(await kubectlOk(kc, ["get", "ns", "from-the-command-line", "-o", "name"])).toContain("namespace/from-the-command-line");
    expect(await kubectlOk(kc, ["get", "crd", "tiers.crd.projectcalico.org", "-o", "name"])).toContain("tiers.crd.projectcalico.org");
    expect(await kubectlOk(kc, ["api-resources", "--api-group=projectcalico.org", "-o", "name"])).toContain("globalnetworkpolicies.projectcalico.org");
  });

  it("runs a pod of a --runnable image as a process whose output kubectl logs shows", async () => {
    const kc = join(dir, "sim.kubeconfig");
    await kubectlOk(kc, ["run", "hello", "--image=palisade/hello:1", "-n", "default", "--", "extra-arg"]);
    await kubectlOk(kc, ["wait", "--for=condition=Ready", "pod/hello", "-n", "default", "--timeout=20s"]);
    let logs = "";
    for (let i = 0; i < 100 && !logs.includes("hello"); i++) {
      logs = await kubectlOk(kc, ["logs", "hello", "-n", "default"]);
      if (!logs) await new Promise((r) => setTimeout(r, 50));
    }
    expect(logs).toContain("hello from hello args=from-cli,extra-arg");
  });

  it("appends flow logs to the file at the flush interval while traffic runs", async () => {
    const end = Date.now() + 10_000;
    let lines: string[] = [];
    while (lines.length < 5 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        lines = readFileSync(join(dir, "flows.log"), "utf8").trim().split("\n").filter(Boolean);
      } catch {
        lines = [];
      }
    }
    const records = lines.map((l) => JSON.parse(l));
    expect(records.some((r) => r.dest_name_aggr === "frontend-6d996fbd97-*" && r.reporter === "dst" && r.action === "allow")).toBe(true);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses an unknown scenario with a usage message", async () => {
    const p = spawn(process.execPath, [bin, "--scenario", "nope"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    p.stderr!.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('unknown scenario "nope"');
  });
});
