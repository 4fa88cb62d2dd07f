import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApiCluster } from "../src/cluster/api-cluster.ts";
import { kubectl, kubectlOk } from "./kubectl.ts";
import { rawRequest } from "./raw-request.ts";

const scenario = (p: string) => readFileSync(fileURLToPath(new URL(`../scenarios/${p}`, import.meta.url)), "utf8");

describe("the API server driven by the real kubectl", () => {
  let sim: ApiCluster;
  let kc: string;
  beforeAll(async () => {
    sim = new ApiCluster({ clusterId: "kubectl-test" });
    await sim.start();
    kc = sim.kubeconfigPath;
  });
  afterAll(() => sim.stop());

  it("creates with client-side apply, then patches only what changed", async () => {
    const out = await kubectlOk(kc, ["apply", "-f", "-"], scenario("stars/00-namespace.yaml") + "\n---\n" + scenario("stars/01-management-ui.yaml"));
    expect(out).toContain("deployment.apps/management-ui created");
    const again = await kubectlOk(kc, ["apply", "-f", "-"], scenario("stars/01-management-ui.yaml"));
    expect(again).toContain("deployment.apps/management-ui unchanged");
    const changed = await kubectlOk(kc, ["apply", "-f", "-"], scenario("stars/01-management-ui.yaml").replace("replicas: 1", "replicas: 2"));
    expect(changed).toContain("deployment.apps/management-ui configured");
    const d = JSON.parse(await kubectlOk(kc, ["get", "deployment", "management-ui", "-n", "management-ui", "-o", "json"]));
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.generation).toBe(2);
    expect(d.spec.template.spec.containers[0].image).toBe("calico/star-collect:v0.1.0");
  });

  it("server-side applies with kubectl --server-side and reports a field-manager conflict", async () => {
    const out = await kubectlOk(kc, ["apply", "--server-side", "-f", "-"], scenario("stars/02-backend.yaml"));
    expect(out).toContain("deployment.apps/backend serverside-applied");
    const d = (await rawRequest(sim, "GET", "/apis/apps/v1/namespaces/stars/deployments/backend")).body;
    expect(d.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toContain("kubectl/Apply");
    const clash = await kubectl(kc, ["apply", "--server-side", "--field-manager=other", "-f", "-"], scenario("stars/02-backend.yaml").replace("replicas: 1", "replicas: 3"));
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain('conflict with "kubectl" using apps/v1: .spec.replicas');
    await kubectlOk(kc, ["apply", "--server-side", "--force-conflicts", "--field-manager=other", "-f", "-"], scenario("stars/02-backend.yaml").replace("replicas: 1", "replicas: 3"));
    const after = JSON.parse(await kubectlOk(kc, ["get", "deploy", "backend", "-n", "stars", "-o", "json"]));
    expect(after.spec.replicas).toBe(3);
  });

  it("applies a namespace-less NetworkPolicy into the namespace given with -n and fills policyTypes", async () => {
    await kubectlOk(kc, ["apply", "-n", "stars", "-f", "-"], scenario("stars/10-default-deny.yaml"));
    const np = JSON.parse(await kubectlOk(kc, ["get", "networkpolicies.networking.k8s.io", "default-deny", "-n", "stars", "-o", "json"]));
    expect(np.metadata.namespace).toBe("stars");
    expect(np.spec.policyTypes).toEqual(["Ingress"]);
  });

  it("deletes and then answers NotFound", async () => {
    await kubectlOk(kc, ["delete", "networkpolicies.networking.k8s.io", "default-deny", "-n", "stars"]);
    const r = await kubectl(kc, ["get", "networkpolicies.networking.k8s.io", "default-deny", "-n", "stars"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('networkpolicies.networking.k8s.io "default-deny" not found');
  });

  it("lists with a label selector", async () => {
    await kubectlOk(kc, ["create", "configmap", "a", "-n", "default", "--from-literal=x=1"]);
    await kubectlOk(kc, ["label", "configmap", "a", "-n", "default", "tier=one"]);
    await kubectlOk(kc, ["apply", "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: default, labels: {tier: two}}\n");
    const names = await kubectlOk(kc, ["get", "cm", "-n", "default", "-l", "tier=one", "-o", "jsonpath={.items[*].metadata.name}"]);
    expect(names).toBe("a");
  });

  it("answers auth can-i from RBAC bindings, for the admin and for an impersonated service account", async () => {
    expect((await kubectl(kc, ["auth", "can-i", "create", "pods"])).stdout.trim()).toBe("yes");
    const sa = "--as=system:serviceaccount:default:reader";
    expect((await kubectl(kc, ["auth", "can-i", "list", "pods", "-n", "default", sa])).stdout.trim()).toBe("no");
    await kubectlOk(kc, ["create", "rolebinding", "reader-view", "-n", "default", "--clusterrole=view", "--serviceaccount=default:reader"]);
    expect((await kubectl(kc, ["auth", "can-i", "list", "pods", "-n", "default", sa])).stdout.trim()).toBe("yes");
    expect((await kubectl(kc, ["auth", "can-i", "delete", "pods", "-n", "default", sa])).stdout.trim()).toBe("no");
    expect((await kubectl(kc, ["auth", "can-i", "list", "pods", "-n", "stars", sa])).stdout.trim()).toBe("no");
  });

  it("serves projectcalico.org/v3 resources to kubectl by their short names", async () => {
    await kubectlOk(kc, ["apply", "-f", "-"], `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: public, labels: {type: public}}
spec: {nets: [203.0.113.0/24]}
`);
    const out = JSON.parse(await kubectlOk(kc, ["get", "globalnetworksets.projectcalico.org", "public", "-o", "json"]));
    expect(out.spec.nets).toEqual(["203.0.113.0/24"]);
  });
});
