import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { CoreV1Api, KubeConfig, type ApiException } from "@kubernetes/client-node";
import { startCluster, type SimCluster } from "../src/index.ts";
import { kubectlOk } from "./kubectl.ts";

function clientWithToken(sim: SimCluster, token: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(readFileSync(sim.kubeconfigPath, "utf8").replace(sim.adminToken, token));
  return kc.makeApiClient(CoreV1Api);
}

describe("service-account tokens", () => {
  let sim: SimCluster;
  beforeAll(async () => {
    sim = await startCluster({ clusterId: "sa-test", rate: 0 });
    await kubectlOk(sim.kubeconfigPath, ["create", "namespace", "ops"]);
    await kubectlOk(sim.kubeconfigPath, ["create", "serviceaccount", "installer", "-n", "ops"]);
    await kubectlOk(sim.kubeconfigPath, ["create", "rolebinding", "installer-view", "-n", "ops", "--clusterrole=view", "--serviceaccount=ops:installer"]);
  });
  afterAll(() => sim.stop());

  it("issues a working token through TokenRequest (what kubectl create token calls), limited by the account's RBAC", async () => {
    const admin = clientWithToken(sim, sim.adminToken);
    const tr = await admin.createNamespacedServiceAccountToken({ name: "installer", namespace: "ops", body: { spec: { audiences: [] } } });
    const token = tr.status!.token;
    const core = clientWithToken(sim, token);
    expect((await core.listNamespacedPod({ namespace: "ops" })).items).toEqual([]);
    const denied = (await core.listNamespacedPod({ namespace: "default" }).catch((e) => e)) as ApiException<string>;
    expect(denied.code).toBe(403);
  });

  it("fills a service-account-token Secret with a token that authenticates as the account", async () => {
    await kubectlOk(sim.kubeconfigPath, ["apply", "-f", "-"], `apiVersion: v1
kind: Secret
metadata:
  name: installer-token
  namespace: ops
  annotations: {kubernetes.io/service-account.name: installer}
type: kubernetes.io/service-account-token
`);
    let token = "";
    for (let i = 0; i < 100 && !token; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const s = JSON.parse(await kubectlOk(sim.kubeconfigPath, ["get", "secret", "installer-token", "-n", "ops", "-o", "json"]));
      token = s.data?.token ? Buffer.from(s.data.token, "base64").toString() : "";
    }
    expect(token).not.toBe("");
    expect((await clientWithToken(sim, token).listNamespacedServiceAccount({ namespace: "ops" })).items.map((s) => s.metadata?.name)).toContain("installer");
  });
});
