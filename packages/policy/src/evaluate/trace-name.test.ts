import { describe, expect, it } from "vitest";
import { parseResources } from "../resources/parse.ts";
import { buildPolicySet } from "./policy-set.ts";
import { policyTraceName } from "./trace-name.ts";

const yaml = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: security }
spec: { order: 100 }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: security.pci, namespace: shop }
spec: { tier: security, selector: all(), ingress: [{ action: Allow }] }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: trusted, namespace: shop }
spec: { selector: all(), ingress: [{ action: Allow }] }
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: security.pass }
spec: { tier: security, selector: all(), ingress: [{ action: Pass }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec: { podSelector: {}, ingress: [{}] }
---
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: { name: default.try, namespace: shop }
spec: { selector: all(), ingress: [{ action: Deny }] }
`;

describe("policyTraceName", () => {
  it("names stored policies the way the engine's traces name them", () => {
    const { resources, errors } = parseResources(yaml);
    expect(errors).toEqual([]);
    const set = buildPolicySet(resources);
    const stored = [
      { kind: "NetworkPolicy", namespace: "shop", name: "security.pci", tier: "security" },
      { kind: "NetworkPolicy", namespace: "shop", name: "trusted", tier: "default" },
      { kind: "GlobalNetworkPolicy", namespace: "", name: "security.pass", tier: "security" },
      { kind: "KubernetesNetworkPolicy", namespace: "shop", name: "web", tier: "default" },
    ].map(policyTraceName);
    expect(stored).toEqual(["shop/security.pci", "shop/default.trusted", "security.pass", "shop/knp.default.web"]);
    expect([...set.policyNames].sort()).toEqual([...stored].sort());
  });

  it("puts staged: before the bare name (Calico) or before knp (Kubernetes)", () => {
    expect(policyTraceName({ kind: "StagedNetworkPolicy", namespace: "shop", name: "default.try", tier: "default" })).toBe("shop/default.staged:try");
    expect(policyTraceName({ kind: "StagedGlobalNetworkPolicy", namespace: "", name: "lock", tier: "security" })).toBe("security.staged:lock");
    expect(policyTraceName({ kind: "StagedKubernetesNetworkPolicy", namespace: "shop", name: "web", tier: "default" })).toBe("shop/staged:knp.default.web");
    expect(() => policyTraceName({ kind: "Tier", name: "x" })).toThrow(/not a policy kind/);
  });
});
