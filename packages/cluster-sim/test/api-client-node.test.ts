import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, ApiException, makeInformer, type V1ConfigMap, type V1Deployment } from "@kubernetes/client-node";
import { ApiCluster } from "../src/cluster/api-cluster.ts";
import { rawRequest } from "./raw-request.ts";

interface Seen {
  type: string;
  obj: { metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string };
}

function collect(kc: KubeConfig, path: string, query: Record<string, string | boolean>) {
  const seen: Seen[] = [];
  let ended: unknown = "open";
  const ctrl = new Watch(kc).watch(path, query, (type, obj) => seen.push({ type, obj }), (err) => (ended = err));
  return { seen, ended: () => ended, stop: async () => (await ctrl).abort() };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): V1ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", ...(labels ? { labels } : {}) },
  data,
});

describe("the API server driven by @kubernetes/client-node", () => {
  let sim: ApiCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  beforeAll(async () => {
    sim = new ApiCluster({ clusterId: "client-node-test", bookmarkIntervalMs: 100, historyLimit: 50 });
    await sim.start();
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(() => sim.stop());

  it("creates, lists by label and answers 409 AlreadyExists with a Kubernetes Status", async () => {
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("one", { a: "1" }, { app: "x" }) });
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("two", { a: "2" }) });
    const list = await core.listNamespacedConfigMap({ namespace: "default", labelSelector: "app=x" });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["one"]);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    const err = await core.createNamespacedConfigMap({ namespace: "default", body: cm("one", {}) }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiException);
    const status = JSON.parse((err as ApiException<string>).body);
    expect(status).toMatchObject({ kind: "Status", status: "Failure", reason: "AlreadyExists", code: 409, details: { name: "one", kind: "configmaps" } });
  });

  it("refuses an update carrying a stale resourceVersion with 409 Conflict", async () => {
    const cur = await core.readNamespacedConfigMap({ name: "two", namespace: "default" });
    await core.replaceNamespacedConfigMap({ name: "two", namespace: "default", body: { ...cur, data: { a: "3" } } });
    const err = await core.replaceNamespacedConfigMap({ name: "two", namespace: "default", body: { ...cur, data: { a: "4" } } }).catch((e) => e);
    expect((err as ApiException<string>).code).toBe(409);
    expect(JSON.parse((err as ApiException<string>).body).reason).toBe("Conflict");
  });

  it("filters a list by field selector metadata.name", async () => {
    const list = await core.listConfigMapForAllNamespaces({ fieldSelector: "metadata.name=two" });
    expect(list.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual(["default/two"]);
  });

  it("watches from a list's resourceVersion and sees later changes, then bookmarks", async () => {
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    const w = collect(kc, "/api/v1/namespaces/default/configmaps", { resourceVersion: list.metadata!.resourceVersion!, allowWatchBookmarks: true });
    await new Promise((r) => setTimeout(r, 50));
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("three", { a: "3" }) });
    await core.deleteNamespacedConfigMap({ name: "three", namespace: "default" });
    await until(() => w.seen.some((e) => e.type === "DELETED") && w.seen.some((e) => e.type === "BOOKMARK"));
    const changes = w.seen.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.obj.metadata?.name}`);
    expect(changes).toEqual(["ADDED three", "DELETED three"]);
    const bm = w.seen.find((e) => e.type === "BOOKMARK")!;
    expect(Number(bm.obj.metadata!.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata!.resourceVersion));
    await w.stop();
  });

  it("turns a label change that moves an object in or out of a watched selection into ADDED and DELETED", async () => {
    const w = collect(kc, "/api/v1/namespaces/default/configmaps", { labelSelector: "watched=yes", resourceVersion: (await core.listNamespacedConfigMap({ namespace: "default" })).metadata!.resourceVersion! });
    await new Promise((r) => setTimeout(r, 50));
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("moving", {}) });
    await core.patchNamespacedConfigMap({ name: "moving", namespace: "default", body: [{ op: "add", path: "/metadata/labels", value: { watched: "yes" } }] });
    await core.patchNamespacedConfigMap({ name: "moving", namespace: "default", body: [{ op: "add", path: "/data", value: { a: "1" } }] });
    await core.patchNamespacedConfigMap({ name: "moving", namespace: "default", body: [{ op: "replace", path: "/metadata/labels/watched", value: "no" }] });
    await until(() => w.seen.length >= 3);
    expect(w.seen.map((e) => `${e.type} ${e.obj.metadata?.name}`)).toEqual(["ADDED moving", "MODIFIED moving", "DELETED moving"]);
    await w.stop();
  });

  it("answers a watch from an expired resourceVersion with a 410 Expired error event", async () => {
    const old = (await core.listNamespacedConfigMap({ namespace: "default" })).metadata!.resourceVersion!;
    for (let i = 0; i < 60; i++) await core.createNamespacedConfigMap({ namespace: "default", body: cm(`bulk-${i}`, {}) });
    const w = collect(kc, "/api/v1/namespaces/default/configmaps", { resourceVersion: old });
    await until(() => w.seen.length > 0);
    expect(w.seen[0]).toMatchObject({ type: "ERROR", obj: { code: 410, reason: "Expired" } });
    await w.stop();
  });

  it("lets an informer relist after a 410 and keep its cache current", async () => {
    const informer = makeInformer(kc, "/api/v1/namespaces/default/configmaps", () => core.listNamespacedConfigMap({ namespace: "default" }));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("seen-by-informer", {}) });
    await until(() => informer.list().some((o) => o.metadata?.name === "seen-by-informer"));
    await informer.stop();
  });

  it("server-side applies with a field manager, detects conflicts and forces them", async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const deploy = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1" }] } },
      },
    };
    const created = (await objects.patch(deploy, undefined, undefined, "palisade-connector", false, PatchStrategy.ServerSideApply)) as V1Deployment;
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: "palisade-connector", operation: "Apply" });
    const apps = kc.makeApiClient(AppsV1Api);
    const clash = await objects
      .patch({ ...deploy, spec: { ...deploy.spec, replicas: 5 } }, undefined, undefined, "someone-else", false, PatchStrategy.ServerSideApply)
      .catch((e) => e);
    expect((clash as ApiException<string>).code).toBe(409);
    const status = JSON.parse((clash as ApiException<string>).body);
    expect(status.details.causes[0]).toEqual({ type: "FieldManagerConflict", message: 'conflict with "palisade-connector" using apps/v1', field: ".spec.replicas" });
    await objects.patch({ ...deploy, spec: { ...deploy.spec, replicas: 5 } }, undefined, undefined, "someone-else", true, PatchStrategy.ServerSideApply);
    expect((await apps.readNamespacedDeployment({ name: "web", namespace: "default" })).spec?.replicas).toBe(5);
    // Applying without a field it used to own removes that field.
    const agreed = { ...deploy, spec: { ...deploy.spec, replicas: 5 } };
    await objects.patch({ ...agreed, metadata: { ...deploy.metadata, labels: { team: "a" } } }, undefined, undefined, "palisade-connector", false, PatchStrategy.ServerSideApply);
    expect((await apps.readNamespacedDeployment({ name: "web", namespace: "default" })).metadata?.labels?.team).toBe("a");
    await objects.patch(agreed, undefined, undefined, "palisade-connector", false, PatchStrategy.ServerSideApply);
    const after = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    expect(after.metadata?.labels?.team).toBeUndefined();
  });

  it("deletes and returns the deleted object", async () => {
    const gone = await rawRequest(sim, "DELETE", "/api/v1/namespaces/default/configmaps/one");
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ kind: "ConfigMap", metadata: { name: "one", namespace: "default" }, data: { a: "1" } });
    const err = await core.readNamespacedConfigMap({ name: "one", namespace: "default" }).catch((e) => e);
    expect((err as ApiException<string>).code).toBe(404);
  });

  it("answers 401 to an unknown token and 403 to a service account without permission", async () => {
    const bad = new KubeConfig();
    bad.loadFromString(require_yaml(sim.kubeconfigPath).replace(sim.adminToken, "nope"));
    const e401 = await bad.makeApiClient(CoreV1Api).listNamespace().catch((e) => e);
    expect((e401 as ApiException<string>).code).toBe(401);
    sim.tokens.add("sa-token", { username: "system:serviceaccount:default:nobody", groups: ["system:serviceaccounts", "system:authenticated"] });
    const sa = new KubeConfig();
    sa.loadFromString(require_yaml(sim.kubeconfigPath).replace(sim.adminToken, "sa-token"));
    const e403 = await sa.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: "default" }).catch((e) => e);
    expect((e403 as ApiException<string>).code).toBe(403);
    expect(JSON.parse((e403 as ApiException<string>).body).message).toBe(
      'secrets is forbidden: User "system:serviceaccount:default:nobody" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
  });

  it("gives kube-system a uid derived from the cluster id", async () => {
    const ns = await core.readNamespace({ name: "kube-system" });
    expect(ns.metadata?.uid).toBe(sim.kubeSystemUid);
    const same = new ApiCluster({ clusterId: "client-node-test" });
    const other = new ApiCluster({ clusterId: "another-cluster" });
    expect(same.kubeSystemUid).toBe(sim.kubeSystemUid);
    expect(other.kubeSystemUid).not.toBe(sim.kubeSystemUid);
    await same.stop();
    await other.stop();
  });
});

import { readFileSync } from "node:fs";
function require_yaml(p: string): string {
  return readFileSync(p, "utf8");
}
