import { isDeepStrictEqual } from "node:util";
import { ApiError } from "../api/status.ts";
import type { KubeObject, ManagedFieldsEntry } from "../store/kube-object.ts";
import { describePath, fromFieldsV1, isItemMarker, leafPaths, ownedShape, removeAt, SEP, toFieldsV1, valueAt, type FieldSet } from "./field-paths.ts";
import { strategicMergePatch } from "./strategic-merge-patch.ts";

interface Owner {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fields: FieldSet;
}

function owners(obj: KubeObject | undefined): Owner[] {
  return (obj?.metadata.managedFields ?? []).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

function entries(list: Owner[]): ManagedFieldsEntry[] {
  return list
    .filter((o) => o.fields.size > 0)
    .map((o) => ({ manager: o.manager, operation: o.operation, apiVersion: o.apiVersion, time: o.time, fieldsType: "FieldsV1", fieldsV1: toFieldsV1(o.fields) }));
}

/**
 * Records an Update (create, replace, patch) by `manager`: it takes ownership of every field whose
 * value it changed; fields the object no longer has leave every manager's set.
 */
export function recordUpdate(old: KubeObject | undefined, next: KubeObject, manager: string, time: string): void {
  const list = owners(old);
  const before = ownedShape(old ?? ({} as KubeObject));
  const after = ownedShape(next);
  const present = leafPaths(after);
  const changed = new Set([...present].filter((p) => !isDeepStrictEqual(valueAt(before, p), valueAt(after, p))));
  for (const o of list) {
    for (const p of [...o.fields]) if (!present.has(p) || (o.manager !== manager && changed.has(p))) o.fields.delete(p);
  }
  if (changed.size) {
    let mine = list.find((o) => o.manager === manager && o.operation === "Update");
    if (!mine) list.push((mine = { manager, operation: "Update", apiVersion: next.apiVersion, time, fields: new Set() }));
    for (const p of changed) mine.fields.add(p);
    mine.time = time;
  }
  next.metadata.managedFields = entries(list);
}

/**
 * Server-side apply of `config` by `manager` onto `current` (undefined to create). Fields another
 * manager owns with a different value are conflicts (409) unless `force`, which takes them over.
 * Fields this manager applied before and no longer applies are removed unless someone else owns them.
 */
export function serverSideApply(current: KubeObject | undefined, config: KubeObject, manager: string, force: boolean, time: string): KubeObject {
  const list = owners(current);
  const applied = leafPaths(ownedShape(config));
  const currentShape = current ? ownedShape(current) : {};
  const configShape = ownedShape(config);
  const conflicts: { manager: string; apiVersion: string; path: string }[] = [];
  for (const o of list) {
    if (o.manager === manager && o.operation === "Apply") continue;
    for (const p of o.fields) {
      if (!applied.has(p) || isItemMarker(p)) continue;
      if (!isDeepStrictEqual(valueAt(currentShape, p), valueAt(configShape, p))) conflicts.push({ manager: o.manager, apiVersion: o.apiVersion, path: p });
    }
  }
  if (conflicts.length && !force) throw conflictError(config, conflicts);
  for (const c of conflicts) list.find((o) => o.manager === c.manager)?.fields.delete(c.path);

  const mine = list.find((o) => o.manager === manager && o.operation === "Apply");
  const previously = mine?.fields ?? new Set<string>();
  const next = structuredClone(current ?? { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: config.metadata.name } }) as KubeObject;
  if (config.metadata.namespace) next.metadata.namespace = config.metadata.namespace;
  const dropped = [...previously].filter((p) => !applied.has(p)).sort((a, b) => b.length - a.length);
  for (const p of dropped) {
    const ownedElsewhere = list.some((o) => o !== mine && [...o.fields].some((q) => q === p || q.startsWith(p + SEP)));
    if (!ownedElsewhere) removeAt(next, p);
  }
  const merged = strategicMergePatch(next, { ...ownedShape(config) }) as KubeObject;
  merged.apiVersion = config.apiVersion;
  merged.kind = config.kind;
  // Fields another manager also applies with the same value are now shared, as in Kubernetes.
  if (mine) {
    mine.fields = applied;
    mine.time = time;
    mine.apiVersion = config.apiVersion;
  } else list.push({ manager, operation: "Apply", apiVersion: config.apiVersion, time, fields: applied });
  merged.metadata.managedFields = entries(list);
  return merged;
}

function conflictError(config: KubeObject, conflicts: { manager: string; apiVersion: string; path: string }[]): ApiError {
  const n = conflicts.length;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const k = `"${c.manager}" using ${c.apiVersion}`;
    byManager.set(k, [...(byManager.get(k) ?? []), describePath(c.path)]);
  }
  const parts = [...byManager].map(([who, paths]) =>
    paths.length === 1 ? `conflict with ${who}: ${paths[0]}` : `conflicts with ${who}:\n${paths.map((p) => `- ${p}`).join("\n")}`,
  );
  const [group] = config.apiVersion.includes("/") ? config.apiVersion.split("/") : [""];
  return new ApiError(409, "Conflict", `Apply failed with ${n} conflict${n === 1 ? "" : "s"}: ${parts.join("\n")}`, {
    name: config.metadata.name,
    group: group ?? "",
    kind: config.kind,
    causes: conflicts.map((c) => ({ type: "FieldManagerConflict", message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: describePath(c.path) })),
  });
}
