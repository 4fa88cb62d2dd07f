// Kubernetes NetworkPolicy conformance, from the Kubernetes documentation ("Network Policies")
// and the behaviours the upstream e2e suite (test/e2e/network/netpol) checks, as Calico applies
// them: each policy in the default tier at order 1000, traced as ns/knp.default.name.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Flow, type Resource } from "../../src/index.ts";
import { knp, namespace, pod } from "../support/cluster.ts";

const base: Resource[] = [
  namespace("x", { ns: "x" }),
  namespace("y", { ns: "y" }),
  pod("x/a", { pod: "a" }, { ip: "10.1.0.1", ports: [{ name: "serve-80", port: 80 }, { name: "serve-81-udp", port: 81, protocol: "UDP" }] }),
  pod("x/b", { pod: "b" }, { ip: "10.1.0.2" }),
  pod("y/a", { pod: "a" }, { ip: "10.2.0.1" }),
  pod("y/b", { pod: "b", tier: "gold" }, { ip: "10.2.0.2" }),
];

const f = (src: string, dst: string, port = 80, protocol = "TCP"): Flow => ({
  src: src.includes("/") ? { pod: src } : { ip: src },
  dst: dst.includes("/") ? { pod: dst } : { ip: dst },
  protocol,
  port,
});

interface Row { name: string; policies: Resource[]; flow: Flow; action: "allow" | "deny" }

const rows: Row[] = [
  { name: "with no policy every flow is allowed", policies: [], flow: f("y/b", "x/a"), action: "allow" },
  { name: "a policy with no rules isolates the selected pods for ingress", policies: [knp("x/deny", { podSelector: {} })], flow: f("x/b", "x/a"), action: "deny" },
  { name: "ingress isolation leaves egress open", policies: [knp("x/deny", { podSelector: {} })], flow: f("x/a", "y/a"), action: "allow" },
  { name: "policyTypes [Egress] with no egress rules denies all egress", policies: [knp("x/deny-egress", { podSelector: {}, policyTypes: ["Egress"] })], flow: f("x/a", "y/a"), action: "deny" },
  { name: "policyTypes [Egress] leaves ingress open", policies: [knp("x/deny-egress", { podSelector: {}, policyTypes: ["Egress"] })], flow: f("y/a", "x/a"), action: "allow" },
  { name: "egress rules without policyTypes isolate egress (the API server adds Egress)", policies: [knp("x/egress", { podSelector: {}, egress: [{ to: [{ podSelector: { matchLabels: { pod: "b" } } }] }] })], flow: f("x/a", "y/a"), action: "deny" },
  { name: "an empty ingress rule allows all ingress", policies: [knp("x/all", { podSelector: {}, ingress: [{}] })], flow: f("y/b", "x/a"), action: "allow" },
  { name: "a pod the policy does not select stays unisolated", policies: [knp("x/a-only", { podSelector: { matchLabels: { pod: "a" } } })], flow: f("y/a", "x/b"), action: "allow" },
  { name: "podSelector alone admits pods of the policy's namespace", policies: [knp("x/from-b", { podSelector: { matchLabels: { pod: "a" } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }] })], flow: f("x/b", "x/a"), action: "allow" },
  { name: "podSelector alone does not admit matching pods of other namespaces", policies: [knp("x/from-b", { podSelector: { matchLabels: { pod: "a" } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }] })], flow: f("y/b", "x/a"), action: "deny" },
  { name: "namespaceSelector alone admits every pod of matching namespaces", policies: [knp("x/from-y", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }] }] })], flow: f("y/a", "x/a"), action: "allow" },
  { name: "namespaceSelector alone does not admit the policy's own namespace unless it matches", policies: [knp("x/from-y", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }] }] })], flow: f("x/b", "x/a"), action: "deny" },
  { name: "an empty namespaceSelector admits every namespace", policies: [knp("x/any-ns", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })], flow: f("y/a", "x/a"), action: "allow" },
  { name: "podSelector and namespaceSelector in one peer must both match", policies: [knp("x/and", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } }, podSelector: { matchLabels: { pod: "b" } } }] }] })], flow: f("y/a", "x/a"), action: "deny" },
  { name: "podSelector and namespaceSelector in one peer admit a pod matching both", policies: [knp("x/and", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } }, podSelector: { matchLabels: { pod: "b" } } }] }] })], flow: f("y/b", "x/a"), action: "allow" },
  { name: "separate peers add up (or)", policies: [knp("x/or", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }, { podSelector: { matchLabels: { pod: "b" } } }] }] })], flow: f("x/b", "x/a"), action: "allow" },
  { name: "namespaceSelector matches the kubernetes.io/metadata.name label", policies: [knp("x/by-name", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "y" } } }] }] })], flow: f("y/a", "x/a"), action: "allow" },
  { name: "matchExpressions In selects by value", policies: [knp("x/expr", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["gold", "silver"] }] } }] }] })], flow: f("y/b", "x/a"), action: "allow" },
  { name: "matchExpressions NotIn admits pods without the label", policies: [knp("x/expr", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["gold"] }] } }] }] })], flow: f("y/a", "x/a"), action: "allow" },
  { name: "matchExpressions DoesNotExist excludes pods with the label", policies: [knp("x/expr", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] } }] }] })], flow: f("y/b", "x/a"), action: "deny" },
  { name: "matchExpressions Exists admits pods with the label", policies: [knp("x/expr", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "tier", operator: "Exists" }] } }] }] })], flow: f("y/b", "x/a"), action: "allow" },
  { name: "ipBlock admits addresses in its CIDR", policies: [knp("x/cidr", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.0.2.0/24", except: ["192.0.2.128/25"] } }] }] })], flow: f("192.0.2.10", "x/a"), action: "allow" },
  { name: "ipBlock except carves addresses out", policies: [knp("x/cidr", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.0.2.0/24", except: ["192.0.2.128/25"] } }] }] })], flow: f("192.0.2.200", "x/a"), action: "deny" },
  { name: "egress ipBlock allows traffic to its CIDR", policies: [knp("x/out", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.2.0.0/16" } }] }] })], flow: f("x/a", "y/b"), action: "allow" },
  { name: "ports restrict the rule they sit in", policies: [knp("x/port", { podSelector: {}, ingress: [{ ports: [{ protocol: "TCP", port: 80 }] }] })], flow: f("y/a", "x/a", 81), action: "deny" },
  { name: "a port with no protocol means TCP", policies: [knp("x/port", { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })], flow: f("y/a", "x/a", 80, "UDP"), action: "deny" },
  { name: "a port with no protocol admits TCP on that port", policies: [knp("x/port", { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })], flow: f("y/a", "x/a", 80, "TCP"), action: "allow" },
  { name: "endPort admits the whole range", policies: [knp("x/range", { podSelector: {}, ingress: [{ ports: [{ protocol: "TCP", port: 8000, endPort: 8080 }] }] })], flow: f("y/a", "x/a", 8080), action: "allow" },
  { name: "endPort excludes ports past the range", policies: [knp("x/range", { podSelector: {}, ingress: [{ ports: [{ protocol: "TCP", port: 8000, endPort: 8080 }] }] })], flow: f("y/a", "x/a", 8081), action: "deny" },
  { name: "a named port resolves on the destination pod", policies: [knp("x/named", { podSelector: {}, ingress: [{ ports: [{ port: "serve-80" }] }] })], flow: f("y/a", "x/a", 80), action: "allow" },
  { name: "a named port with the wrong protocol does not match", policies: [knp("x/named", { podSelector: {}, ingress: [{ ports: [{ protocol: "TCP", port: "serve-81-udp" }] }] })], flow: f("y/a", "x/a", 81, "TCP"), action: "deny" },
  { name: "a protocol-only port entry admits every port of that protocol", policies: [knp("x/udp", { podSelector: {}, ingress: [{ ports: [{ protocol: "UDP" }] }] })], flow: f("y/a", "x/a", 9999, "UDP"), action: "allow" },
  { name: "policies add up: a second policy's allow admits what the first does not", policies: [knp("x/one", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }] }), knp("x/two", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }] }] })], flow: f("y/a", "x/a"), action: "allow" },
  { name: "both directions must allow a pod-to-pod flow", policies: [knp("y/deny-out", { podSelector: {}, policyTypes: ["Egress"] }), knp("x/all-in", { podSelector: {}, ingress: [{}] })], flow: f("y/a", "x/a"), action: "deny" },
];

describe("Kubernetes NetworkPolicy conformance", () => {
  for (const row of rows) {
    it(row.name, () => {
      expect(buildPolicySet([...base, ...row.policies]).evaluate(row.flow).action).toBe(row.action);
    });
  }

  it("an isolated direction with no matching rule is denied by the default tier's end of tier", () => {
    const v = buildPolicySet([...base, knp("x/deny", { podSelector: {} })]).evaluate(f("x/b", "x/a"));
    expect(v.ingress?.policies).toEqual(["0|default|x/knp.default.deny|deny|-1"]);
  });

  it("Kubernetes policies run in the default tier at order 1000, after Calico policies of lower order", () => {
    const calico = { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: "early", namespace: "x" }, spec: { order: 10, selector: "all()", ingress: [{ action: "Pass" }] } } as Resource;
    const late = { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name: "late", namespace: "x" }, spec: { order: 2000, selector: "all()", ingress: [{ action: "Allow" }] } } as Resource;
    const v = buildPolicySet([...base, calico, late, knp("x/deny", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { pod: "nobody" } } }] }] })]).evaluate(f("y/a", "x/a"));
    expect(v.ingress?.policies).toEqual(["0|default|x/default.early|pass|0", "1|__PROFILE__|__PROFILE__.kns.x|allow|0"]);
    const v2 = buildPolicySet([...base, late, knp("x/allow", { podSelector: {}, ingress: [{}] })]).evaluate(f("y/a", "x/a"));
    expect(v2.ingress?.policies).toEqual(["0|default|x/knp.default.allow|allow|0"]);
  });
});
