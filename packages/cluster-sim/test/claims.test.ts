import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type SimCluster } from "../src/index.ts";

// counts its starts in a file on the claim's volume and says how many it found
const script = `
const fs = require("node:fs");
const file = process.env.SIM_MOUNT_ROOT + "/var/lib/counter/starts";
fs.appendFileSync(file, "start\\n");
console.log("starts=" + fs.readFileSync(file, "utf8").trim().split("\\n").length);
setInterval(() => {}, 1000);
`;

const until = async (what: string, ok: () => boolean) => {
  const end = Date.now() + 15_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("a PersistentVolumeClaim volume", () => {
  let sim: SimCluster;
  beforeAll(async () => {
    sim = await startCluster({ scenario: "empty", clusterId: "claims-test", rate: 0, runnables: { "example/counter": { command: process.execPath, args: ["-e", script] } } });
  });
  afterAll(() => sim.stop());

  const podName = () => sim.pods("default", { app: "counter" })[0]?.metadata.name;

  it("keeps its files for the next pod of a Deployment, and goes with the claim", async () => {
    sim.load(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: counter-data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: counter, namespace: default}
spec:
  replicas: 1
  strategy: {type: Recreate}
  selector: {matchLabels: {app: counter}}
  template:
    metadata: {labels: {app: counter}}
    spec:
      containers:
      - name: counter
        image: example/counter:1
        volumeMounts: [{name: data, mountPath: /var/lib/counter}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: counter-data}}]
`);
    await until("the first pod", () => !!podName() && sim.podLogs("default", podName()!).includes("starts=1"));
    const first = podName()!;
    sim.delete("v1", "Pod", "default", first);
    await until("the next pod", () => !!podName() && podName() !== first && sim.podLogs("default", podName()!).includes("starts="));
    expect(sim.podLogs("default", podName()!)).toContain("starts=2");

    expect(existsSync(sim.claimDir("default", "counter-data"))).toBe(true);
    sim.delete("v1", "PersistentVolumeClaim", "default", "counter-data");
    expect(existsSync(sim.claimDir("default", "counter-data"))).toBe(false);
  });

  it("holds a pod whose claim does not exist until it does", async () => {
    sim.load(`apiVersion: v1
kind: Pod
metadata: {name: waiting, namespace: default}
spec:
  containers:
  - name: counter
    image: example/counter:1
    volumeMounts: [{name: data, mountPath: /var/lib/counter}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: later}}]
`);
    const waiting = () => (sim.get("v1", "Pod", "default", "waiting")!.status as { containerStatuses?: { state: { waiting?: { message?: string } } }[] }).containerStatuses?.[0]?.state.waiting?.message;
    await until("the pod held", () => waiting() === 'persistentvolumeclaim "later" not found');
    sim.load(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: later, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`);
    await until("the pod started", () => sim.podLogs("default", "waiting").includes("starts=1"));
  });
});
