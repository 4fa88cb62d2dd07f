// Objects that skipped validation must not stop every verdict: each field of a small valid
// cluster replaced by a value of the wrong shape still builds a policy set that evaluates.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Resource } from "../../src/index.ts";
import { globalNetworkSet, gnp, knp, namespace, np, pod, serviceAccount } from "../support/cluster.ts";

const cluster: Resource[] = [
  namespace("a", { team: "x" }),
  serviceAccount("a/s", { pci: "true" }),
  pod("a/web", { app: "web" }, { ip: "10.0.0.1", sa: "s", ports: [{ name: "http", port: 80 }] }),
  pod("a/db", { app: "db" }, { ip: "10.0.0.2" }),
  globalNetworkSet("pub", { type: "public" }, ["203.0.113.0/24"]),
  gnp("g", { selector: "all()", ingress: [{ action: "Pass", protocol: "TCP", source: { selector: "type == 'public'", nets: ["203.0.113.0/24"] }, destination: { ports: ["http", 80] } }] }),
  np("a/n", { selector: "app == 'db'", egress: [{ action: "Allow", destination: { domains: ["*.x.com"], notNets: ["10.9.0.0/16"] } }] }),
  knp("a/k", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 80 }] }] }),
];

const JUNK: unknown[] = [null, 3, "", "((", [], {}, [null], { a: [1] }];

function paths(obj: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(obj)) obj.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (obj && typeof obj === "object") for (const [k, v] of Object.entries(obj)) out.push(...paths(v, [...prefix, k]));
  return out;
}

describe("buildPolicySet on objects that skipped validation", () => {
  it("builds and evaluates whatever shape any field of any object takes", () => {
    let built = 0;
    for (let i = 0; i < cluster.length; i++)
      for (const p of paths(cluster[i]))
        for (const junk of JUNK) {
          const broken = structuredClone(cluster[i]) as unknown as Record<string | number, unknown>;
          let at = broken;
          for (const k of p.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
          at[p[p.length - 1]!] = junk;
          const resources = cluster.map((r, j) => (j === i ? (broken as unknown as Resource) : r));
          const set = buildPolicySet(resources);
          for (const flow of [
            { src: { pod: "a/web" }, dst: { pod: "a/db" }, protocol: "TCP", port: 80 },
            { src: { ip: "203.0.113.9" }, dst: { ip: "10.0.0.1" }, protocol: "TCP", port: 80, domains: ["a.x.com"] },
          ]) {
            try {
              const v = set.evaluate(flow);
              expect(["allow", "deny"]).toContain(v.action);
            } catch (e) {
              // The only refusal allowed: a broken pod that could not be indexed is unknown.
              expect((e as Error).message).toMatch(/unknown pod/);
            }
          }
          built++;
        }
    expect(built).toBeGreaterThan(300);
  });
});
