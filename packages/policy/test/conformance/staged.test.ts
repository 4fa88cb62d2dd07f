// Staged policies (Calico docs "Stage, preview impacts, and enforce policy"): they never change
// the enforced verdict; the pending verdict treats each as enforced, Set adding or replacing the
// policy of the same name and Delete removing it. Traces name them with the staged: prefix.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Flow, type Resource } from "../../src/index.ts";
import { gnp, knp, namespace, np, pod } from "../support/cluster.ts";

const base: Resource[] = [namespace("a"), pod("a/web", { app: "web" }, { ip: "10.0.0.1" }), pod("a/db", { app: "db" }, { ip: "10.0.0.2" })];
const webToDb: Flow = { src: { pod: "a/web" }, dst: { pod: "a/db" }, protocol: "TCP", port: 5432 };

function staged<K extends string>(kind: K, name: string, namespaceName: string | undefined, spec: Record<string, unknown>) {
  return { apiVersion: "projectcalico.org/v3", kind, metadata: { name, ...(namespaceName ? { namespace: namespaceName } : {}) }, spec } as unknown as Resource;
}

describe("staged policies", () => {
  it("a staged Set never changes the enforced verdict, and its pending verdict names it staged:", () => {
    const v = buildPolicySet([...base, staged("StagedNetworkPolicy", "default.lock", "a", { selector: "app == 'db'", ingress: [{ action: "Deny" }] })]).evaluate(webToDb);
    expect(v.action).toBe("allow");
    expect(v.ingress?.policies).toEqual(["0|__PROFILE__|__PROFILE__.kns.a|allow|0"]);
    expect(v.pending.action).toBe("deny");
    expect(v.pending.ingress?.policies).toEqual(["0|default|a/default.staged:lock|deny|0"]);
    expect(v.pending.egress).toEqual(v.egress);
  });

  it("a staged Set replaces the enforced policy of the same namespace, tier and name", () => {
    const enforced = np("a/default.db", { selector: "app == 'db'", ingress: [{ action: "Deny" }] });
    const v = buildPolicySet([...base, enforced, staged("StagedNetworkPolicy", "db", "a", { tier: "default", selector: "app == 'db'", ingress: [{ action: "Allow" }] })]).evaluate(webToDb);
    expect(v.action).toBe("deny");
    expect(v.ingress?.policies).toEqual(["0|default|a/default.db|deny|0"]);
    expect(v.pending).toMatchObject({ action: "allow", ingress: { action: "allow", policies: ["0|default|a/default.staged:db|allow|0"] } });
  });

  it("a staged Delete removes the enforced policy from the pending verdict", () => {
    const enforced = np("a/default.db", { selector: "app == 'db'", ingress: [{ action: "Deny" }] });
    const v = buildPolicySet([...base, enforced, staged("StagedNetworkPolicy", "default.db", "a", { stagedAction: "Delete" })]).evaluate(webToDb);
    expect(v.action).toBe("deny");
    expect(v.pending.action).toBe("allow");
    expect(v.pending.ingress?.policies).toEqual(["0|__PROFILE__|__PROFILE__.kns.a|allow|0"]);
  });

  it("a StagedGlobalNetworkPolicy is named tier.staged:name and replaces the global policy of that name", () => {
    const enforced = gnp("default.bar", { selector: "all()", types: ["Egress"], egress: [{ action: "Allow" }] });
    const v = buildPolicySet([...base, enforced, staged("StagedGlobalNetworkPolicy", "bar", undefined, { selector: "all()", types: ["Egress"], egress: [{ action: "Deny" }] })]).evaluate(webToDb);
    expect(v.egress?.policies).toEqual(["0|default|default.bar|allow|0"]);
    expect(v.pending.action).toBe("deny");
    expect(v.pending.egress?.policies).toEqual(["0|default|default.staged:bar|deny|0"]);
  });

  it("a staged Kubernetes policy is named ns/staged:knp.default.name and replaces the Kubernetes policy", () => {
    const enforced = knp("a/x", { podSelector: { matchLabels: { app: "db" } }, ingress: [{}] });
    const v = buildPolicySet([...base, enforced, staged("StagedKubernetesNetworkPolicy", "x", "a", { podSelector: { matchLabels: { app: "db" } } })]).evaluate(webToDb);
    expect(v.ingress?.policies).toEqual(["0|default|a/knp.default.x|allow|0"]);
    expect(v.pending.action).toBe("deny");
    expect(v.pending.ingress?.policies).toEqual(["0|default|a/staged:knp.default.x|deny|-1"]);
  });

  it("a staged Kubernetes Delete removes the Kubernetes policy of that name", () => {
    const enforced = knp("a/x", { podSelector: {} });
    const v = buildPolicySet([...base, enforced, staged("StagedKubernetesNetworkPolicy", "x", "a", { stagedAction: "Delete" })]).evaluate(webToDb);
    expect(v.action).toBe("deny");
    expect(v.pending.action).toBe("allow");
  });

  it("a staged policy keeps the other enforced policies in the pending verdict", () => {
    const enforced = gnp("default.first", { order: 1, selector: "all()", ingress: [{ action: "Pass", source: { selector: "app == 'web'" } }] });
    const v = buildPolicySet([...base, enforced, staged("StagedNetworkPolicy", "default.lock", "a", { order: 2, selector: "app == 'db'", ingress: [{ action: "Deny" }] })]).evaluate(webToDb);
    expect(v.pending.ingress?.policies).toEqual(["0|default|default.first|pass|0", "1|__PROFILE__|__PROFILE__.kns.a|allow|0"]);
  });
});
