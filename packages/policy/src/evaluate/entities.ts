import type { Labels } from "../selector/index.ts";
import { CidrTrie } from "../net/cidr-trie.ts";
import { compileDomainPattern, type DomainMatcher } from "../net/domains.ts";
import { parseAddress, parseCidr, type Address, type Cidr } from "../net/ip.ts";
import { protocolNumber } from "../net/protocols.ts";
import type { GlobalNetworkSet, HostEndpoint, Namespace, NetworkSet, Pod, ServiceAccount } from "../resources/types.ts";

// Labels Calico adds to what it stores for Kubernetes objects.
export const NAMESPACE_LABEL = "projectcalico.org/namespace";
export const ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";
export const SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount";
export const NAME_LABEL = "projectcalico.org/name";
export const K8S_NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface NamedPort { name: string; port: number; protocol: number }

/** A labelled set of addresses a rule selector can match: a (Global)NetworkSet or a HostEndpoint. */
export interface AddressSet {
  /** undefined for global network sets and host endpoints */
  namespace: string | undefined;
  labels: Labels;
  cidrs: Cidr[];
  /** a network set's allowedEgressDomains: destinations resolved from these names belong to it */
  domains: DomainMatcher[];
}

export interface PodEntity {
  kind: "pod";
  /** dense index, used by the per-pod caches */
  id: number;
  key: string;
  namespace: string;
  name: string;
  labels: Labels;
  namespaceLabels: Labels;
  /** the namespace's labels as a namespaceSelector with global() sees them (namespaced, so global() is false) */
  namespaceSelectorLabels: Labels;
  serviceAccount: string;
  serviceAccountLabels: Labels;
  ip: Address | undefined;
  ports: NamedPort[];
  /** network sets and host endpoints whose addresses contain the pod's IP */
  sets: AddressSet[];
  /** equal for pods that every policy selector sees alike: same namespace, labels and service account */
  selectionKey: string;
}

export interface AddressEntity {
  kind: "address";
  /** unique among the entities of an inventory at a time: after the pods' ids, never reused until resetAddressIds */
  id: number;
  ip: Address;
  sets: AddressSet[];
  selectionCache: Uint8Array;
}

export type Entity = PodEntity | AddressEntity;

/** Pods, namespaces, service accounts and address sets, indexed for evaluation. */
export class Inventory {
  readonly pods: PodEntity[] = [];
  readonly podsByKey = new Map<string, PodEntity>();
  readonly podsByIp = new Map<string, PodEntity>();
  readonly podsByNamespace = new Map<string, PodEntity[]>();
  readonly namespaceLabels = new Map<string, Labels>();
  readonly sets: AddressSet[] = [];
  private readonly trie = new CidrTrie<AddressSet>();
  private readonly addressCache = new Map<string, AddressEntity | PodEntity | null>();
  private selectionCount = 0;
  private addressIds = 0;
  /** called when address ids start again from the first (after about a billion addresses) */
  onAddressIdsReset: (() => void) | undefined;
  private readonly domainSets: AddressSet[];

  constructor(input: {
    namespaces: Namespace[];
    serviceAccounts: ServiceAccount[];
    pods: Pod[];
    networkSets: NetworkSet[];
    globalNetworkSets: GlobalNetworkSet[];
    hostEndpoints: HostEndpoint[];
  }, problems: Array<{ resource: string; message: string }> = []) {
    // Objects that skipped validation may have any shape: each one that cannot be read is
    // reported and left out instead of failing the whole inventory.
    const each = <T extends { kind: string; metadata: { name: string; namespace?: string } }>(items: T[], f: (item: T) => void) => {
      for (const item of items) {
        try {
          f(item);
        } catch (e) {
          problems.push({ resource: `${item.kind}/${item.metadata?.namespace ?? ""}/${item.metadata?.name}`, message: (e as Error).message });
        }
      }
    };
    each(input.namespaces, (ns) => this.namespaceLabels.set(ns.metadata.name, namespaceLabels(ns.metadata.name, ns.metadata.labels)));
    const saLabels = new Map<string, Labels>();
    each(input.serviceAccounts, (sa) => {
      // Calico copies a service account's labels to its endpoints and adds the account's name.
      saLabels.set(`${sa.metadata.namespace ?? "default"}/${sa.metadata.name}`, { ...sa.metadata.labels, [NAME_LABEL]: sa.metadata.name });
    });
    each(input.networkSets, (s) =>
      this.sets.push(addressSet(s.metadata.namespace ?? "default", s.metadata.labels, s.spec?.nets ?? [], s.spec?.allowedEgressDomains ?? [])),
    );
    each(input.globalNetworkSets, (s) => this.sets.push(addressSet(undefined, s.metadata.labels, s.spec?.nets ?? [], s.spec?.allowedEgressDomains ?? [])));
    each(input.hostEndpoints, (h) => this.sets.push(addressSet(undefined, h.metadata.labels, h.spec?.expectedIPs ?? [], [])));
    this.domainSets = this.sets.filter((s) => s.domains.length > 0);
    for (const s of this.sets) for (const c of s.cidrs) this.trie.insert(c, s);
    each(input.pods, (p) => this.addPod(p, saLabels));
  }

  private addPod(p: Pod, saLabels: Map<string, Labels>): void {
    const namespace = p.metadata.namespace ?? "default";
    const sa = p.spec?.serviceAccountName ?? "default";
    const nsLabels = this.namespaceLabels.get(namespace) ?? namespaceLabels(namespace, undefined);
    const ipText = p.status?.podIP ?? p.status?.podIPs?.[0]?.ip;
    const ip = ipText ? parseAddress(ipText) : undefined;
    const ports: NamedPort[] = [];
    for (const c of p.spec?.containers ?? [])
      for (const port of c.ports ?? [])
        if (port.name) ports.push({ name: port.name, port: port.containerPort, protocol: protocolNumber(port.protocol ?? "TCP") ?? 6 });
    const labels: Labels = {
      ...p.metadata.labels,
      [NAMESPACE_LABEL]: namespace,
      [ORCHESTRATOR_LABEL]: "k8s",
      [SERVICE_ACCOUNT_LABEL]: sa,
    };
    const pod: PodEntity = {
      kind: "pod",
      id: this.pods.length,
      key: `${namespace}/${p.metadata.name}`,
      namespace,
      name: p.metadata.name,
      labels,
      namespaceLabels: nsLabels,
      namespaceSelectorLabels: { ...nsLabels, [NAMESPACE_LABEL]: namespace },
      serviceAccount: sa,
      serviceAccountLabels: saLabels.get(`${namespace}/${sa}`) ?? { [NAME_LABEL]: sa },
      ip,
      ports,
      sets: ip ? this.setsContaining(ip) : [],
      selectionKey: JSON.stringify([namespace, sa, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]),
    };
    this.pods.push(pod);
    this.podsByKey.set(pod.key, pod);
    let inNamespace = this.podsByNamespace.get(namespace);
    if (!inNamespace) this.podsByNamespace.set(namespace, (inNamespace = []));
    inNamespace.push(pod);
    if (ipText) this.podsByIp.set(ipText, pod);
  }

  /** Sizes the selection caches of addresses once the policies are compiled (pods have the SelectionTable). */
  allocateSelectionCaches(count: number): void {
    this.selectionCount = count;
    this.addressCache.clear();
  }

  setsContaining(ip: Address): AddressSet[] {
    return this.sets.length === 0 ? [] : this.trie.containing(ip);
  }

  /**
   * The pod with that IP, or the address with the sets containing it; null when not an address.
   * An address the flow resolved from DNS names also belongs to the network sets whose
   * allowedEgressDomains match one of those names.
   */
  resolveAddress(text: string, domains?: readonly string[]): AddressEntity | PodEntity | null {
    const byName = domains !== undefined && domains.length > 0 && this.domainSets.length > 0;
    const key = byName ? `${text}|${domains.join(",")}` : text;
    let e = this.addressCache.get(key);
    if (e !== undefined) return e;
    const pod = this.podsByIp.get(text);
    if (pod) e = pod;
    else {
      const ip = parseAddress(text);
      if (ip) {
        const sets = this.setsContaining(ip);
        if (byName)
          for (const s of this.domainSets) if (!sets.includes(s) && domains.some((d) => s.domains.some((m) => m(d)))) sets.push(s);
        if (this.addressIds >= ADDRESS_IDS) {
          this.addressIds = 0;
          this.addressCache.clear();
          this.onAddressIdsReset?.();
        }
        e = { kind: "address", id: this.pods.length + this.addressIds++, ip, sets, selectionCache: new Uint8Array(this.selectionCount) };
      } else e = null;
    }
    if (this.addressCache.size > 100_000) this.addressCache.clear();
    this.addressCache.set(key, e);
    return e;
  }
}

/** Address ids stay below 2^30 together with pod ids, so caches can key on them as int32. */
const ADDRESS_IDS = 2 ** 30 - 2 ** 24;

/** Namespace labels as Calico and Kubernetes present them to namespaceSelectors. */
function namespaceLabels(name: string, labels: Readonly<Record<string, string>> | undefined): Labels {
  return { [K8S_NAMESPACE_NAME_LABEL]: name, ...labels, [NAME_LABEL]: name };
}

function addressSet(namespace: string | undefined, labels: Record<string, string> | undefined, nets: string[], domains: string[]): AddressSet {
  const l: Record<string, string> = { ...labels };
  // Calico labels namespaced network sets with their namespace, so global() does not match them.
  if (namespace !== undefined) l[NAMESPACE_LABEL] = namespace;
  return { namespace, labels: l, cidrs: nets.map(parseCidr).filter((c): c is Cidr => c !== undefined), domains: domains.map(compileDomainPattern) };
}
