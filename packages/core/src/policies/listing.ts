import type { Tx } from "@palisade/db";
import type { Actor } from "../audit/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput } from "../errors.ts";
import { mayAccess, read } from "./access.ts";
import { networkSetKinds, policyKinds, type StoredKind } from "./kinds.ts";
import { findCluster, type ResourceRow } from "./store.ts";
import { checkKind } from "./resources.ts";

export interface PolicyFilter {
  tier?: string | null;
  kind?: string | null;
  namespace?: string | null;
  /** true: staged kinds only; false: enforced kinds only */
  staged?: boolean | null;
  /** a substring of the name */
  search?: string | null;
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

type SortKey = [number, string, number, string, string, string];

const INF = Number.POSITIVE_INFINITY;

function compare(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

const encode = (k: SortKey) => Buffer.from(JSON.stringify(k.map((v) => (v === INF ? null : v)))).toString("base64url");

function decode(cursor: string): SortKey {
  try {
    const raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (!Array.isArray(raw) || raw.length !== 6) throw new Error("shape");
    return raw.map((v, i) => (v === null && (i === 0 || i === 2) ? INF : v)) as SortKey;
  } catch {
    throw badInput("after", "the cursor is not one this API gave out");
  }
}

export const MAX_PAGE = 500;

function pageSize(first: number | null | undefined): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw badInput("first", `first must be between 1 and ${MAX_PAGE}`);
  return n;
}

/**
 * Pages over what the caller may list, in a given order. Keys (no YAML) are read and filtered by RBAC first,
 * so a page is always full and hides nothing it should show; then only the page's rows are read in full.
 */
async function pageOf(tx: Tx, keyed: Array<{ id: string; key: SortKey }>, first: number | null | undefined, after: string | null | undefined): Promise<Page<ResourceRow>> {
  const size = pageSize(first);
  keyed.sort((a, b) => compare(a.key, b.key));
  const from = after ? decode(after) : null;
  const rest = from ? keyed.filter((k) => compare(k.key, from) > 0) : keyed;
  const page = rest.slice(0, size);
  const rows = await tx.policyResource.findMany({ where: { id: { in: page.map((p) => p.id) } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { nodes: page.map((p) => byId.get(p.id)!), cursors: page.map((p) => encode(p.key)), hasNextPage: rest.length > size, totalCount: keyed.length };
}

function policyKindsOf(filter: PolicyFilter): StoredKind[] {
  let kinds = [...policyKinds];
  if (filter.kind) kinds = kinds.filter((k) => k === checkKind(filter.kind!));
  if (filter.staged === true) kinds = kinds.filter((k) => k.startsWith("Staged"));
  if (filter.staged === false) kinds = kinds.filter((k) => !k.startsWith("Staged"));
  return kinds;
}

/** The cluster's tiers the caller may get, in evaluation order. */
export function listTiers(deps: CoreDeps, actor: Actor, clusterId: string): Promise<ResourceRow[]> {
  return read(deps, actor, async (tx, auth) => {
    await findCluster(tx, clusterId);
    const tiers = await tx.policyResource.findMany({ where: { clusterId, kind: "Tier" } });
    return tiers
      .filter((t) => auth.allows("get", "tiers", { clusterId, tier: t.name }))
      .sort((a, b) => (a.order === null ? INF : Number(a.order)) - (b.order === null ? INF : Number(b.order)) || a.name.localeCompare(b.name));
  });
}

/**
 * Policies in Calico's evaluation order: by tier order, then policy order (none: last), then name. Only what
 * the caller may list appears, silently.
 */
export function listPolicies(deps: CoreDeps, actor: Actor, a: { clusterId: string; filter?: PolicyFilter | null; first?: number | null; after?: string | null }): Promise<Page<ResourceRow>> {
  const filter = a.filter ?? {};
  return read(deps, actor, async (tx, auth) => {
    await findCluster(tx, a.clusterId);
    const kinds = policyKindsOf(filter);
    // Keys only, with the tier's order joined in: one light query however many policies the cluster holds.
    const keys = await tx.$queryRaw<Array<{ id: string; kind: string; namespace: string; name: string; tier: string | null; order: number | null; tier_order: number | null }>>`
      SELECT p.id::text AS id, p.kind, p.namespace, p.name, p.tier, p."order"::float8 AS "order", t."order"::float8 AS tier_order
      FROM policy_resources p
      LEFT JOIN policy_resources t ON t.cluster_id = p.cluster_id AND t.kind = 'Tier' AND t.namespace = '' AND t.name = p.tier
      WHERE p.cluster_id = ${a.clusterId}::uuid AND p.kind = ANY(${kinds}::text[])
        AND (${filter.tier ?? null}::text IS NULL OR p.tier = ${filter.tier ?? null})
        AND (${filter.namespace ?? null}::text IS NULL OR p.namespace = ${filter.namespace ?? null})
        AND (${filter.search ?? null}::text IS NULL OR strpos(lower(p.name), lower(${filter.search ?? ""})) > 0)`;
    const visible = keys
      .filter((k) => mayAccess(auth, "list", { kind: k.kind as StoredKind, clusterId: a.clusterId, namespace: k.namespace, tier: k.tier }))
      .map((k) => ({ id: k.id, key: [k.tier_order ?? INF, k.tier ?? "", k.order ?? INF, k.name, k.kind, k.namespace] as SortKey }));
    return pageOf(tx, visible, a.first, a.after);
  });
}

/** Network sets (namespaced and global) the caller may list, by kind, namespace and name. */
export function listNetworkSets(
  deps: CoreDeps,
  actor: Actor,
  a: { clusterId: string; filter?: { kind?: string | null; namespace?: string | null; search?: string | null } | null; first?: number | null; after?: string | null },
): Promise<Page<ResourceRow>> {
  const filter = a.filter ?? {};
  return read(deps, actor, async (tx, auth) => {
    await findCluster(tx, a.clusterId);
    const kinds = filter.kind ? networkSetKinds.filter((k) => k === checkKind(filter.kind!)) : [...networkSetKinds];
    const keys = await tx.policyResource.findMany({
      where: {
        clusterId: a.clusterId,
        kind: { in: kinds },
        ...(filter.namespace ? { namespace: filter.namespace } : {}),
        ...(filter.search ? { name: { contains: filter.search, mode: "insensitive" } } : {}),
      },
      select: { id: true, kind: true, namespace: true, name: true },
    });
    const visible = keys
      .filter((k) => mayAccess(auth, "list", { kind: k.kind as StoredKind, clusterId: a.clusterId, namespace: k.namespace, tier: null }))
      .map((k) => ({ id: k.id, key: [0, k.kind, 0, k.namespace, k.name, ""] as SortKey }));
    return pageOf(tx, visible, a.first, a.after);
  });
}
