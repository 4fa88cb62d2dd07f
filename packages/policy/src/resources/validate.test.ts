// Validation as Calico's and Kubernetes' validators do it, every error at once with its path.
import { describe, expect, it } from "vitest";
import { validateResource } from "./validate.ts";

const gnp = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name }, spec });
const np = (spec: Record<string, unknown>) => ({ apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: "p", namespace: "a" }, spec });
const knp = (spec: Record<string, unknown>) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "k", namespace: "a" }, spec });
const tier = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name }, spec });

const rejected: Array<[string, unknown, string, RegExp]> = [
  ["a tier name with a dot", tier("sec.urity"), "metadata.name", /no dots/],
  ["a tier name with capitals", tier("Security"), "metadata.name", /not a valid tier name/],
  ["a tier defaultAction other than Deny or Pass", tier("t", { defaultAction: "Allow" }), "spec.defaultAction", /Deny, Pass/],
  ["a tier order that is not a number", tier("t", { order: "high" }), "spec.order", /number/],
  ["a selector syntax error, with its column", np({ egress: [{ action: "Allow" }, { action: "Allow", destination: { selector: "app == " } }] }), "spec.egress[1].destination.selector", /expected a value after '==' at column 8/],
  ["global() in a policy selector", gnp("g", { selector: "global()" }), "spec.selector", /global\(\) may only be used in a rule's namespaceSelector/],
  ["global() in a rule selector", np({ ingress: [{ action: "Allow", source: { selector: "global()" } }] }), "spec.ingress[0].source.selector", /namespaceSelector/],
  ["an unknown action", np({ ingress: [{ action: "Accept" }] }), "spec.ingress[0].action", /Allow, Deny, Log, Pass/],
  ["a rule without action", np({ ingress: [{ protocol: "TCP" }] }), "spec.ingress[0].action", /required/],
  ["ports without a protocol", np({ ingress: [{ action: "Allow", destination: { ports: [80] } }] }), "spec.ingress[0].destination.ports", /requires protocol TCP/],
  ["ports with ICMP", np({ ingress: [{ action: "Allow", protocol: "ICMP", destination: { ports: [80] } }] }), "spec.ingress[0].destination.ports", /requires protocol/],
  ["a port range backwards", np({ ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: ["90:80"] } }] }), "spec.ingress[0].destination.ports[0]", /first port after its last/],
  ["a port above 65535", np({ ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [70000] } }] }), "spec.ingress[0].destination.ports[0]", /65535/],
  ["an unknown protocol", np({ ingress: [{ action: "Allow", protocol: "HTTP" }] }), "spec.ingress[0].protocol", /not a protocol/],
  ["icmp with TCP", np({ ingress: [{ action: "Allow", protocol: "TCP", icmp: { type: 8 } }] }), "spec.ingress[0].icmp", /requires protocol ICMP or ICMPv6/],
  ["an icmp code without type", np({ ingress: [{ action: "Allow", protocol: "ICMP", icmp: { code: 0 } }] }), "spec.ingress[0].icmp.code", /requires a type/],
  ["domains in an ingress rule", np({ ingress: [{ action: "Allow", destination: { domains: ["a.com"] } }] }), "spec.ingress[0].destination.domains", /egress/],
  ["domains in a Deny rule", np({ egress: [{ action: "Deny", destination: { domains: ["a.com"] } }] }), "spec.egress[0].destination.domains", /only in Allow rules/],
  ["domains with nets", np({ egress: [{ action: "Allow", destination: { domains: ["a.com"], nets: ["1.2.3.0/24"] } }] }), "spec.egress[0].destination.domains", /cannot be combined/],
  ["domains with a selector", np({ egress: [{ action: "Allow", destination: { domains: ["a.com"], selector: "a == 'b'" } }] }), "spec.egress[0].destination.domains", /cannot be combined/],
  ["a domain with '*' as the last label", np({ egress: [{ action: "Allow", destination: { domains: ["example.*"] } }] }), "spec.egress[0].destination.domains[0]", /last label/],
  ["a domain with two '*'", np({ egress: [{ action: "Allow", destination: { domains: ["*.*.example.com"] } }] }), "spec.egress[0].destination.domains[0]", /at most one/],
  ["a domain with '*' inside a label", np({ egress: [{ action: "Allow", destination: { domains: ["a*.example.com"] } }] }), "spec.egress[0].destination.domains[0]", /whole label/],
  ["nets mixing IPv4 and IPv6", np({ ingress: [{ action: "Allow", source: { nets: ["10.0.0.0/8"] }, destination: { nets: ["fd00::/8"] } }] }), "spec.ingress[0]", /mixes IPv4 and IPv6/],
  ["an invalid CIDR", np({ ingress: [{ action: "Allow", source: { nets: ["10.0.0.0/33"] } }] }), "spec.ingress[0].source.nets[0]", /not a valid CIDR/],
  ["an unknown type", np({ types: ["Inbound"] }), "spec.types[0]", /Ingress, Egress/],
  ["ingress rules when types leaves out Ingress", np({ types: ["Egress"], ingress: [{ action: "Allow" }] }), "spec.ingress", /types does not include Ingress/],
  ["an unknown field", np({ selectr: "all()" }), "spec.selectr", /unknown field/],
  ["a staged action other than Set or Delete", { apiVersion: "projectcalico.org/v3", kind: "StagedNetworkPolicy", metadata: { name: "s", namespace: "a" }, spec: { stagedAction: "Apply" } }, "spec.stagedAction", /Set, Delete/],
  ["a staged Delete carrying a selector", { apiVersion: "projectcalico.org/v3", kind: "StagedGlobalNetworkPolicy", metadata: { name: "s" }, spec: { stagedAction: "Delete", selector: "all()" } }, "spec.selector", /only the name and tier/],
  ["a policy name prefixed with another tier", gnp("platform.x", { tier: "security" }), "metadata.name", /another tier/],
  ["a namespace on a cluster-wide kind", { ...tier("t"), metadata: { name: "t", namespace: "a" } }, "metadata.namespace", /not namespaced/],
  ["a missing name", { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: {}, spec: {} }, "metadata.name", /required/],
  ["an unsupported kind", { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicyy", metadata: { name: "x" } }, "kind", /unsupported kind/],
  ["an invalid label key", { ...gnp("g", {}), metadata: { name: "g", labels: { "bad key": "v" } } }, "metadata.labels.bad key", /label key/],
  ["Kubernetes: endPort without a numeric port", knp({ podSelector: {}, ingress: [{ ports: [{ port: "http", endPort: 90 }] }] }), "spec.ingress[0].ports[0].endPort", /numeric port/],
  ["Kubernetes: endPort below port", knp({ podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }), "spec.ingress[0].ports[0].endPort", /greater than or equal/],
  ["Kubernetes: except outside the ipBlock", knp({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24"] } }] }] }), "spec.ingress[0].from[0].ipBlock.except[0]", /within/],
  ["Kubernetes: ipBlock with a podSelector", knp({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16" }, podSelector: {} }] }] }), "spec.egress[0].to[0].ipBlock", /may not be combined/],
  ["Kubernetes: an empty peer", knp({ podSelector: {}, ingress: [{ from: [{}] }] }), "spec.ingress[0].from[0]", /needs podSelector/],
  ["Kubernetes: In without values", knp({ podSelector: { matchExpressions: [{ key: "a", operator: "In" }] } }), "spec.podSelector.matchExpressions[0].values", /non-empty/],
  ["Kubernetes: a missing podSelector", knp({}), "spec.podSelector", /required/],
  ["Kubernetes: protocol ICMP", knp({ podSelector: {}, ingress: [{ ports: [{ protocol: "ICMP" }] }] }), "spec.ingress[0].ports[0].protocol", /TCP, UDP, SCTP/],
  ["a pod IP that is not an address", { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "a" }, spec: {}, status: { podIP: "10.0.0" } }, "status.podIP", /not an IP address/],
];

const accepted: Array<[string, unknown]> = [
  ["a bare policy name with spec.tier", gnp("x", { tier: "platform", selector: "all()" })],
  ["a prefixed policy name matching spec.tier", gnp("platform.x", { tier: "platform" })],
  ["global() in a rule namespaceSelector", np({ ingress: [{ action: "Allow", source: { selector: "type == 'public'", namespaceSelector: "global()" } }] })],
  ["domains with one leading '*'", np({ egress: [{ action: "Allow", destination: { domains: ["*.twilio.com", "api.example.com"] } }] })],
  ["a '*' label in the middle of a domain", np({ egress: [{ action: "Allow", destination: { domains: ["api.*.example.com"] } }] })],
  ["named ports and ranges with UDP", np({ ingress: [{ action: "Allow", protocol: "UDP", destination: { ports: ["dns", "1000:2000", 53] } }] })],
  ["ICMPv6 with type and code", np({ ingress: [{ action: "Allow", protocol: "ICMPv6", icmp: { type: 128, code: 0 } }] })],
  ["a staged Delete with name and tier only", { apiVersion: "projectcalico.org/v3", kind: "StagedNetworkPolicy", metadata: { name: "default.s", namespace: "a" }, spec: { stagedAction: "Delete", tier: "default" } }],
  ["a Tier with Pass", tier("platform", { order: 200, defaultAction: "Pass" })],
  ["a Kubernetes policy with endPort", knp({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 8000, endPort: 8080 }] }] })],
  ["IPv6 nets alone", np({ ingress: [{ action: "Allow", source: { nets: ["fd00::/8", "2001:db8::1"] } }] })],
];

describe("validateResource", () => {
  for (const [name, obj, path, message] of rejected) {
    it(`rejects ${name} at ${path}`, () => {
      const errors = validateResource(obj);
      expect(errors.find((e) => e.path === path)?.message ?? JSON.stringify(errors)).toMatch(message);
    });
  }
  for (const [name, obj] of accepted) {
    it(`accepts ${name}`, () => {
      expect(validateResource(obj)).toEqual([]);
    });
  }

  it("reports every error of an object at once", () => {
    const errors = validateResource(
      np({
        selector: "a ==",
        types: ["Sideways"],
        ingress: [{ action: "Allow", destination: { ports: [80] } }, { action: "Nope", protocol: "TCP", icmp: { type: 1 } }],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual([
      "spec.selector",
      "spec.types[0]",
      "spec.ingress",
      "spec.ingress[0].destination.ports",
      "spec.ingress[1].action",
      "spec.ingress[1].icmp",
    ]);
  });
});
