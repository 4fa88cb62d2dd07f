import { KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import { startCluster, type SimCluster } from "@palisade/cluster-sim";
import type { KubeObject, ObjectOutcome, PolicyChanges } from "@palisade/protocol";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyApplier } from "./applier.ts";

const set = (name: string, namespace?: string): KubeObject => ({
  apiVersion: "projectcalico.org/v3",
  kind: namespace ? "NetworkSet" : "GlobalNetworkSet",
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { nets: ["192.0.2.0/24"] },
});
const ref = (o: KubeObject) => ({ apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name });
const change = (from: number, to: number, c: Partial<PolicyChanges>): PolicyChanges => ({ type: "policyChanges", fromRevision: from, toRevision: to, upserts: [], deletes: [], full: false, ...c });
const summary = (outcomes: ObjectOutcome[]) => outcomes.map((o) => `${o.outcome} ${o.ref.kind} ${o.ref.namespace ? `${o.ref.namespace}/` : ""}${o.ref.name}`).sort();

describe("PolicyApplier against the simulator's API", () => {
  let sim: SimCluster;
  let applier: PolicyApplier;
  const exists = (o: KubeObject) => sim.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name) !== undefined;
  beforeAll(async () => {
    sim = await startCluster({ scenario: "empty", clusterId: "applier-test", rate: 0 });
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    applier = new PolicyApplier(KubernetesObjectApi.makeApiClient(kc), pino({ level: "silent" }));
  });
  afterAll(() => sim?.stop());

  const a = set("palisade-a");
  const b = set("palisade-b");
  const early = set("early", "later"); // its namespace does not exist yet
  const theirs = set("kubectl-made");

  it("applies a change as a change: upserts and deletes only, deleting only what carries Palisade's label, trying failures again", async () => {
    expect(summary(await applier.apply(change(0, 1, { upserts: [a, early], full: true })))).toEqual(["APPLIED GlobalNetworkSet palisade-a", "FAILED NetworkSet later/early"]);
    expect(exists(a) && !exists(early)).toBe(true);

    sim.load(`apiVersion: v1\nkind: Namespace\nmetadata: {name: later}\n`);
    sim.load(`apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: kubectl-made}\nspec: {nets: [198.51.100.0/24]}\n`);
    const second = await applier.apply(change(1, 2, { upserts: [b], deletes: [ref(theirs)] }));
    // the standing failure is tried again (and reported); an object not labelled as Palisade's is left alone
    expect(summary(second)).toEqual(["APPLIED GlobalNetworkSet palisade-b", "APPLIED NetworkSet later/early", "UNCHANGED GlobalNetworkSet kubectl-made"]);
    expect([a, b, early, theirs].every(exists)).toBe(true);
    expect((sim.get(b.apiVersion, b.kind, undefined, b.metadata.name)!.metadata.labels as Record<string, string>)["app.kubernetes.io/managed-by"]).toBe("palisade");

    // a change names only what changed; nothing else is touched or reported
    expect(summary(await applier.apply(change(2, 3, { deletes: [ref(a)] })))).toEqual(["DELETED GlobalNetworkSet palisade-a"]);
    expect(exists(a)).toBe(false);
    expect(applier.revision).toBe(3);
  });

  it("prunes on a full state what carries Palisade's label and is absent, never the cluster's own", async () => {
    const outcomes = await applier.apply(change(0, 4, { upserts: [b], full: true }));
    expect(summary(outcomes)).toEqual(["APPLIED GlobalNetworkSet palisade-b", "DELETED NetworkSet later/early"]);
    expect(exists(b) && exists(theirs) && !exists(early)).toBe(true);
  });
});
