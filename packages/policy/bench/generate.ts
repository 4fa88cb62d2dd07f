// A deterministic synthetic cluster for the evaluation benchmark: 5 tiers, 1,000 policies,
// 100 namespaces of 100 pods, and flows drawn from a seeded generator.
import type { Flow, Resource, Rule } from "../src/index.ts";

/** mulberry32: small, fast and the same on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NAMESPACES = 100;
export const PODS_PER_NAMESPACE = 100;
export const POLICIES = 1000;
const TIERS = [
  { name: "security", order: 100 },
  { name: "platform", order: 200 },
  { name: "apps", order: 300 },
  { name: "teams", order: 400 },
  { name: "default", order: undefined },
];
const ROLES = ["web", "api", "db", "cache", "worker"];
const PORTS = [80, 443, 5432, 6379, 8080, 9000];

const ns = (i: number) => `ns-${i}`;
const podName = (n: number, j: number) => `pod-${n}-${j}`;

export function generateResources(): Resource[] {
  const rnd = random(42);
  const out: Resource[] = [];
  for (const t of TIERS)
    if (t.name !== "default") out.push({ apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: t.name }, spec: { order: t.order!, defaultAction: t.name === "teams" ? "Deny" : "Pass" } });
  out.push({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "partners", labels: { kind: "partner" } }, spec: { nets: ["198.51.100.0/24", "203.0.113.0/24"] } });
  for (let n = 0; n < NAMESPACES; n++) {
    out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns(n), labels: { team: `team-${n % 10}`, env: n % 3 === 0 ? "prod" : "dev" } } });
    for (let s = 0; s < 5; s++)
      out.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: `sa-${s}`, namespace: ns(n), labels: { pci: String(s === 0) } } });
    for (let j = 0; j < PODS_PER_NAMESPACE; j++) {
      out.push({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: podName(n, j), namespace: ns(n), labels: { app: `app-${j % 20}`, role: ROLES[j % 5]!, version: `v${j % 3}` } },
        spec: { serviceAccountName: `sa-${j % 5}`, containers: [{ name: "main", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
        status: { podIP: `10.${Math.floor(n / 2)}.${(n % 2) * 100 + j}.${1 + (j % 200)}` },
      });
    }
  }
  for (let i = 0; i < POLICIES; i++) {
    const tier = TIERS[i % TIERS.length]!;
    const role = ROLES[Math.floor(rnd() * ROLES.length)]!;
    const peerRole = ROLES[Math.floor(rnd() * ROLES.length)]!;
    const app = `app-${Math.floor(rnd() * 20)}`;
    const port = PORTS[Math.floor(rnd() * PORTS.length)]!;
    const last: Rule[] = tier.name === "default" ? [] : rnd() < 0.5 ? [{ action: "Pass" }] : [];
    const ingress: Rule[] = [
      { action: "Allow", protocol: "TCP", source: { selector: `role == '${peerRole}'` }, destination: { ports: [port, "http"] } },
      { action: "Deny", source: { nets: ["192.168.0.0/16"] } },
      ...last,
    ];
    const egress: Rule[] = [
      { action: "Allow", protocol: "TCP", destination: { selector: `role == '${peerRole}' && version != 'v2'`, ports: [`${port}:${port + 10}`] } },
      { action: "Deny", destination: { selector: "kind == 'partner'", ...(rnd() < 0.5 ? {} : { namespaceSelector: "global()" }) } },
      ...last,
    ];
    const name = `p${i}`;
    const namespaced = rnd() < 0.6;
    if (tier.name === "default" && i % 10 === 0) {
      out.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `knp${i}`, namespace: ns(i % NAMESPACES) },
        spec: {
          podSelector: { matchLabels: { app } },
          ingress: [{ from: [{ podSelector: { matchLabels: { role: peerRole } } }, { namespaceSelector: { matchLabels: { team: "team-1" } } }], ports: [{ port }] }],
          egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }] }],
        },
      });
    } else if (namespaced) {
      const egressRules = egress.map((r) =>
        r.action === "Deny" ? { ...r, destination: { selector: "kind == 'partner'", namespaceSelector: "global()" } } : r,
      );
      out.push({
        apiVersion: "projectcalico.org/v3",
        kind: "NetworkPolicy",
        metadata: { name: `${tier.name}.${name}`, namespace: ns(i % NAMESPACES) },
        spec: { tier: tier.name, order: Math.floor(rnd() * 100), selector: `app == '${app}' || role == '${role}'`, types: ["Ingress", "Egress"], ingress, egress: egressRules },
      });
    } else {
      out.push({
        apiVersion: "projectcalico.org/v3",
        kind: "GlobalNetworkPolicy",
        metadata: { name: `${tier.name}.${name}` },
        spec: {
          tier: tier.name,
          order: Math.floor(rnd() * 100),
          selector: `app == '${app}' && role == '${role}'`,
          ...(rnd() < 0.3 ? { namespaceSelector: `env == '${rnd() < 0.5 ? "prod" : "dev"}'` } : {}),
          types: ["Ingress", "Egress"],
          ingress,
          egress,
        },
      });
    }
  }
  return out;
}

export function generateFlows(count: number, seed = 7): Flow[] {
  const rnd = random(seed);
  const pick = (k: number) => Math.floor(rnd() * k);
  const flows: Flow[] = new Array(count);
  const externals = ["198.51.100.7", "203.0.113.99", "8.8.8.8", "192.168.4.2"];
  // One string per pod, shared by the flows, as a flow collector's interned names would be.
  const keys: string[][] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    keys.push([]);
    for (let j = 0; j < PODS_PER_NAMESPACE; j++) keys[n]!.push(`${ns(n)}/${podName(n, j)}`);
  }
  for (let i = 0; i < count; i++) {
    const src = { pod: keys[pick(NAMESPACES)]![pick(PODS_PER_NAMESPACE)]! };
    const r = rnd();
    let dst: Flow["dst"];
    if (r < 0.1) dst = { ip: externals[pick(externals.length)]! };
    else {
      dst = { pod: keys[pick(NAMESPACES)]![pick(PODS_PER_NAMESPACE)]! };
    }
    const flow: Flow = { src, dst, protocol: rnd() < 0.9 ? "TCP" : "UDP", port: PORTS[pick(PORTS.length)]! };
    // Some flows arrive from outside, judged at the destination pod only.
    if (r > 0.95) flows[i] = { ...flow, src: { ip: externals[pick(externals.length)]! }, dst: { pod: src.pod } };
    else flows[i] = flow;
  }
  return flows;
}
