import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api, KubeConfig, Watch, type ApiException } from "@kubernetes/client-node";
import { startCluster, type SimCluster } from "../src/index.ts";

describe("misbehaviour on purpose", () => {
  let sim: SimCluster;
  let kc: KubeConfig;
  beforeAll(async () => {
    sim = await startCluster({ clusterId: "faults-test", rate: 0 });
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
  });
  afterAll(() => sim.stop());

  it("answers 503 ServiceUnavailable while the API is made unavailable, then recovers", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    sim.faults.apiUnavailable(300);
    const err = (await core.listNamespace().catch((e) => e)) as ApiException<string>;
    expect(err.code).toBe(503);
    expect(JSON.parse(err.body)).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", code: 503 });
    await new Promise((r) => setTimeout(r, 350));
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  it("cuts open watch streams so clients see them end", async () => {
    let ended = false;
    const ctrl = await new Watch(kc).watch("/api/v1/namespaces", {}, () => {}, () => (ended = true));
    await new Promise((r) => setTimeout(r, 100));
    sim.faults.cutWatches();
    const end = Date.now() + 3000;
    while (!ended && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(true);
    ctrl.abort();
  });

  it("delays responses while slowResponses is set", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    sim.faults.slowResponses(200);
    let answered = false;
    const p = core.listNamespace().then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 80));
    expect(answered).toBe(false);
    await p;
    sim.faults.slowResponses(0);
    expect(answered).toBe(true);
  });
});

describe("kube-bench results", () => {
  let sim: SimCluster;
  beforeAll(async () => {
    sim = await startCluster({ clusterId: "bench-test", rate: 0 });
  });
  afterAll(() => sim.stop());

  it("leaves one kube-bench JSON per node in kube-system ConfigMaps, with PASS, FAIL, WARN and INFO, scored and unscored", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: "kube-system", labelSelector: "app=kube-bench" });
    expect(list.items.map((c) => c.metadata?.name).sort()).toEqual(["kube-bench-sim-node-1", "kube-bench-sim-node-2"]);
    for (const cm of list.items) {
      const result = JSON.parse(cm.data!["results.json"]!);
      const checks = result.Controls.flatMap((g: any) => g.tests.flatMap((t: any) => t.results));
      const statuses = new Set(checks.map((c: any) => c.status));
      for (const s of ["PASS", "FAIL", "WARN"]) expect(statuses).toContain(s);
      expect(checks.some((c: any) => c.scored)).toBe(true);
      expect(checks.some((c: any) => !c.scored)).toBe(true);
      const count = (s: string) => checks.filter((c: any) => c.status === s).length;
      expect(result.Totals).toEqual({ total_pass: count("PASS"), total_fail: count("FAIL"), total_warn: count("WARN"), total_info: count("INFO") });
    }
    const all = Object.values(sim.kubeBench()).flatMap((r) => r.Controls.flatMap((g) => g.tests.flatMap((t) => t.results.map((x) => x.status))));
    expect(new Set(all)).toEqual(new Set(["PASS", "FAIL", "WARN", "INFO"]));
  });
});
