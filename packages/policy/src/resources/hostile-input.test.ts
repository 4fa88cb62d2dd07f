// "Nothing a client sends can crash a process": every field of valid resources replaced by
// values of the wrong shape yields errors, never an exception.
import { describe, expect, it } from "vitest";
import { validateResource } from "./validate.ts";

const VALID: unknown[] = [
  {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: { name: "security.x", labels: { a: "b" } },
    spec: {
      tier: "security",
      order: 1,
      selector: "all()",
      namespaceSelector: "a == 'b'",
      serviceAccountSelector: "has(x)",
      types: ["Ingress", "Egress"],
      ingress: [{ action: "Allow", protocol: "TCP", source: { nets: ["10.0.0.0/8"], selector: "a == 'b'", serviceAccounts: { names: ["x"], selector: "a == 'b'" } }, destination: { ports: [80, "1:2"] } }],
      egress: [{ action: "Allow", destination: { domains: ["*.x.com"] } }, { action: "Deny", protocol: "ICMP", icmp: { type: 8, code: 0 } }],
    },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "k", namespace: "a" },
    spec: {
      podSelector: { matchLabels: { a: "b" }, matchExpressions: [{ key: "x", operator: "In", values: ["y"] }] },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }, { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ protocol: "TCP", port: 80, endPort: 90 }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    },
  },
  { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "a" }, spec: { serviceAccountName: "s", containers: [{ name: "c", ports: [{ containerPort: 80, name: "http" }] }] }, status: { podIP: "10.0.0.1" } },
  { apiVersion: "projectcalico.org/v3", kind: "HostEndpoint", metadata: { name: "h" }, spec: { node: "n", expectedIPs: ["10.0.0.1"] } },
  { apiVersion: "projectcalico.org/v3", kind: "StagedKubernetesNetworkPolicy", metadata: { name: "s", namespace: "a" }, spec: { stagedAction: "Set", podSelector: {} } },
];

const JUNK: unknown[] = [null, 7, -1.5, "", "((", true, [], [null], {}, { x: 1 }, [[1]], "a".repeat(5000)];

/** Every path to a value inside obj. */
function paths(obj: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(obj)) obj.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (obj && typeof obj === "object") for (const [k, v] of Object.entries(obj)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaced(obj: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let at = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

describe("validateResource on hostile input", () => {
  it("the valid originals pass", () => {
    for (const v of VALID) expect(validateResource(v)).toEqual([]);
  });

  it("never throws, whatever shape any field takes", () => {
    let checked = 0;
    for (const v of VALID)
      for (const p of paths(v))
        for (const junk of JUNK) {
          const errors = validateResource(replaced(v, p, junk));
          expect(Array.isArray(errors)).toBe(true);
          checked++;
        }
    expect(checked).toBeGreaterThan(500);
  });
});
