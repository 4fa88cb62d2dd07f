import { protocolNumber } from "../net/protocols.ts";
import { k8sToCalicoSpec } from "../k8s/convert.ts";
import { bareName, policyTier } from "../resources/names.ts";
import { calicoTraceName, k8sTraceName } from "./trace-name.ts";
import type {
  GlobalNetworkSet,
  HostEndpoint,
  Namespace,
  NetworkSet,
  Pod,
  Resource,
  ServiceAccount,
  Tier,
} from "../resources/types.ts";
import { Inventory, type Entity, type PodEntity } from "./entities.ts";
import type { Flow, FlowEnd, Verdict } from "./flow.ts";
import type { PeerContext } from "./peer.ts";
import { SelectionTable } from "./selection-table.ts";
import { RuleTable } from "./rule-table.ts";
import { VerdictCache } from "./verdict-cache.ts";
import { compilePolicy, comparePolicies, type CompiledPolicy, type PolicyInput } from "./policy.ts";
import type { FlowContext } from "./rule.ts";
import { compareTiers, tierTable, type TierInfo } from "./tiers.ts";
import { sliceList, Traces, walkTiers, type Direction, type SideVerdict, type SliceList, type TierSlice } from "./walk.ts";

export interface PolicySet {
  /** The enforced verdict, its trace, and the pending verdict with staged policies enforced. */
  evaluate(flow: Flow): Verdict;
  /** Every tier (built-in, given, or named by a policy) in evaluation order. */
  readonly tiers: readonly TierInfo[];
  /** Enforced policies by trace name, in evaluation order. */
  readonly policyNames: readonly string[];
  /** Whether any staged policy exists (otherwise pending equals enforced). */
  readonly hasStaged: boolean;
  /** The pod `namespace/name` that owns an IP, if any. */
  podForIp(ip: string): string | undefined;
  /** Resources left out because they could not be read or compiled (input that skipped validation). */
  readonly problems: ReadonlyArray<{ policy: string; message: string }>;
}

export interface PolicySetOptions {
  /**
   * How many side verdicts to remember (pod, direction, peer, protocol, port), so a repeated flow
   * is judged without walking the tiers; 0 turns the cache off. Default 1,048,576 (a table of 32 MB at most, grown as it fills from 64 KB).
   */
  verdictCacheEntries?: number;
}

/** Compiles resources once: tiers and policies sorted, selectors compiled, pods and sets indexed. */
export function buildPolicySet(resources: Resource[], options: PolicySetOptions = {}): PolicySet {
  const tiers: Tier[] = [];
  const namespaces: Namespace[] = [];
  const serviceAccounts: ServiceAccount[] = [];
  const pods: Pod[] = [];
  const networkSets: NetworkSet[] = [];
  const globalNetworkSets: GlobalNetworkSet[] = [];
  const hostEndpoints: HostEndpoint[] = [];
  const enforced: PolicyInput[] = [];
  const staged: Array<{ input: PolicyInput; action: "Set" | "Delete" }> = [];

  const problems: Array<{ policy: string; message: string }> = [];
  for (const r of resources) {
    try {
      classify(r);
    } catch (e) {
      problems.push({ policy: `${r?.kind}/${r?.metadata?.namespace ?? ""}/${r?.metadata?.name}`, message: (e as Error).message });
    }
  }

  function classify(r: Resource): void {
    switch (r.kind) {
      case "Tier": tiers.push(r); break;
      case "Namespace": namespaces.push(r); break;
      case "ServiceAccount": serviceAccounts.push(r); break;
      case "Pod": pods.push(r); break;
      case "NetworkSet": networkSets.push(r); break;
      case "GlobalNetworkSet": globalNetworkSets.push(r); break;
      case "HostEndpoint": hostEndpoints.push(r); break;
      case "NetworkPolicy":
        if (r.apiVersion === "networking.k8s.io/v1") enforced.push(k8sInput(r.metadata.name, r.metadata.namespace, r.spec, false));
        else enforced.push(calicoInput(r.metadata.name, r.metadata.namespace ?? "default", r.spec, false));
        break;
      case "GlobalNetworkPolicy":
        enforced.push(calicoInput(r.metadata.name, undefined, r.spec, false));
        break;
      case "StagedNetworkPolicy":
        staged.push({ input: calicoInput(r.metadata.name, r.metadata.namespace ?? "default", r.spec ?? {}, true), action: r.spec?.stagedAction ?? "Set" });
        break;
      case "StagedGlobalNetworkPolicy":
        staged.push({ input: calicoInput(r.metadata.name, undefined, r.spec ?? {}, true), action: r.spec?.stagedAction ?? "Set" });
        break;
      case "StagedKubernetesNetworkPolicy": {
        const action = r.spec?.stagedAction ?? "Set";
        const spec = action === "Delete" ? { podSelector: {} } : r.spec;
        staged.push({ input: k8sInput(r.metadata.name, r.metadata.namespace, spec, true), action });
        break;
      }
    }
  }

  const inventoryProblems: Array<{ resource: string; message: string }> = [];
  const inventory = new Inventory({ namespaces, serviceAccounts, pods, networkSets, globalNetworkSets, hostEndpoints }, inventoryProblems);
  for (const p of inventoryProblems) problems.push({ policy: p.resource, message: p.message });
  const selectionTable = new SelectionTable(inventory.pods, inventory.podsByNamespace, inventory.pods.filter((p) => p.sets.length > 0));
  const ruleTable = new RuleTable(selectionTable);
  const ctx: PeerContext = {
    namespace: undefined,
    namespaceSelectorLabels: (ns) => inventory.namespaceLabels.get(ns) ?? { "projectcalico.org/name": ns, "kubernetes.io/metadata.name": ns },
    selections: new Map(),
    table: selectionTable,
    rules: ruleTable,
  };
  const table = tierTable(tiers);
  // A policy that does not compile (one that skipped validation) is left out and reported,
  // so one bad object cannot stop every verdict.
  const tryCompile = (p: PolicyInput): CompiledPolicy | undefined => {
    try {
      return compilePolicy(p, ctx);
    } catch (e) {
      problems.push({ policy: p.traceName, message: (e as Error).message });
      return undefined;
    }
  };
  const compiled = enforced.map(tryCompile).filter((p): p is CompiledPolicy => p !== undefined);
  const traces = new Traces();
  const enforcedList = new PolicyList(compiled, table, inventory.pods.length);

  let pendingList = enforcedList;
  if (staged.length > 0) {
    const byKey = new Map<string, CompiledPolicy>();
    for (const p of compiled) byKey.set(p.key, p);
    for (const s of staged) {
      // Set adds the policy or replaces the enforced one of the same name; Delete removes it.
      if (s.action === "Delete") byKey.delete(s.input.key);
      else {
        const c = tryCompile(s.input);
        if (c) byKey.set(s.input.key, c);
      }
    }
    pendingList = new PolicyList([...byKey.values()], table, inventory.pods.length);
  }

  inventory.allocateSelectionCaches(ctx.selections.size);
  ctx.table.allocate(ctx.selections.size);

  const resolve = (end: FlowEnd, what: string, domains?: readonly string[]): Entity => {
    if ("pod" in end) {
      const pod = inventory.podsByKey.get(end.pod);
      if (!pod) throw new Error(`${what}: unknown pod ${end.pod} (expected namespace/name of a Pod in the resources)`);
      return pod;
    }
    const e = inventory.resolveAddress(end.ip, domains);
    if (!e) throw new Error(`${what}: ${JSON.stringify(end.ip)} is not an IP address`);
    return e;
  };

  const cacheEntries = options.verdictCacheEntries ?? 1 << 20;
  // The cache keys a side by pod id * 4 + direction and list in one int32 word.
  const cache = cacheEntries > 0 && inventory.pods.length < 2 ** 29 ? new VerdictCache(cacheEntries) : null;
  inventory.onAddressIdsReset = () => cache?.clear();

  const verdicts = traces.verdicts;
  // The flow as rules see it, refilled by every evaluate: evaluation is synchronous and nothing
  // keeps it, so one object serves every flow instead of one allocation each.
  const scratch: FlowContext = { src: undefined as unknown as Entity, dst: undefined as unknown as Entity, protocol: -1, port: undefined, domains: undefined, icmp: undefined };
  const allows = traces.allows;
  /** The id of the side judged at `self` (egress at the source, ingress at the destination); -1 when no pod. */
  const sideOf = (list: PolicyList, listBit: number, flow: FlowContext, dir: Direction, self: Entity, peer: Entity, key: number): number => {
    if (self.kind !== "pod") return -1;
    if (key === -1) return walkTiers(dir === "egress" ? list.egressOf(self) : list.ingressOf(self), flow, ruleTable, traces);
    const a = self.id * 4 + (dir === "egress" ? 0 : 2) + listBit;
    let id = cache!.get(a, peer.id, key);
    if (id === -1) {
      id = walkTiers(dir === "egress" ? list.egressOf(self) : list.ingressOf(self), flow, ruleTable, traces);
      cache!.set(a, peer.id, key, id);
    }
    return id;
  };
  // Both sides must allow; the actions come from a small array, not from the verdict objects.
  const allowed = (egress: number, ingress: number): "allow" | "deny" =>
    (egress === -1 || allows[egress] === 1) && (ingress === -1 || allows[ingress] === 1) ? "allow" : "deny";
  const side = (id: number): SideVerdict | null => (id === -1 ? null : verdicts[id]!);

  return {
    tiers: [...new Map([...table.values(), ...enforcedList.tierOrder, ...pendingList.tierOrder].map((t) => [t.name, t])).values()].sort(compareTiers),
    policyNames: enforcedList.tierOrder.flatMap((t) => enforcedList.byTier.get(t.name)?.map((p) => p.traceName) ?? []),
    hasStaged: staged.length > 0,
    problems,
    podForIp: (ip) => inventory.podsByIp.get(ip)?.key,
    evaluate(flow: Flow): Verdict {
      const src = resolve(flow.src, "src");
      const dst = resolve(flow.dst, "dst", flow.domains);
      const ctxFlow = scratch;
      ctxFlow.src = src;
      ctxFlow.dst = dst;
      ctxFlow.protocol = flow.protocol === "TCP" ? 6 : flow.protocol === "UDP" ? 17 : (protocolNumber(flow.protocol) ?? -1);
      ctxFlow.port = flow.port;
      ctxFlow.domains = flow.domains;
      ctxFlow.icmp = flow.icmp;
      // A side reads the flow's domains and ICMP fields only through rules that name them; flows
      // carrying them are judged afresh rather than widening every cache key.
      const key = cache === null || flow.icmp !== undefined || (flow.domains !== undefined && flow.domains.length > 0) ? -1 : cacheKey(ctxFlow.protocol, flow.port);
      // Egress is judged at the source, ingress at the destination; both must allow.
      const e = sideOf(enforcedList, 0, ctxFlow, "egress", src, dst, key);
      const i = sideOf(enforcedList, 0, ctxFlow, "ingress", dst, src, key);
      const action = allowed(e, i);
      const egress = side(e);
      const ingress = side(i);
      if (pendingList === enforcedList) return { action, egress, ingress, pending: { action, egress, ingress } };
      const pe = sideOf(pendingList, 1, ctxFlow, "egress", src, dst, key);
      const pi = sideOf(pendingList, 1, ctxFlow, "ingress", dst, src, key);
      return { action, egress, ingress, pending: { action: allowed(pe, pi), egress: side(pe), ingress: side(pi) } };
    },
  };
}

/** The protocol and port as one int32 cache key word; -1 when the port is no port number. */
function cacheKey(protocol: number, port: number | undefined): number {
  if (port === undefined) return ((protocol + 1) << 17) | 65536;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return -1;
  return ((protocol + 1) << 17) | port;
}

/** Policies grouped by tier in evaluation order, with a per-pod cache of what applies. */
class PolicyList {
  readonly tierOrder: TierInfo[];
  readonly byTier = new Map<string, CompiledPolicy[]>();
  /** per tier in order: its global policies, and its namespaced ones by namespace */
  private readonly index: Array<{ tier: TierInfo; global: CompiledPolicy[]; byNamespace: Map<string, CompiledPolicy[]> }>;
  private readonly ingress: Array<SliceList | undefined>;
  /** per namespace, per tier: the policies that may select its pods, in order */
  private readonly candidates = new Map<string, CompiledPolicy[][]>();
  /** slice lists by the policies they hold, shared between pods */
  private readonly shared = new Map<string, SliceList>();
  /** both directions' slice lists by PodEntity.selectionKey */
  private readonly bySelectionKey = new Map<string, { ingress: SliceList; egress: SliceList }>();
  private readonly egress: Array<SliceList | undefined>;

  constructor(policies: CompiledPolicy[], table: Map<string, TierInfo>, podCount: number) {
    for (const p of policies) {
      let list = this.byTier.get(p.tier);
      if (!list) this.byTier.set(p.tier, (list = []));
      list.push(p);
    }
    const infos: TierInfo[] = [];
    for (const [name, list] of this.byTier) {
      list.sort(comparePolicies);
      // A policy naming a tier that does not exist: treat the tier as unordered with Deny.
      infos.push(table.get(name) ?? { name, order: undefined, defaultAction: "deny" });
    }
    this.tierOrder = infos.sort(compareTiers);
    this.index = this.tierOrder.map((tier) => {
      const global: CompiledPolicy[] = [];
      const byNamespace = new Map<string, CompiledPolicy[]>();
      for (const p of this.byTier.get(tier.name)!) {
        if (p.namespace === undefined) global.push(p);
        else {
          let l = byNamespace.get(p.namespace);
          if (!l) byNamespace.set(p.namespace, (l = []));
          l.push(p);
        }
      }
      return { tier, global, byNamespace };
    });
    this.ingress = new Array(podCount);
    this.egress = new Array(podCount);
  }

  ingressOf(pod: PodEntity): SliceList {
    return (this.ingress[pod.id] ??= this.applicable(pod).ingress);
  }

  egressOf(pod: PodEntity): SliceList {
    return (this.egress[pod.id] ??= this.applicable(pod).egress);
  }

  /**
   * A tier applies to a pod and direction only if one of its policies selects the pod for it.
   * Policies read only a pod's namespace, labels and service account, so pods alike in those
   * share the answer, and one pass over the candidates serves both directions.
   */
  private applicable(pod: PodEntity): { ingress: SliceList; egress: SliceList } {
    const known = this.bySelectionKey.get(pod.selectionKey);
    if (known) return known;
    let perTier = this.candidates.get(pod.namespace);
    if (!perTier) {
      perTier = this.index.map(({ global, byNamespace }) => mergeByOrder(global, byNamespace.get(pod.namespace)));
      this.candidates.set(pod.namespace, perTier);
    }
    const selecting = perTier.map((candidates) => candidates.filter((p) => (p.ingress !== null || p.egress !== null) && p.selects(pod)));
    const result = { ingress: this.slices(selecting, "ingress", pod.namespace), egress: this.slices(selecting, "egress", pod.namespace) };
    this.bySelectionKey.set(pod.selectionKey, result);
    return result;
  }

  private slices(selecting: CompiledPolicy[][], dir: Direction, namespace: string): SliceList {
    const chosen = selecting.map((policies) => policies.filter((p) => p[dir] !== null));
    // The namespace is part of the key: the profile entry that ends a walk names it.
    let key = `${namespace}|${dir}`;
    for (const policies of chosen) {
      key += "|";
      for (const p of policies) key += `${p.uid},`;
    }
    // Pods that the same policies select share one slice list: less memory, warmer caches.
    const shared = this.shared.get(key);
    if (shared) return shared;
    const slices: TierSlice[] = [];
    const rows: Int32Array[] = [];
    chosen.forEach((policies, t) => {
      if (policies.length === 0) return;
      const tier = this.index[t]!.tier;
      const last = policies[policies.length - 1]!;
      // Log rules only record; they never decide, so the walk skips them.
      const rules = policies.flatMap((p) => p[dir]!.filter((r) => r.action !== null));
      slices.push({ tier, rules, endOfTier: `|${tier.name}|${last.traceName}|${tier.defaultAction}|-1` });
      rows.push(Int32Array.from(rules, (r) => r.at));
    });
    const list = sliceList(slices, `|__PROFILE__|__PROFILE__.kns.${namespace}|allow|0`, rows);
    this.shared.set(key, list);
    return list;
  }
}

/** Two policy lists already in tier order, merged in tier order. */
function mergeByOrder(a: CompiledPolicy[], b: CompiledPolicy[] | undefined): CompiledPolicy[] {
  if (!b || b.length === 0) return a;
  if (a.length === 0) return b;
  return [...a, ...b].sort(comparePolicies);
}

function calicoInput(name: string, namespace: string | undefined, spec: PolicyInput["spec"], staged: boolean): PolicyInput {
  const tier = policyTier(spec.tier);
  const bare = bareName(name, tier);
  const scoped = (n: string) => (namespace === undefined ? n : `${namespace}/${n}`);
  return {
    key: scoped(`${tier}.${bare}`),
    traceName: calicoTraceName(name, namespace, spec.tier, staged),
    tier,
    sortName: scoped(`${tier}.${bare}`),
    namespace,
    spec,
  };
}

function k8sInput(name: string, namespace: string | undefined, spec: Parameters<typeof k8sToCalicoSpec>[0], staged: boolean): PolicyInput {
  const ns = namespace ?? "default";
  return {
    key: `${ns}/knp.default.${name}`,
    traceName: k8sTraceName(name, ns, staged),
    tier: "default",
    sortName: `${ns}/knp.default.${name}`,
    namespace: ns,
    spec: k8sToCalicoSpec(spec),
  };
}
