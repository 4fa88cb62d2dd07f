// The verdict cache of a policy set must be invisible: a repeated flow gets the verdict and the
// traces a fresh walk gives, whatever in the flow a rule reads (peer, protocol, port, named
// ports, network sets, domains, ICMP), for the enforced and the pending verdict.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Flow, type Resource } from "../../src/index.ts";
import { globalNetworkSet, gnp, namespace, np, pod, tier } from "../support/cluster.ts";

const resources: Resource[] = [
  tier("security", 100, "Pass"),
  namespace("shop", { env: "prod" }),
  pod("shop/web", { app: "web" }, { ip: "10.0.0.1", ports: [{ name: "http", port: 8080 }] }),
  pod("shop/api", { app: "api" }, { ip: "10.0.0.2", ports: [{ name: "http", port: 9090 }] }),
  pod("shop/db", { app: "db" }, { ip: "10.0.0.3" }),
  globalNetworkSet("partners", { kind: "partner" }, ["203.0.113.0/24"]),
  gnp("security.block-partners", {
    tier: "security",
    order: 1,
    selector: "all()",
    types: ["Ingress", "Egress"],
    ingress: [{ action: "Deny", source: { selector: "kind == 'partner'" } }, { action: "Pass" }],
    egress: [
      { action: "Allow", destination: { domains: ["*.example.com"] } },
      { action: "Deny", protocol: "ICMP", icmp: { type: 8 } },
      { action: "Pass" },
    ],
  }),
  np("shop/default.web", {
    selector: "app == 'api'",
    types: ["Ingress"],
    ingress: [{ action: "Allow", protocol: "TCP", source: { selector: "app == 'web'" }, destination: { ports: ["http"] } }],
  }),
  {
    apiVersion: "projectcalico.org/v3",
    kind: "StagedNetworkPolicy",
    metadata: { name: "default.lock-db", namespace: "shop" },
    spec: { selector: "app == 'db'", types: ["Ingress"], ingress: [{ action: "Deny" }] },
  } as unknown as Resource,
];

const flows: Flow[] = [
  { src: { pod: "shop/web" }, dst: { pod: "shop/api" }, protocol: "TCP", port: 9090 },
  { src: { pod: "shop/web" }, dst: { pod: "shop/api" }, protocol: "TCP", port: 8080 },
  { src: { pod: "shop/web" }, dst: { pod: "shop/api" }, protocol: "UDP", port: 9090 },
  { src: { pod: "shop/db" }, dst: { pod: "shop/api" }, protocol: "TCP", port: 9090 },
  { src: { pod: "shop/web" }, dst: { pod: "shop/db" }, protocol: "TCP", port: 5432 },
  { src: { pod: "shop/web" }, dst: { pod: "shop/db" }, protocol: "TCP" },
  { src: { ip: "203.0.113.7" }, dst: { pod: "shop/api" }, protocol: "TCP", port: 9090 },
  { src: { ip: "198.51.100.7" }, dst: { pod: "shop/api" }, protocol: "TCP", port: 9090 },
  { src: { ip: "10.0.0.1" }, dst: { pod: "shop/api" }, protocol: "TCP", port: 9090 },
  { src: { pod: "shop/web" }, dst: { ip: "198.51.100.9" }, protocol: "TCP", port: 443, domains: ["api.example.com"] },
  { src: { pod: "shop/web" }, dst: { ip: "198.51.100.9" }, protocol: "TCP", port: 443, domains: ["api.example.org"] },
  { src: { pod: "shop/web" }, dst: { ip: "198.51.100.9" }, protocol: "TCP", port: 443 },
  { src: { pod: "shop/web" }, dst: { ip: "198.51.100.9" }, protocol: "ICMP", icmp: { type: 8 } },
  { src: { pod: "shop/web" }, dst: { ip: "198.51.100.9" }, protocol: "ICMP", icmp: { type: 0 } },
];

describe("verdict cache", () => {
  it("gives a repeated flow the verdict and traces of a set without the cache, in any order", () => {
    const uncached = buildPolicySet(resources, { verdictCacheEntries: 0 });
    const expected = flows.map((f) => uncached.evaluate(f));
    const cached = buildPolicySet(resources);
    for (let round = 0; round < 3; round++) {
      const order = round === 1 ? [...flows.keys()].reverse() : [...flows.keys()];
      for (const i of order) expect(cached.evaluate(flows[i]!)).toEqual(expected[i]);
    }
  });

  it("tells flows apart that differ only in port, protocol, peer, domains or ICMP type", () => {
    const set = buildPolicySet(resources);
    const actions = flows.map((f) => set.evaluate(f).action);
    expect(actions.slice(0, 3)).toEqual(["allow", "deny", "deny"]);
    expect(set.evaluate(flows[3]!).ingress?.policies.at(-1)).toMatch(/default\|shop\/default.web\|deny\|-1$/);
    expect(actions.slice(6, 9)).toEqual(["deny", "deny", "allow"]);
    expect(actions.slice(9, 12)).toEqual(["allow", "allow", "allow"]);
    expect(set.evaluate(flows[9]!).egress?.policies).toEqual(["0|security|security.block-partners|allow|0"]);
    expect(set.evaluate(flows[10]!).egress?.policies[0]).toBe("0|security|security.block-partners|pass|2");
    expect(actions.slice(12)).toEqual(["deny", "allow"]);
  });

  it("keeps the enforced and the pending sides of a staged policy apart", () => {
    const set = buildPolicySet(resources);
    for (let round = 0; round < 2; round++) {
      const v = set.evaluate(flows[4]!);
      expect(v.action).toBe("allow");
      expect(v.pending.action).toBe("deny");
      expect(v.pending.ingress?.policies.at(-1)).toBe("1|default|shop/default.staged:lock-db|deny|0");
    }
  });

  it("hands out side verdicts that cannot be changed, since later verdicts share them", () => {
    const v = buildPolicySet(resources).evaluate(flows[0]!);
    expect(Object.isFrozen(v.egress)).toBe(true);
    expect(Object.isFrozen(v.egress?.policies)).toBe(true);
  });
});
