import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type SimCluster } from "../src/index.ts";

const script = fileURLToPath(new URL("./fixtures/flow-follower.mjs", import.meta.url));

describe("a runnable pod following the flow log", () => {
  let sim: SimCluster;
  beforeAll(async () => {
    const flowLogPath = join(mkdtempSync(join(tmpdir(), "follower-")), "flows.log");
    sim = await startCluster({ scenario: "stars", clusterId: "follower-test", rate: 0, flowLogPath, runnables: { "palisade/follower": { command: process.execPath, args: [script] } } });
  });
  afterAll(() => sim.stop());

  it("reads flows.log through a hostPath volume of /var/log/calico/flowlogs, as on a Calico node", async () => {
    sim.load(`apiVersion: v1
kind: Pod
metadata: {name: follower, namespace: default}
spec:
  containers:
  - name: follower
    image: palisade/follower:dev
    volumeMounts: [{name: flowlogs, mountPath: /var/log/calico/flowlogs, readOnly: true}]
  volumes: [{name: flowlogs, hostPath: {path: /var/log/calico/flowlogs}}]
`);
    const end = Date.now() + 10_000;
    while (!sim.podLogs("default", "follower").includes("following") && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    sim.advance(1);
    sim.flush();
    while (!sim.podLogs("default", "follower").includes("flow dst") && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    const logs = sim.podLogs("default", "follower");
    expect(logs).toContain("(SIM_FLOW_LOG set: true)");
    expect(logs).toMatch(/flow dst management-ui-[a-z0-9]+-\* -> frontend-[a-z0-9]+-\*:80 allow/);
  });
});
