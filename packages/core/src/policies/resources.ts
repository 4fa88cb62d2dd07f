import type { Tx } from "@palisade/db";
import type { Actor } from "../audit/actor.ts";
import { runChange, type ChangeContext } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, conflict, notFound } from "../errors.ts";
import { read, requireAccess } from "./access.ts";
import { builtinTierNames } from "./builtin-tiers.ts";
import { describeKey, isStoredKind, policyKinds, type Identity, type StoredKind } from "./kinds.ts";
import { parseOne } from "./input.ts";
import { applyWrites, findCluster, findRow, lockClusterForChange, type ResourceRow } from "./store.ts";

export interface ResourceRef {
  clusterId: string;
  kind: string;
  namespace?: string | null;
  name: string;
}

export function checkKind(kind: string): StoredKind {
  if (!isStoredKind(kind)) throw badInput("kind", `unknown kind "${kind}"`);
  return kind;
}

/** The stored row a reference names; a bare Calico policy name means the default tier's, as in Calico. */
export async function findByRef(tx: Tx, ref: ResourceRef): Promise<ResourceRow | null> {
  const kind = checkKind(ref.kind);
  const key = { kind, namespace: ref.namespace ?? "", name: ref.name };
  const row = await findRow(tx, ref.clusterId, key);
  if (row || !(policyKinds as readonly string[]).includes(kind) || kind.includes("Kubernetes") || ref.name.includes(".")) return row;
  return findRow(tx, ref.clusterId, { ...key, name: `default.${ref.name}` });
}

/** A policy's tier must exist in its cluster (or be created by the same change). */
export async function checkTierExists(tx: Tx, clusterId: string, identity: Identity, alsoCreated: ReadonlySet<string> = new Set()): Promise<void> {
  if (identity.kind === "Tier" || identity.tier === null || alsoCreated.has(identity.tier)) return;
  const tier = await findRow(tx, clusterId, { kind: "Tier", namespace: "", name: identity.tier });
  if (!tier) throw badInput("yaml", `spec.tier: tier "${identity.tier}" does not exist in this cluster`, { path: "spec.tier" });
}

/** A tier that is built in or still holds policies cannot be deleted. */
export async function checkTierDeletable(tx: Tx, clusterId: string, name: string): Promise<void> {
  if (builtinTierNames.has(name)) throw badInput("name", `tier "${name}" is built in and cannot be deleted`);
  const held = await tx.policyResource.count({ where: { clusterId, tier: name, kind: { not: "Tier" } } });
  if (held > 0) throw conflict(`tier "${name}" holds ${held} ${held === 1 ? "policy" : "policies"}; delete or move them first`, { policies: held });
}

function subjectOf(c: ChangeContext, identity: Identity): void {
  Object.assign(c.subject, { kind: identity.kind, namespace: identity.namespace || null, name: identity.name, tier: identity.tier });
}

/** Creates one resource; CONFLICT if it exists. */
export function createResource(deps: CoreDeps, actor: Actor, a: { clusterId: string; yaml: string }): Promise<ResourceRow> {
  return runChange(deps, actor, { verb: "create", kind: "Resource", clusterId: a.clusterId }, async (c) => {
    const { resource, identity } = parseOne(a.yaml);
    subjectOf(c, identity);
    await findCluster(c.tx, a.clusterId);
    requireAccess(c.auth, "create", { ...identity, clusterId: a.clusterId });
    await lockClusterForChange(c.tx, a.clusterId);
    if (await findRow(c.tx, a.clusterId, identity)) throw conflict(`${describeKey(identity)} already exists; update it instead`);
    await checkTierExists(c.tx, a.clusterId, identity);
    await applyWrites(c, a.clusterId, [{ verb: "create", identity, before: null, after: resource }]);
    return (await findRow(c.tx, a.clusterId, identity))!;
  });
}

/** Replaces one resource; the revision the client last saw must be the current one (CONFLICT naming it otherwise). */
export function updateResource(deps: CoreDeps, actor: Actor, a: { clusterId: string; yaml: string; revision: number }): Promise<ResourceRow> {
  return runChange(deps, actor, { verb: "update", kind: "Resource", clusterId: a.clusterId }, async (c) => {
    const { resource, identity } = parseOne(a.yaml);
    subjectOf(c, identity);
    await findCluster(c.tx, a.clusterId);
    requireAccess(c.auth, "update", { ...identity, clusterId: a.clusterId });
    await lockClusterForChange(c.tx, a.clusterId);
    const before = await findRow(c.tx, a.clusterId, identity);
    if (!before) throw notFound(describeKey(identity));
    checkRevision(before, a.revision, identity);
    await checkTierExists(c.tx, a.clusterId, identity);
    await applyWrites(c, a.clusterId, [{ verb: "update", identity, before, after: resource }]);
    return (await findRow(c.tx, a.clusterId, identity))!;
  });
}

export function checkRevision(row: ResourceRow, revision: number | null | undefined, k: { kind: string; namespace: string; name: string }): void {
  if (revision !== null && revision !== undefined && revision !== row.revision) {
    throw conflict(`${describeKey(k)} is at revision ${row.revision}, not ${revision}: it changed since you read it`, { currentRevision: row.revision });
  }
}

export function identityOfRow(row: ResourceRow): Identity {
  return { kind: row.kind as StoredKind, namespace: row.namespace, name: row.name, tier: row.tier, order: row.order === null ? null : Number(row.order) };
}

/** Deletes one resource (optionally only at the revision the client saw). */
export function deleteResource(deps: CoreDeps, actor: Actor, a: ResourceRef & { revision?: number | null }): Promise<ResourceRow> {
  return runChange(deps, actor, { verb: "delete", kind: a.kind, clusterId: a.clusterId, namespace: a.namespace || null, name: a.name }, async (c) => {
    checkKind(a.kind);
    await findCluster(c.tx, a.clusterId);
    await lockClusterForChange(c.tx, a.clusterId);
    const before = await findByRef(c.tx, a);
    if (!before) throw notFound(describeKey({ kind: a.kind, namespace: a.namespace ?? "", name: a.name }));
    const identity = identityOfRow(before);
    subjectOf(c, identity);
    requireAccess(c.auth, "delete", { ...identity, clusterId: a.clusterId });
    checkRevision(before, a.revision, identity);
    if (identity.kind === "Tier") await checkTierDeletable(c.tx, a.clusterId, identity.name);
    await applyWrites(c, a.clusterId, [{ verb: "delete", identity, before, after: null }]);
    return before;
  });
}

/** One resource, if the caller may get it (FORBIDDEN otherwise); null when it does not exist. */
export function getResource(deps: CoreDeps, actor: Actor, ref: ResourceRef): Promise<ResourceRow | null> {
  return read(deps, actor, async (tx, auth) => {
    await findCluster(tx, ref.clusterId);
    const row = await findByRef(tx, ref);
    if (!row) return null;
    const identity = identityOfRow(row);
    requireAccess(auth, "get", { ...identity, clusterId: ref.clusterId });
    return row;
  });
}

