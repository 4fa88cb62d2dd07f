import { describe, expect, it } from "vitest";
import { k8sToCalicoSpec, labelSelectorToCalico } from "./convert.ts";

describe("Kubernetes NetworkPolicy to Calico", () => {
  it("lands in the default tier at order 1000 with selectors limited to Kubernetes pods", () => {
    const spec = k8sToCalicoSpec({ podSelector: { matchLabels: { role: "db" } } });
    expect(spec).toMatchObject({ tier: "default", order: 1000, selector: "projectcalico.org/orchestrator == 'k8s' && role == 'db'", types: ["Ingress"] });
  });

  it("writes one Allow rule per protocol and peer, protocols in name order and outermost", () => {
    const spec = k8sToCalicoSpec({
      podSelector: {},
      ingress: [{ from: [{ podSelector: { matchLabels: { a: "1" } } }, { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ protocol: "UDP", port: 53 }, { port: 80 }, { port: 8000, endPort: 8080 }] }],
    });
    expect(spec.ingress).toEqual([
      { action: "Allow", protocol: "TCP", source: { selector: "projectcalico.org/orchestrator == 'k8s' && a == '1'" }, destination: { ports: [80, "8000:8080"] } },
      { action: "Allow", protocol: "TCP", source: { nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16"] }, destination: { ports: [80, "8000:8080"] } },
      { action: "Allow", protocol: "UDP", source: { selector: "projectcalico.org/orchestrator == 'k8s' && a == '1'" }, destination: { ports: [53] } },
      { action: "Allow", protocol: "UDP", source: { nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16"] }, destination: { ports: [53] } },
    ]);
  });

  it("puts egress peers and ports in the destination, and ignores rules of directions not in policyTypes", () => {
    const spec = k8sToCalicoSpec({ podSelector: {}, policyTypes: ["Egress"], ingress: [{}], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP" }] }] });
    expect(spec.ingress).toEqual([]);
    expect(spec.egress).toEqual([{ action: "Allow", protocol: "TCP", destination: { selector: "projectcalico.org/orchestrator == 'k8s'", namespaceSelector: "all()" } }]);
  });

  it("translates every matchExpressions operator", () => {
    expect(
      labelSelectorToCalico({
        matchExpressions: [
          { key: "a", operator: "In", values: ["x", "y"] },
          { key: "b", operator: "NotIn", values: ["z"] },
          { key: "c", operator: "Exists" },
          { key: "d", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("a in { 'x', 'y' } && b not in { 'z' } && has(c) && !has(d)");
  });
});
