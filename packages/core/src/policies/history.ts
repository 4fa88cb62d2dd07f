import type { Actor } from "../audit/actor.ts";
import { unifiedDiff } from "../audit/diff.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, notFound } from "../errors.ts";
import { requireAccess, read } from "./access.ts";
import { describeKey, identify, policyKinds, type StoredKind } from "./kinds.ts";
import { checkKind, type ResourceRef } from "./resources.ts";
import { findCluster, yamlOf } from "./store.ts";
import type { Resource } from "@palisade/policy";
import type { Tx } from "@palisade/db";
import type { Authorizer } from "../rbac/authorizer.ts";

export interface Version {
  revision: number;
  /** null for the version that deleted the resource */
  yaml: string | null;
  at: Date;
  verb: string | null;
  actor: string | null;
  auditEventId: string | null;
}

async function versionsOf(tx: Tx, auth: Authorizer, ref: ResourceRef): Promise<Version[]> {
  const kind = checkKind(ref.kind);
  await findCluster(tx, ref.clusterId);
  const namespace = ref.namespace ?? "";
  const names = [ref.name];
  if ((policyKinds as readonly string[]).includes(kind) && !kind.includes("Kubernetes") && !ref.name.includes(".")) names.push(`default.${ref.name}`);
  const rows = await tx.policyResourceVersion.findMany({ where: { clusterId: ref.clusterId, kind, namespace, name: { in: names } }, orderBy: [{ revision: "asc" }, { createdAt: "asc" }] });
  const latest = [...rows].reverse().find((r) => r.resource !== null);
  if (!latest) throw notFound(describeKey({ kind, namespace, name: ref.name }));
  const identity = identify(latest.resource as unknown as Resource)!;
  requireAccess(auth, "get", { ...identity, kind: kind as StoredKind, clusterId: ref.clusterId });
  const events = await tx.auditEvent.findMany({ where: { id: { in: rows.flatMap((r) => (r.auditEventId ? [r.auditEventId] : [])) } }, select: { id: true, verb: true, actorDisplay: true } });
  const byId = new Map(events.map((e) => [e.id, e]));
  return rows.map((r) => ({
    revision: r.revision,
    yaml: yamlOf(r.resource as Resource | null),
    at: r.createdAt,
    verb: r.auditEventId ? byId.get(r.auditEventId)?.verb ?? null : "seed",
    actor: r.auditEventId ? byId.get(r.auditEventId)?.actorDisplay ?? null : null,
    auditEventId: r.auditEventId,
  }));
}

/** Every version of a resource (deleted ones included), oldest first, with its YAML and who made it. */
export function policyHistory(deps: CoreDeps, actor: Actor, ref: ResourceRef): Promise<Version[]> {
  return read(deps, actor, (tx, auth) => versionsOf(tx, auth, ref));
}

/** A git-style unified diff between two revisions of a resource (the latest when `to` is absent). */
export function policyDiff(deps: CoreDeps, actor: Actor, a: ResourceRef & { fromRevision: number; toRevision?: number | null }): Promise<string> {
  return read(deps, actor, async (tx, auth) => {
    const versions = await versionsOf(tx, auth, a);
    const from = versions.find((v) => v.revision === a.fromRevision);
    const to = a.toRevision === null || a.toRevision === undefined ? versions.at(-1) : versions.find((v) => v.revision === a.toRevision);
    if (!from) throw badInput("fromRevision", `there is no revision ${a.fromRevision}; revisions are ${versions.map((v) => v.revision).join(", ")}`);
    if (!to) throw badInput("toRevision", `there is no revision ${a.toRevision}; revisions are ${versions.map((v) => v.revision).join(", ")}`);
    const path = `${a.kind}/${a.namespace ? `${a.namespace}/` : ""}${a.name}.yaml`;
    return unifiedDiff(path, { label: `revision ${from.revision}`, text: from.yaml ?? "" }, { label: `revision ${to.revision}`, text: to.yaml ?? "" });
  });
}
