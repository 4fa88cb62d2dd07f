import { parseSelector, type Labels } from "../selector/index.ts";
import type { Cidr } from "../net/ip.ts";
import { cidrContains, parseCidr } from "../net/ip.ts";
import { compileDomainPattern } from "../net/domains.ts";
import { parsePort, type PortSpec } from "../net/ports.ts";
import type { ServiceAccountMatch } from "../resources/types.ts";
import type { AddressSet, Entity, PodEntity } from "./entities.ts";
import type { RuleTable } from "./rule-table.ts";
import type { SelectionTable } from "./selection-table.ts";

/** Where a policy's rule selectors look: its own namespace, or everywhere for a global policy. */
export interface PeerContext {
  /** the namespace of a namespaced policy; undefined for a global one */
  namespace: string | undefined;
  namespaceSelectorLabels(namespace: string): Labels;
  /** ids of compiled selections (tests in table.tests), shared by every rule that repeats them */
  selections: Map<string, number>;
  /** the answers of those selections for every pod */
  table: SelectionTable;
  /** the rows of every compiled rule */
  rules: RuleTable;
}

export type EntityTest = (e: Entity) => boolean;

const ALL = parseSelector("all()");
const NO_LABELS: Labels = {};

/**
 * Whether an entity is selected by a rule's selector, namespaceSelector and serviceAccounts
 * together. Pods match by their own labels (within scope) or, as Calico's IP sets do, through a
 * network set that contains their IP; an address that is no pod matches only through the network
 * sets and host endpoints containing it, so an address in none of them matches no selector.
 */
export function compileSelection(
  selector: string | undefined,
  namespaceSelector: string | undefined,
  sa: ServiceAccountMatch | undefined,
  ctx: PeerContext,
): number {
  // Policies repeat the same peers; one compiled test (and one column of answers) serves them all.
  const key = JSON.stringify([selector, namespaceSelector, sa?.names, sa?.selector, ctx.namespace]);
  let id = ctx.selections.get(key);
  if (id === undefined) {
    id = ctx.table.tests.length;
    ctx.table.tests.push(buildSelection(selector, namespaceSelector, sa, ctx, id));
    ctx.selections.set(key, id);
  }
  return id;
}

function buildSelection(
  selector: string | undefined,
  namespaceSelector: string | undefined,
  sa: ServiceAccountMatch | undefined,
  ctx: PeerContext,
  id: number,
): EntityTest {
  const sel = selector !== undefined ? parseSelector(selector) : ALL;
  const nsSel = namespaceSelector !== undefined ? parseSelector(namespaceSelector) : undefined;
  const saNames = sa?.names && sa.names.length > 0 ? new Set(sa.names) : undefined;
  const saSel = sa?.selector !== undefined ? parseSelector(sa.selector) : undefined;
  const hasSa = saNames !== undefined || saSel !== undefined;

  const podInScope = (p: PodEntity): boolean =>
    nsSel ? nsSel.matches(p.namespaceSelectorLabels) : ctx.namespace === undefined || p.namespace === ctx.namespace;
  const setInScope = (s: AddressSet): boolean => {
    if (nsSel) {
      // A namespaceSelector reads namespace labels; a global set has none, so only selectors like
      // global() (true for entities without a namespace) reach global sets and host endpoints.
      return s.namespace === undefined ? nsSel.matches(NO_LABELS) : nsSel.matches(ctx.namespaceSelectorLabels(s.namespace));
    }
    if (ctx.namespace === undefined) return true;
    // A namespaced policy's rule reaches its own namespace's network sets only.
    return s.namespace === ctx.namespace;
  };
  const setMatches = (s: AddressSet): boolean => setInScope(s) && sel.matches(s.labels);
  const podOwn = (p: PodEntity): boolean =>
    podInScope(p) &&
    sel.matches(p.labels) &&
    (saNames === undefined || saNames.has(p.serviceAccount)) &&
    (saSel === undefined || saSel.matches(p.serviceAccountLabels));

  const compute = (e: Entity): boolean => (e.kind === "address" ? !hasSa && e.sets.some(setMatches) : podOwn(e) || (!hasSa && e.sets.some(setMatches)));
  // A selection scoped to the policy's namespace can match pods of that namespace only (or
  // through a network set, which the table adds).
  const candidates = nsSel === undefined && ctx.namespace !== undefined ? (ctx.table.podsByNamespace.get(ctx.namespace) ?? []) : undefined;
  const table = ctx.table;
  return (e) => {
    if (e.kind === "pod") return table.selects(id, e, candidates, compute);
    const cache = e.selectionCache;
    const c = cache[id];
    if (c === 2) return true;
    if (c === 1) return false;
    const r = compute(e);
    // A cache smaller than the id (an entity built before compilation ended) is simply not used.
    if (id < cache.length) cache[id] = r ? 2 : 1;
    return r;
  };
}

export function compileNets(nets: string[]): (e: Entity) => boolean {
  const cidrs = nets.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return (e) => {
    const ip = e.ip;
    if (ip === undefined) return false;
    for (const c of cidrs) if (cidrContains(c, ip)) return true;
    return false;
  };
}

/** A port list test; named ports resolve on the entity the ports belong to (the destination pod). */
export function compilePorts(ports: Array<number | string>): (port: number | undefined, proto: number, e: Entity) => boolean {
  const specs = ports.map(parsePort).filter((p): p is PortSpec => typeof p !== "string");
  return (port, proto, e) => {
    if (port === undefined) return false;
    for (const s of specs) {
      if (s.kind === "range") {
        if (port >= s.first && port <= s.last) return true;
      } else if (e.kind === "pod") {
        for (const np of e.ports) if (np.name === s.name && np.protocol === proto && np.port === port) return true;
      }
    }
    return false;
  };
}

export function compileDomains(domains: string[]): (names: readonly string[] | undefined) => boolean {
  const matchers = domains.map(compileDomainPattern);
  return (names) => names !== undefined && names.some((n) => matchers.some((m) => m(n)));
}
