import { KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import { startCluster, type SimCluster } from "@palisade/cluster-sim";
import type { ConnectorMessage } from "@palisade/protocol";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyApplier } from "./applier.ts";
import { PolicyWatcher } from "./watcher.ts";

describe("PolicyWatcher.resync", () => {
  let sim: SimCluster;
  let kc: KubeConfig;
  beforeAll(async () => {
    sim = await startCluster({ scenario: "empty", clusterId: "watcher-test", rate: 0 });
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
  });
  afterAll(() => sim?.stop());

  it("sends the cluster's own objects as listed now (no watch has seen anything yet), without Palisade's", async () => {
    const log = pino({ level: "silent" });
    const applier = new PolicyApplier(KubernetesObjectApi.makeApiClient(kc), log);
    await applier.apply({ type: "policyChanges", fromRevision: 0, toRevision: 1, full: true, deletes: [], upserts: [{ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "palisade-set" }, spec: { nets: ["192.0.2.0/24"] } }] });
    sim.load(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: kubectl-made, labels: {list: blocked}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
`);
    const sent: ConnectorMessage[] = [];
    const watcher = new PolicyWatcher(kc, applier, (m) => (sent.push(m), true), log);
    await watcher.resync();
    expect(sent).toHaveLength(1);
    const m = sent[0]! as Extract<ConnectorMessage, { type: "clusterResources" }>;
    expect(m.full).toBe(true);
    expect(m.upserts.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual(["GlobalNetworkSet kubectl-made", "NetworkPolicy deny-all"]);
    const set = m.upserts.find((o) => o.metadata.name === "kubectl-made")!;
    // as the cluster has it, less what the server fills in
    expect(set).toMatchObject({ apiVersion: "projectcalico.org/v3", metadata: { name: "kubectl-made", labels: { list: "blocked" } }, spec: { nets: ["198.51.100.0/24"] } });
    expect(set.metadata).not.toHaveProperty("resourceVersion");
    expect(set.metadata).not.toHaveProperty("uid");
  });
});
