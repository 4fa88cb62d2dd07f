import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type SimCluster } from "../src/cluster/sim-cluster.ts";
import { kubectl, kubectlOk } from "./kubectl.ts";

const script = fileURLToPath(new URL("./fixtures/tiny-server.mjs", import.meta.url));
const hello = fileURLToPath(new URL("./fixtures/hello.mjs", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function until<T>(f: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const manifest = (port: number) => `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: apps}
stringData: {password: s3cret}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: apps}
data: {greeting: hello, MODE: strict}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: tiny, namespace: apps}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: apps}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tiny-reads-pods, namespace: apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects: [{kind: ServiceAccount, name: tiny, namespace: apps}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tiny, namespace: apps}
spec:
  replicas: 1
  selector: {matchLabels: {app: tiny}}
  template:
    metadata: {labels: {app: tiny}}
    spec:
      serviceAccountName: tiny
      containers:
      - name: tiny
        image: palisade/tiny:1.0
        ports: [{name: http, containerPort: ${port}}]
        env:
        - {name: PORT, value: "${port}"}
        - {name: GREETING, valueFrom: {configMapKeyRef: {name: app-config, key: greeting}}}
        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
        envFrom: [{prefix: CFG_, configMapRef: {name: app-config}}]
        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 10}
        volumeMounts: [{name: config, mountPath: /etc/app}]
      volumes: [{name: config, configMap: {name: app-config}}]
`;

describe("workloads: a Deployment whose pod runs as a local process", () => {
  let sim: SimCluster;
  let port: number;
  beforeAll(async () => {
    sim = await startCluster({ clusterId: "workloads-test", runnables: { "palisade/tiny": { command: process.execPath, args: [script] }, "palisade/hello": { command: process.execPath, args: [hello] } } });
    port = await freePort();
  });
  afterAll(() => sim.stop());

  it("becomes Available once the process's readiness probe passes, so rollout status and wait succeed", async () => {
    const kc = sim.kubeconfigPath;
    await kubectlOk(kc, ["create", "namespace", "apps"]);
    await kubectlOk(kc, ["apply", "-f", "-"], manifest(port));
    const rollout = await kubectlOk(kc, ["rollout", "status", "deployment/tiny", "-n", "apps", "--timeout=30s"]);
    expect(rollout).toContain('deployment "tiny" successfully rolled out');
    const wait = await kubectlOk(kc, ["wait", "--for=condition=Available", "deployment/tiny", "-n", "apps", "--timeout=30s"]);
    expect(wait).toContain("deployment.apps/tiny condition met");
    const d = JSON.parse(await kubectlOk(kc, ["get", "deploy", "tiny", "-n", "apps", "-o", "json"]));
    expect(d.status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1, observedGeneration: 1 });
  });

  it("names the pod <deployment>-<hash>-<5 chars>, gives it an IP from 10.244.0.0/16 and the service account", async () => {
    const [pod] = sim.pods("apps", { app: "tiny" });
    expect(pod!.metadata.name).toMatch(/^tiny-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect((pod!.status as { podIP: string }).podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect((pod!.spec as { serviceAccountName: string }).serviceAccountName).toBe("tiny");
  });

  it("gives the process its env from values, secrets and config maps, mounted files, and working in-cluster config", async () => {
    const [pod] = sim.pods("apps", { app: "tiny" });
    const name = pod!.metadata.name;
    const logs = await until(() => (sim.podLogs("apps", name).includes("listening") ? sim.podLogs("apps", name) : undefined));
    expect(logs).toContain("greeting=hello password=s3cret from-env-from=strict");
    expect(logs).toContain("mounted=hello");
    expect(logs).toContain(`in-cluster read own pod ${name} ip=${(pod!.status as { podIP: string }).podIP}`);
    const viaKubectl = await kubectlOk(sim.kubeconfigPath, ["logs", name, "-n", "apps"]);
    expect(viaKubectl).toContain("greeting=hello");
  });

  it("kills the process when its pod is deleted, and the Deployment starts a new pod", async () => {
    const [pod] = sim.pods("apps", { app: "tiny" });
    const old = pod!.metadata.name;
    await kubectlOk(sim.kubeconfigPath, ["delete", "pod", old, "-n", "apps"]);
    await until(() => sim.podLogs("apps", old).includes("terminating"));
    const fresh = await until(() => sim.pods("apps", { app: "tiny" }).find((p) => p.metadata.name !== old));
    await until(() => sim.podLogs("apps", fresh.metadata.name).includes("listening"));
    const r = await kubectl(sim.kubeconfigPath, ["rollout", "status", "deployment/tiny", "-n", "apps", "--timeout=30s"]);
    expect(r.code).toBe(0);
  });

  it("holds a Deployment unavailable until its exec readiness probe passes", async () => {
    const flag = join(mkdtempSync(join(tmpdir(), "probe-")), "ready");
    const probe = JSON.stringify([process.execPath, "-e", `process.exit(require("fs").existsSync(${JSON.stringify(flag)}) ? 0 : 1)`]);
    sim.load(`apiVersion: apps/v1
kind: Deployment
metadata: {name: gated, namespace: apps}
spec:
  selector: {matchLabels: {app: gated}}
  template:
    metadata: {labels: {app: gated}}
    spec:
      containers:
      - name: gated
        image: palisade/hello
        readinessProbe: {exec: {command: ${probe}}}
`);
    const started = await until(() => sim.pods("apps", { app: "gated" }).find((p) => sim.podLogs("apps", p.metadata.name).includes("hello")));
    await new Promise((r) => setTimeout(r, 600));
    const before = sim.get("apps/v1", "Deployment", "apps", "gated")!.status as { availableReplicas?: number; conditions: { type: string; status: string }[] };
    expect(before.availableReplicas ?? 0).toBe(0);
    expect(before.conditions.find((c) => c.type === "Available")!.status).toBe("False");
    writeFileSync(flag, "");
    const r = await kubectl(sim.kubeconfigPath, ["wait", "--for=condition=Available", "deployment/gated", "-n", "apps", "--timeout=20s"]);
    expect(r.code).toBe(0);
    expect(sim.pods("apps", { app: "gated" })[0]!.metadata.name).toBe(started.metadata.name);
  });

  it("reports RunContainerError, and keeps serving, when a runnable's command cannot be started", async () => {
    sim.registerImage("palisade/broken", { command: "/nonexistent/palisade-binary" });
    sim.load("apiVersion: v1\nkind: Pod\nmetadata: {name: broken, namespace: apps}\nspec: {containers: [{name: broken, image: palisade/broken}]}\n");
    const state = await until(() => {
      const s = (sim.get("v1", "Pod", "apps", "broken")?.status as { containerStatuses?: { state: { waiting?: { reason: string } } }[] } | undefined)?.containerStatuses?.[0]?.state.waiting?.reason;
      return s === "RunContainerError" ? s : undefined;
    });
    expect(state).toBe("RunContainerError");
    expect(sim.podLogs("apps", "broken")).toContain("cannot start /nonexistent/palisade-binary");
    expect((await kubectl(sim.kubeconfigPath, ["get", "pod", "broken", "-n", "apps"])).code).toBe(0);
  });
});
