// Tier evaluation conformance, written from Calico's documentation of tiers and policy
// (docs.tigera.io: "Tiered network policy", "Get started with Calico network policy",
// the NetworkPolicy / GlobalNetworkPolicy / Tier / NetworkSet references) and felix's
// policy-ordering and rule-matching semantics. Each row says what Calico does.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Flow, type Resource } from "../../src/index.ts";
import { globalNetworkSet, gnp, namespace, networkSet, np, pod, serviceAccount, tier } from "../support/cluster.ts";

const base: Resource[] = [
  namespace("a", { team: "blue" }),
  namespace("b", { team: "green" }),
  pod("a/web", { app: "web" }, { ip: "10.0.0.1", sa: "web-sa", ports: [{ name: "http", port: 8080 }, { name: "dns", port: 53, protocol: "UDP" }] }),
  pod("a/db", { app: "db" }, { ip: "10.0.0.2", sa: "db-sa" }),
  pod("b/web", { app: "web" }, { ip: "10.0.1.1" }),
  pod("b/client", { app: "client" }, { ip: "10.0.1.2" }),
  serviceAccount("a/web-sa", { pci: "true" }),
  serviceAccount("a/db-sa"),
];

const flow = (src: string, dst: string, port = 80, protocol = "TCP", extra: Partial<Flow> = {}): Flow => ({
  src: src.includes("/") ? { pod: src } : { ip: src },
  dst: dst.includes("/") ? { pod: dst } : { ip: dst },
  protocol,
  port,
  ...extra,
});

interface Row {
  name: string;
  resources: Resource[];
  flow: Flow;
  action: "allow" | "deny";
  egress?: string[] | null;
  ingress?: string[] | null;
  pending?: { action: "allow" | "deny"; egress?: string[] | null; ingress?: string[] | null };
}

const allowAll = { ingress: [{ action: "Allow" as const }], egress: [{ action: "Allow" as const }] };
const PROFILE_A = "__PROFILE__|__PROFILE__.kns.a|allow|0";

const rows: Row[] = [
  {
    name: "with no policy the namespace profile allows both sides",
    resources: [],
    flow: flow("a/web", "b/web"),
    action: "allow",
    egress: [`0|${PROFILE_A}`],
    ingress: ["0|__PROFILE__|__PROFILE__.kns.b|allow|0"],
  },
  {
    name: "Allow ends evaluation: a later tier's Deny is never reached",
    resources: [tier("t1", 10), tier("t2", 20), gnp("t1.allow", { tier: "t1", selector: "all()", types: ["Ingress"], ingress: [{ action: "Allow" }] }), gnp("t2.deny", { tier: "t2", selector: "all()", types: ["Ingress"], ingress: [{ action: "Deny" }] })],
    flow: flow("a/web", "a/db"),
    action: "allow",
    ingress: ["0|t1|t1.allow|allow|0"],
  },
  {
    name: "Deny ends evaluation and denies the flow",
    resources: [gnp("block", { selector: "app == 'db'", ingress: [{ action: "Deny", source: { selector: "app == 'web'" } }, { action: "Allow" }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    ingress: ["0|default|default.block|deny|0"],
  },
  {
    name: "Pass leaves the tier at once, skipping the tier's later policies",
    resources: [
      tier("t1", 10),
      gnp("t1.pass", { tier: "t1", order: 1, selector: "all()", ingress: [{ action: "Pass" }] }),
      gnp("t1.deny", { tier: "t1", order: 2, selector: "all()", ingress: [{ action: "Deny" }] }),
      gnp("allow", { selector: "all()", ingress: [{ action: "Allow" }] }),
    ],
    flow: flow("a/web", "a/db"),
    action: "allow",
    ingress: ["0|t1|t1.pass|pass|0", "1|default|default.allow|allow|0"],
  },
  {
    name: "Log records and continues to the next rule",
    resources: [gnp("log-then-deny", { selector: "all()", ingress: [{ action: "Log" }, { action: "Deny" }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    ingress: ["0|default|default.log-then-deny|deny|1"],
  },
  {
    name: "a tier that applies and matches nothing takes its Deny default (rule index -1, last applying policy)",
    resources: [
      tier("t1", 10),
      gnp("t1.first", { tier: "t1", order: 1, selector: "all()", ingress: [{ action: "Allow", source: { selector: "app == 'nobody'" } }] }),
      gnp("t1.second", { tier: "t1", order: 2, selector: "all()", ingress: [{ action: "Allow", protocol: "UDP" }] }),
    ],
    flow: flow("a/web", "a/db"),
    action: "deny",
    ingress: ["0|t1|t1.second|deny|-1"],
  },
  {
    name: "a tier with defaultAction Pass hands an unmatched flow to the next tier",
    resources: [tier("t1", 10, "Pass"), gnp("t1.nothing", { tier: "t1", selector: "all()", ingress: [{ action: "Deny", protocol: "UDP" }] })],
    flow: flow("a/web", "a/db"),
    action: "allow",
    ingress: ["0|t1|t1.nothing|pass|-1", `1|__PROFILE__|__PROFILE__.kns.a|allow|0`],
  },
  {
    name: "a tier none of whose policies selects the endpoint is skipped (no end-of-tier deny)",
    resources: [tier("t1", 10), gnp("t1.db-only", { tier: "t1", selector: "app == 'db'", ingress: [{ action: "Deny" }] })],
    flow: flow("a/db", "b/web"),
    action: "allow",
    ingress: ["0|__PROFILE__|__PROFILE__.kns.b|allow|0"],
  },
  {
    name: "a policy applies only in the directions of its types: an egress-only policy does not isolate ingress",
    resources: [gnp("egress-only", { selector: "all()", types: ["Egress"], egress: [{ action: "Deny", destination: { nets: ["192.0.2.0/24"] } }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    egress: ["0|default|default.egress-only|deny|-1"],
    ingress: [`0|${PROFILE_A}`],
  },
  {
    name: "types default: only egress rules means Egress only",
    resources: [gnp("only-egress", { selector: "all()", egress: [{ action: "Allow" }] })],
    flow: flow("a/web", "a/db"),
    action: "allow",
    egress: ["0|default|default.only-egress|allow|0"],
    ingress: [`0|${PROFILE_A}`],
  },
  {
    name: "types default: no rules at all means Ingress, which then denies all ingress",
    resources: [gnp("isolate", { selector: "app == 'db'" })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    egress: [`0|${PROFILE_A}`],
    ingress: ["0|default|default.isolate|deny|-1"],
  },
  {
    name: "policies of equal order run by name",
    resources: [gnp("b-deny", { order: 5, selector: "all()", ingress: [{ action: "Deny" }] }), gnp("a-allow", { order: 5, selector: "all()", ingress: [{ action: "Allow" }] })],
    flow: flow("a/web", "a/db"),
    action: "allow",
    ingress: ["0|default|default.a-allow|allow|0"],
  },
  {
    name: "a policy without order runs after every ordered one",
    resources: [gnp("a-unordered", { selector: "all()", ingress: [{ action: "Allow" }] }), gnp("z-ordered", { order: 1000000, selector: "all()", ingress: [{ action: "Deny" }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    ingress: ["0|default|default.z-ordered|deny|0"],
  },
  {
    name: "tiers of equal order run by name, and lower order first",
    resources: [tier("zeta", 50), tier("alpha", 50), tier("first", 1), gnp("zeta.deny", { tier: "zeta", selector: "all()", ingress: [{ action: "Deny" }] }), gnp("alpha.pass", { tier: "alpha", selector: "all()", ingress: [{ action: "Pass" }] }), gnp("first.pass", { tier: "first", selector: "all()", ingress: [{ action: "Pass" }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    ingress: ["0|first|first.pass|pass|0", "1|alpha|alpha.pass|pass|0", "2|zeta|zeta.deny|deny|0"],
  },
  {
    name: "a tier without order runs after the default tier",
    resources: [tier("last"), gnp("last.deny", { tier: "last", selector: "all()", ingress: [{ action: "Deny" }] }), gnp("pass", { selector: "all()", ingress: [{ action: "Pass" }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
    ingress: ["0|default|default.pass|pass|0", "1|last|last.deny|deny|0"],
  },
  {
    name: "the built-in kube-admin tier (order 1000) runs before default and passes by default",
    resources: [gnp("kube-admin.watch", { tier: "kube-admin", selector: "all()", ingress: [{ action: "Deny", protocol: "UDP" }] }), gnp("allow", { selector: "all()", ingress: [{ action: "Allow" }] })],
    flow: flow("a/web", "a/db"),
    action: "allow",
    ingress: ["0|kube-admin|kube-admin.watch|pass|-1", "1|default|default.allow|allow|0"],
  },
  {
    name: "a namespaced policy selects only pods of its own namespace",
    resources: [np("b/deny-web", { selector: "app == 'web'", ingress: [{ action: "Deny" }] })],
    flow: flow("b/client", "a/web"),
    action: "allow",
    ingress: [`0|${PROFILE_A}`],
  },
  {
    name: "a namespaced policy's trace name is namespace/tier.name",
    resources: [np("a/deny-web", { selector: "app == 'web'", ingress: [{ action: "Deny" }] })],
    flow: flow("b/client", "a/web"),
    action: "deny",
    ingress: ["0|default|a/default.deny-web|deny|0"],
  },
  {
    name: "a global policy's namespaceSelector narrows it to pods of matching namespaces",
    resources: [gnp("green-only", { namespaceSelector: "team == 'green'", selector: "app == 'web'", ingress: [{ action: "Deny" }] })],
    flow: flow("b/client", "a/web"),
    action: "allow",
  },
  {
    name: "serviceAccountSelector selects pods by their service account's labels",
    resources: [gnp("pci", { serviceAccountSelector: "pci == 'true'", ingress: [{ action: "Deny" }] })],
    flow: flow("b/client", "a/web"),
    action: "deny",
    ingress: ["0|default|default.pci|deny|0"],
  },
  {
    name: "a namespaced policy's rule selector stays in the policy's namespace",
    resources: [np("a/from-web", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { selector: "app == 'web'" } }] })],
    flow: flow("b/web", "a/db"),
    action: "deny",
    ingress: ["0|default|a/default.from-web|deny|-1"],
  },
  {
    name: "a rule namespaceSelector reaches pods of other namespaces",
    resources: [np("a/from-web", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { selector: "app == 'web'", namespaceSelector: "team == 'green'" } }] })],
    flow: flow("b/web", "a/db"),
    action: "allow",
    ingress: ["0|default|a/default.from-web|allow|0"],
  },
  {
    name: "namespace labels include projectcalico.org/name",
    resources: [np("a/from-b", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { namespaceSelector: "projectcalico.org/name == 'b'" } }] })],
    flow: flow("b/client", "a/db"),
    action: "allow",
  },
  {
    name: "a global policy's rule selectors span every namespace",
    resources: [gnp("from-web", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { selector: "app == 'web'" } }] })],
    flow: flow("b/web", "a/db"),
    action: "allow",
  },
  {
    name: "serviceAccounts.names matches the source pod's service account",
    resources: [gnp("by-sa", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { serviceAccounts: { names: ["web-sa"] } } }] })],
    flow: flow("a/web", "a/db"),
    action: "allow",
  },
  {
    name: "serviceAccounts.selector matches service-account labels; != is true for an absent label",
    resources: [gnp("non-pci", { selector: "app == 'web'", ingress: [{ action: "Deny", source: { serviceAccounts: { selector: "pci != 'true'" } } }, { action: "Allow" }] })],
    flow: flow("a/db", "a/web"),
    action: "deny",
  },
  {
    name: "nets match the peer's address, including a pod's IP",
    resources: [gnp("nets", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { nets: ["10.0.1.0/24"] } }] })],
    flow: flow("b/client", "a/db"),
    action: "allow",
  },
  {
    name: "notNets excludes addresses in them",
    resources: [gnp("notnets", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { notNets: ["10.0.1.0/24"] } }] })],
    flow: flow("b/client", "a/db"),
    action: "deny",
  },
  {
    name: "a selector never matches an address outside every pod and network set",
    resources: [gnp("sel", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { selector: "all()" } }] })],
    flow: flow("192.0.2.7", "a/db"),
    action: "deny",
    egress: null,
  },
  {
    name: "notSelector lets an address outside every pod and network set through",
    resources: [gnp("notsel", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { notSelector: "app == 'web'" } }] })],
    flow: flow("192.0.2.7", "a/db"),
    action: "allow",
  },
  {
    name: "an address in a global network set matches a global policy's selector by the set's labels",
    resources: [globalNetworkSet("bad", { threat: "yes" }, ["192.0.2.0/24"]), gnp("threats", { selector: "all()", ingress: [{ action: "Deny", source: { selector: "threat == 'yes'" } }, { action: "Allow" }] })],
    flow: flow("192.0.2.7", "a/db"),
    action: "deny",
  },
  {
    name: "a namespaced policy does not reach a global network set without namespaceSelector global()",
    resources: [globalNetworkSet("bad", { threat: "yes" }, ["192.0.2.0/24"]), np("a/threats", { selector: "all()", ingress: [{ action: "Deny", source: { selector: "threat == 'yes'" } }, { action: "Allow" }] })],
    flow: flow("192.0.2.7", "a/db"),
    action: "allow",
  },
  {
    name: "namespaceSelector global() reaches global network sets from a namespaced policy",
    resources: [globalNetworkSet("bad", { threat: "yes" }, ["192.0.2.0/24"]), np("a/threats", { selector: "all()", ingress: [{ action: "Deny", source: { selector: "threat == 'yes'", namespaceSelector: "global()" } }, { action: "Allow" }] })],
    flow: flow("192.0.2.7", "a/db"),
    action: "deny",
  },
  {
    name: "namespaceSelector global() does not reach pods",
    resources: [np("a/glob", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { namespaceSelector: "global()" } }] })],
    flow: flow("a/web", "a/db"),
    action: "deny",
  },
  {
    name: "a namespaced policy's rule reaches the network sets of its own namespace",
    resources: [networkSet("a/partners", { role: "partner" }, ["198.51.100.0/24"]), np("a/partners", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { selector: "role == 'partner'" } }] })],
    flow: flow("198.51.100.9", "a/db"),
    action: "allow",
  },
  {
    name: "a namespaced policy does not reach another namespace's network sets",
    resources: [networkSet("b/partners", { role: "partner" }, ["198.51.100.0/24"]), np("a/partners", { selector: "app == 'db'", ingress: [{ action: "Allow", source: { selector: "role == 'partner'" } }] })],
    flow: flow("198.51.100.9", "a/db"),
    action: "deny",
  },
  {
    name: "ports match the destination port",
    resources: [gnp("p", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [5432] } }] })],
    flow: flow("a/web", "a/db", 5432),
    action: "allow",
  },
  {
    name: "a port range 'first:last' includes both ends",
    resources: [gnp("p", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: ["5000:5432"] } }] })],
    flow: flow("a/web", "a/db", 5432),
    action: "allow",
  },
  {
    name: "a port outside the rule's ports does not match",
    resources: [gnp("p", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: ["5000:5431"] } }] })],
    flow: flow("a/web", "a/db", 5432),
    action: "deny",
  },
  {
    name: "notPorts excludes the listed ports",
    resources: [gnp("p", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: "TCP", destination: { notPorts: [22] } }] })],
    flow: flow("a/web", "a/db", 22),
    action: "deny",
  },
  {
    name: "a named port resolves on the destination pod's container ports",
    resources: [gnp("named", { selector: "app == 'web'", ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: ["http"] } }] })],
    flow: flow("b/client", "a/web", 8080),
    action: "allow",
  },
  {
    name: "a named port requires the same protocol as the container port",
    resources: [gnp("named", { selector: "app == 'web'", ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: ["dns"] } }] })],
    flow: flow("b/client", "a/web", 53),
    action: "deny",
  },
  {
    name: "protocol must match; numbers and names are the same protocol",
    resources: [gnp("udp", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: 17 }] })],
    flow: flow("a/web", "a/db", 53, "UDP"),
    action: "allow",
  },
  {
    name: "notProtocol excludes a protocol",
    resources: [gnp("not-tcp", { selector: "app == 'db'", ingress: [{ action: "Allow", notProtocol: "TCP" }] })],
    flow: flow("a/web", "a/db", 80, "TCP"),
    action: "deny",
  },
  {
    name: "icmp type and code must both match",
    resources: [gnp("ping", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: "ICMP", icmp: { type: 8, code: 0 } }] })],
    flow: { src: { pod: "a/web" }, dst: { pod: "a/db" }, protocol: "ICMP", icmp: { type: 8, code: 0 } },
    action: "allow",
  },
  {
    name: "an icmp type that differs does not match",
    resources: [gnp("ping", { selector: "app == 'db'", ingress: [{ action: "Allow", protocol: "ICMP", icmp: { type: 8 } }] })],
    flow: { src: { pod: "a/web" }, dst: { pod: "a/db" }, protocol: "ICMP", icmp: { type: 0 } },
    action: "deny",
  },
  {
    name: "domains: '*' matches one or more labels",
    resources: [gnp("dom", { selector: "app == 'web'", types: ["Egress"], egress: [{ action: "Allow", destination: { domains: ["*.example.com"] } }] })],
    flow: flow("a/web", "203.0.113.5", 443, "TCP", { domains: ["a.b.example.com"] }),
    action: "allow",
    ingress: null,
  },
  {
    name: "domains: '*' does not match the bare parent domain",
    resources: [gnp("dom", { selector: "app == 'web'", types: ["Egress"], egress: [{ action: "Allow", destination: { domains: ["*.example.com"] } }] })],
    flow: flow("a/web", "203.0.113.5", 443, "TCP", { domains: ["example.com"] }),
    action: "deny",
  },
  {
    name: "domains: an exact name matches case-insensitively",
    resources: [gnp("dom", { selector: "app == 'web'", types: ["Egress"], egress: [{ action: "Allow", destination: { domains: ["api.example.com"] } }] })],
    flow: flow("a/web", "203.0.113.5", 443, "TCP", { domains: ["API.Example.com"] }),
    action: "allow",
  },
  {
    name: "a flow from an address that is no pod has no egress side",
    resources: [gnp("deny-egress", { selector: "all()", types: ["Egress"] })],
    flow: flow("192.0.2.1", "a/db"),
    action: "allow",
    egress: null,
  },
  {
    name: "an address that is a pod's IP is judged as that pod",
    resources: [gnp("deny-egress", { selector: "app == 'client'", types: ["Egress"] })],
    flow: flow("10.0.1.2", "a/db"),
    action: "deny",
    egress: ["0|default|default.deny-egress|deny|-1"],
  },
];

describe("tier evaluation conformance", () => {
  for (const row of rows) {
    it(row.name, () => {
      const v = buildPolicySet([...base, ...row.resources]).evaluate(row.flow);
      expect(v.action).toBe(row.action);
      if (row.egress !== undefined) expect(v.egress === null ? null : v.egress.policies).toEqual(row.egress);
      if (row.ingress !== undefined) expect(v.ingress === null ? null : v.ingress.policies).toEqual(row.ingress);
      // Without staged policies the pending verdict is the enforced one.
      expect(v.pending.action).toBe(v.action);
    });
  }
});

describe("host-only policies", () => {
  it("doNotTrack and preDNAT policies never apply to pods", () => {
    const set = buildPolicySet([
      ...base,
      gnp("untracked", { selector: "all()", doNotTrack: true, applyOnForward: true, ingress: [{ action: "Deny" }] }),
      gnp("prednat", { selector: "all()", preDNAT: true, applyOnForward: true, ingress: [{ action: "Deny" }] }),
    ]);
    expect(set.evaluate(flow("a/web", "a/db")).action).toBe("allow");
  });
});

describe("invalid input", () => {
  it("a policy that does not compile is left out and reported, and the rest still evaluate", () => {
    const set = buildPolicySet([
      ...base,
      gnp("broken", { selector: "app ==", ingress: [{ action: "Deny" }] }),
      gnp("deny-db", { selector: "app == 'db'", ingress: [{ action: "Deny" }] }),
    ]);
    expect(set.problems).toEqual([{ policy: "default.broken", message: expect.stringMatching(/column/) }]);
    expect(set.evaluate(flow("a/web", "a/db")).ingress?.policies).toEqual(["0|default|default.deny-db|deny|0"]);
  });

  it("a flow naming an unknown pod is refused with the pod's name", () => {
    expect(() => buildPolicySet(base).evaluate(flow("a/nope", "a/db"))).toThrow(/unknown pod a\/nope/);
  });
});

describe("network sets with allowedEgressDomains", () => {
  const resources: Resource[] = [
    ...base,
    {
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkSet",
      metadata: { name: "saas", labels: { dest: "saas" } },
      spec: { allowedEgressDomains: ["*.saas.example"] },
    },
    gnp("saas-only", { selector: "app == 'web'", types: ["Egress"], egress: [{ action: "Allow", destination: { selector: "dest == 'saas'" } }] }),
  ];

  it("a destination resolved from a listed name belongs to the set and matches its labels", () => {
    const v = buildPolicySet(resources).evaluate(flow("a/web", "203.0.113.40", 443, "TCP", { domains: ["api.saas.example"] }));
    expect(v.egress?.policies).toEqual(["0|default|default.saas-only|allow|0"]);
  });

  it("the same address reached without that name is not in the set", () => {
    const set = buildPolicySet(resources);
    set.evaluate(flow("a/web", "203.0.113.40", 443, "TCP", { domains: ["api.saas.example"] }));
    expect(set.evaluate(flow("a/web", "203.0.113.40", 443)).action).toBe("deny");
  });
});

describe("policy set overview", () => {
  it("lists every tier in evaluation order, built-in ones included, and the policies in order", () => {
    const set = buildPolicySet([...base, tier("security", 100), gnp("security.b", { tier: "security", order: 2 }), gnp("security.a", { tier: "security", order: 1 }), np("a/x", {})]);
    expect(set.tiers.map((t) => `${t.name}:${t.defaultAction}`)).toEqual(["security:deny", "kube-admin:pass", "default:deny", "kube-baseline:pass"]);
    expect(set.policyNames).toEqual(["security.a", "security.b", "a/default.x"]);
  });
});
