// The baseline the benchmark measures against: a straightforward evaluator that re-parses every
// selector it meets and scans every policy of every tier for every flow. It shares no code with
// src/evaluate, so agreement between the two on the benchmark's flows is also a cross-check.
import { parseSelectorTree } from "../src/selector/parser.ts";
import { evaluateTree } from "../src/selector/reference-evaluator.ts";
import { k8sToCalicoSpec, type Flow, type GlobalPolicySpec, type Resource, type Rule, type EntityRule } from "../src/index.ts";
import { cidrContains, parseAddress, parseCidr } from "../src/net/ip.ts";
import { protocolNumber } from "../src/net/protocols.ts";

type Labels = Record<string, string>;
interface Pod { ns: string; labels: Labels; sa: Labels; ip: string | undefined; ports: Array<{ name: string; port: number }> }
interface Policy { tier: string; order: number; sortName: string; traceName: string; ns: string | undefined; spec: GlobalPolicySpec }
interface Side { action: "allow" | "deny"; policies: string[] }
type End = { pod: Pod } | { ip: string };

const sel = (text: string, labels: Labels) => evaluateTree(parseSelectorTree(text), labels);

export class ReferenceEvaluator {
  private pods = new Map<string, Pod>();
  private podByIp = new Map<string, Pod>();
  private nsLabels = new Map<string, Labels>();
  private sets: Array<{ ns: string | undefined; labels: Labels; nets: string[] }> = [];
  private tiers: Array<{ name: string; order: number; action: "deny" | "pass" }> = [
    { name: "default", order: 1e6, action: "deny" },
  ];
  private policies: Policy[] = [];

  constructor(resources: Resource[]) {
    const sas = new Map<string, Labels>();
    for (const r of resources) {
      if (r.kind === "Namespace") this.nsLabels.set(r.metadata.name, { ...r.metadata.labels, "projectcalico.org/name": r.metadata.name, "kubernetes.io/metadata.name": r.metadata.name });
      if (r.kind === "ServiceAccount") sas.set(`${r.metadata.namespace}/${r.metadata.name}`, { ...r.metadata.labels, "projectcalico.org/name": r.metadata.name });
      if (r.kind === "Tier") this.tiers.push({ name: r.metadata.name, order: r.spec.order ?? Infinity, action: r.spec.defaultAction === "Pass" ? "pass" : "deny" });
      if (r.kind === "GlobalNetworkSet") this.sets.push({ ns: undefined, labels: { ...r.metadata.labels }, nets: r.spec.nets ?? [] });
      if (r.kind === "NetworkPolicy" && r.apiVersion === "projectcalico.org/v3") {
        const tier = r.spec.tier ?? "default";
        const name = r.metadata.name.startsWith(`${tier}.`) ? r.metadata.name : `${tier}.${r.metadata.name}`;
        this.policies.push({ tier, order: r.spec.order ?? Infinity, sortName: `${r.metadata.namespace}/${name}`, traceName: `${r.metadata.namespace}/${name}`, ns: r.metadata.namespace, spec: r.spec });
      }
      if (r.kind === "GlobalNetworkPolicy") {
        const tier = r.spec.tier ?? "default";
        const name = r.metadata.name.startsWith(`${tier}.`) ? r.metadata.name : `${tier}.${r.metadata.name}`;
        this.policies.push({ tier, order: r.spec.order ?? Infinity, sortName: name, traceName: name, ns: undefined, spec: r.spec });
      }
      if (r.kind === "NetworkPolicy" && r.apiVersion === "networking.k8s.io/v1") {
        const name = `${r.metadata.namespace}/knp.default.${r.metadata.name}`;
        this.policies.push({ tier: "default", order: 1000, sortName: name, traceName: name, ns: r.metadata.namespace, spec: k8sToCalicoSpec(r.spec) });
      }
    }
    for (const r of resources) {
      if (r.kind !== "Pod") continue;
      const ns = r.metadata.namespace ?? "default";
      const sa = r.spec.serviceAccountName ?? "default";
      const pod: Pod = {
        ns,
        labels: { ...r.metadata.labels, "projectcalico.org/namespace": ns, "projectcalico.org/orchestrator": "k8s", "projectcalico.org/serviceaccount": sa },
        sa: sas.get(`${ns}/${sa}`) ?? { "projectcalico.org/name": sa },
        ip: r.status?.podIP,
        ports: (r.spec.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.name).map((p) => ({ name: p.name!, port: p.containerPort }))),
      };
      this.pods.set(`${ns}/${r.metadata.name}`, pod);
      if (pod.ip) this.podByIp.set(pod.ip, pod);
    }
    this.tiers.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : 1));
  }

  evaluate(flow: Flow): { action: "allow" | "deny"; egress: Side | null; ingress: Side | null } {
    const end = (e: Flow["src"]): End => {
      if ("pod" in e) return { pod: this.pods.get(e.pod)! };
      const pod = this.podByIp.get(e.ip);
      return pod ? { pod } : { ip: e.ip };
    };
    const src = end(flow.src);
    const dst = end(flow.dst);
    const egress = "pod" in src ? this.side(src.pod, "egress", flow, src, dst) : null;
    const ingress = "pod" in dst ? this.side(dst.pod, "ingress", flow, src, dst) : null;
    const ok = (s: Side | null) => s === null || s.action === "allow";
    return { action: ok(egress) && ok(ingress) ? "allow" : "deny", egress, ingress };
  }

  private side(pod: Pod, dir: "ingress" | "egress", flow: Flow, src: End, dst: End): Side {
    const out: string[] = [];
    for (const tier of this.tiers) {
      const applying = this.policies
        .filter((p) => p.tier === tier.name && this.selects(p, pod, dir))
        .sort((a, b) => a.order - b.order || (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
      if (applying.length === 0) continue;
      let decided: string | undefined;
      for (const p of applying) {
        const rules = p.spec[dir] ?? [];
        const i = rules.findIndex((r) => r.action !== "Log" && this.ruleMatches(r, p, flow, src, dst));
        if (i >= 0) {
          decided = rules[i]!.action.toLowerCase();
          out.push(`${out.length}|${tier.name}|${p.traceName}|${decided}|${i}`);
          break;
        }
      }
      if (decided === "allow" || decided === "deny") return { action: decided, policies: out };
      if (decided === "pass") continue;
      out.push(`${out.length}|${tier.name}|${applying.at(-1)!.traceName}|${tier.action}|-1`);
      if (tier.action === "deny") return { action: "deny", policies: out };
    }
    out.push(`${out.length}|__PROFILE__|__PROFILE__.kns.${pod.ns}|allow|0`);
    return { action: "allow", policies: out };
  }

  private selects(p: Policy, pod: Pod, dir: "ingress" | "egress"): boolean {
    const types = p.spec.types ?? (p.spec.egress?.length && !p.spec.ingress?.length ? ["Egress"] : ["Ingress"]);
    if (!types.includes(dir === "ingress" ? "Ingress" : "Egress")) return false;
    if (p.ns !== undefined && p.ns !== pod.ns) return false;
    if (p.ns === undefined && p.spec.namespaceSelector && !sel(p.spec.namespaceSelector, this.nsLabels.get(pod.ns) ?? {})) return false;
    if (p.spec.serviceAccountSelector && !sel(p.spec.serviceAccountSelector, pod.sa)) return false;
    return sel(p.spec.selector ?? "", pod.labels);
  }

  private ruleMatches(r: Rule, p: Policy, flow: Flow, src: End, dst: End): boolean {
    const proto = protocolNumber(flow.protocol);
    if (r.protocol !== undefined && protocolNumber(r.protocol) !== proto) return false;
    if (r.notProtocol !== undefined && protocolNumber(r.notProtocol) === proto) return false;
    return this.entity(r.source, p, src, flow, false) && this.entity(r.destination, p, dst, flow, true);
  }

  private entity(e: EntityRule | undefined, p: Policy, end: End, flow: Flow, isDst: boolean): boolean {
    if (!e) return true;
    const ip = "pod" in end ? end.pod.ip : end.ip;
    const inNets = (nets: string[]) => ip !== undefined && nets.some((n) => cidrContains(parseCidr(n)!, parseAddress(ip)!));
    if (e.ports?.length && (!isDst || !e.ports.some((port) => portMatches(port, flow.port, end)))) return false;
    if (e.nets?.length && !inNets(e.nets)) return false;
    if (e.notNets?.length && inNets(e.notNets)) return false;
    if (e.selector !== undefined || e.namespaceSelector !== undefined) {
      const s = e.selector ?? "all()";
      const sets = ip === undefined ? [] : this.sets.filter((set) => set.nets.some((n) => cidrContains(parseCidr(n)!, parseAddress(ip)!)));
      const setOk = sets.some((set) =>
        (e.namespaceSelector !== undefined ? set.ns === undefined && sel(e.namespaceSelector, {}) : p.ns === undefined) && sel(s, set.labels),
      );
      const podOk =
        "pod" in end &&
        (e.namespaceSelector !== undefined
          ? sel(e.namespaceSelector, { ...this.nsLabels.get(end.pod.ns), "projectcalico.org/namespace": end.pod.ns })
          : p.ns === undefined || p.ns === end.pod.ns) &&
        sel(s, end.pod.labels);
      if (!podOk && !setOk) return false;
    }
    return true;
  }
}

function portMatches(port: number | string, flowPort: number | undefined, end: End): boolean {
  if (flowPort === undefined) return false;
  if (typeof port === "number") return port === flowPort;
  const range = /^(\d+):(\d+)$/.exec(port);
  if (range) return flowPort >= Number(range[1]) && flowPort <= Number(range[2]);
  return "pod" in end && end.pod.ports.some((p) => p.name === port && p.port === flowPort);
}
