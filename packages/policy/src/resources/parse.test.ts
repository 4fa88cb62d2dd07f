import { describe, expect, it } from "vitest";
import { normalizeResource } from "./defaults.ts";
import { resourceKey, tierOf } from "./names.ts";
import { parseResources } from "./parse.ts";
import { serializeResources } from "./serialize.ts";
import type { Resource } from "./types.ts";

const YAML = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec: {replicas: 1}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  tier: security
  selector: app == 'web'
  egress:
  - action: Allow
    destination: {selector: "bad =="}
`;

describe("parseResources", () => {
  it("reads multi-document YAML, skips kinds the engine does not read, and names each error's document and path", () => {
    const { resources, errors } = parseResources(YAML);
    expect(resources.map((r) => r.kind)).toEqual(["Tier"]);
    expect(errors).toEqual([{ document: 2, path: "spec.egress[0].destination.selector", message: expect.stringMatching(/at column 7/) }]);
  });

  it("reads a JSON object, a JSON array and a v1 List", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } };
    expect(parseResources(JSON.stringify(ns)).resources).toEqual([ns]);
    expect(parseResources(JSON.stringify([ns, ns])).resources).toHaveLength(2);
    const list = { apiVersion: "v1", kind: "List", items: [ns, { ...ns, metadata: {} }] };
    const r = parseResources(JSON.stringify(list));
    expect(r.resources).toEqual([ns]);
    expect(r.errors).toEqual([{ document: 0, path: "items[1].metadata.name", message: "name is required" }]);
  });

  it("reports a YAML syntax error with its document", () => {
    const r = parseResources("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n");
    expect(r.resources).toHaveLength(1);
    expect(r.errors[0]?.document).toBe(1);
  });

  it("skips other Kubernetes kinds but reports an unknown Calico kind", () => {
    const r = parseResources("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicyy\nmetadata: {name: g}\n");
    expect(r.resources).toEqual([]);
    expect(r.errors).toEqual([{ document: 1, path: "kind", message: "unsupported kind GlobalNetworkPolicyy in projectcalico.org/v3" }]);
  });

  it("refuses a YAML alias bomb as an error of its document instead of expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`);
    const r = parseResources(lines.join("\n"));
    expect(r.resources).toEqual([]);
    expect(r.errors).toEqual([{ document: 0, path: "", message: expect.stringMatching(/alias/i) }]);
  });

  it("ignores empty documents", () => {
    expect(parseResources("---\n---\n").errors).toEqual([]);
  });
});

describe("normalizeResource", () => {
  it("stores a Calico policy under its full tier.name, with spec.tier and defaulted types", () => {
    const r = normalizeResource(parseResources("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: x}\nspec: {tier: platform, egress: [{action: Allow}]}\n").resources[0]!);
    expect(r.metadata.name).toBe("platform.x");
    expect(r.spec).toMatchObject({ tier: "platform", types: ["Egress"] });
  });

  it("defaults types to Ingress for no rules, and to both for both", () => {
    const gnp = (spec: object) => normalizeResource({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "p" }, spec } as Resource);
    expect((gnp({}).spec as { types: string[] }).types).toEqual(["Ingress"]);
    expect((gnp({ ingress: [{ action: "Allow" }], egress: [{ action: "Allow" }] }).spec as { types: string[] }).types).toEqual(["Ingress", "Egress"]);
    expect(gnp({}).metadata.name).toBe("default.p");
  });

  it("defaults a Kubernetes policy's policyTypes the way the API server does", () => {
    const k = (spec: object) => normalizeResource({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "k", namespace: "a" }, spec } as Resource);
    expect((k({ podSelector: {} }).spec as { policyTypes: string[] }).policyTypes).toEqual(["Ingress"]);
    expect((k({ podSelector: {}, egress: [{}] }).spec as { policyTypes: string[] }).policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("defaults a Tier's defaultAction to Deny and leaves its order absent", () => {
    const t = normalizeResource({ apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t" }, spec: {} });
    expect(t.spec).toEqual({ defaultAction: "Deny" });
  });

  it("does not change its input", () => {
    const r: Resource = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "p" }, spec: {} };
    normalizeResource(r);
    expect(r).toEqual({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "p" }, spec: {} });
  });
});

describe("serializeResources", () => {
  it("round-trips: parse(serialise(x)) deep-equals x", () => {
    const { resources } = parseResources(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.twilio-integration, labels: {owner: "true"}}
spec:
  tier: platform
  order: 200.5
  namespaceSelector: twilio == 'allowed'
  types: [Egress]
  egress:
  - action: Allow
    destination: {domains: ['*.twilio.com']}
  - action: Deny
    protocol: TCP
    destination: {selector: "type == 'public' && name != \\"x\\"", ports: ["1:1024", 8080, http]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a, labels: {version: "1.0"}}
spec: {serviceAccountName: s, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
status: {podIP: 10.0.0.1}
`);
    expect(resources).toHaveLength(2);
    const text = serializeResources(resources);
    const again = parseResources(text);
    expect(again.errors).toEqual([]);
    expect(again.resources).toEqual(resources);
    expect(text).toContain("apiVersion: projectcalico.org/v3");
  });
});

describe("resourceKey and tierOf", () => {
  it("identifies a policy by kind, namespace and full name, whichever form the name takes", () => {
    const bare: Resource = { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: "dmz", namespace: "s" }, spec: { tier: "default" } };
    const full: Resource = { ...bare, metadata: { name: "default.dmz", namespace: "s" } };
    expect(resourceKey(bare)).toBe("NetworkPolicy/s/default.dmz");
    expect(resourceKey(full)).toBe(resourceKey(bare));
  });

  it("tells Kubernetes and Calico NetworkPolicies apart", () => {
    const k: Resource = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x", namespace: "s" }, spec: { podSelector: {} } };
    expect(resourceKey(k)).toBe("KubernetesNetworkPolicy/s/x");
    expect(tierOf(k)).toBe("default");
  });

  it("knows which tier a policy belongs to", () => {
    expect(tierOf({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "security.pass" }, spec: { tier: "security" } })).toBe("security");
    expect(tierOf({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "x" }, spec: {} })).toBe("default");
  });
});
