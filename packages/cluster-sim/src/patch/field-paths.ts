import { isDeepStrictEqual } from "node:util";
import { isPlainObject, mergeKeyOf } from "./list-keys.ts";

/**
 * A field path as managedFields' FieldsV1 spells its segments: `f:spec`, `f:replicas`,
 * `k:{"name":"web"}` for an item of a keyed list. Paths are joined with SEP to serve as set keys.
 */
export const SEP = "\n";
export type FieldSet = Set<string>;

/** Fields a manager can own: everything but identity, system metadata and status. */
export function ownedShape(obj: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = obj;
  const meta = isPlainObject(metadata) ? metadata : {};
  const m: Record<string, unknown> = {};
  if (meta.labels && Object.keys(meta.labels).length) m.labels = meta.labels;
  if (meta.annotations && Object.keys(meta.annotations).length) m.annotations = meta.annotations;
  return Object.keys(m).length ? { metadata: m, ...rest } : rest;
}

export function leafPaths(value: unknown): FieldSet {
  const out: FieldSet = new Set();
  walk(value, [], undefined, out);
  return out;
}

function walk(value: unknown, prefix: string[], field: string | undefined, out: FieldSet): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) walk(v, [...prefix, `f:${k}`], k, out);
    return;
  }
  if (Array.isArray(value) && field) {
    const mk = mergeKeyOf(field, value);
    if (mk && value.length) {
      for (const item of value as Record<string, unknown>[]) {
        const seg = `k:${JSON.stringify({ [mk]: item[mk] })}`;
        out.add([...prefix, seg].join(SEP));
        walk(item, [...prefix, seg], undefined, out);
      }
      return;
    }
  }
  if (prefix.length) out.add(prefix.join(SEP));
}

export function isItemMarker(path: string): boolean {
  const last = path.slice(path.lastIndexOf(SEP) + 1);
  return last.startsWith("k:");
}

export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(SEP)) {
    if (seg.startsWith("f:")) {
      if (!isPlainObject(cur)) return undefined;
      cur = cur[seg.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const k = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      cur = cur.find((i) => isPlainObject(i) && Object.entries(k).every(([kk, kv]) => isDeepStrictEqual(i[kk], kv)));
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field at path from obj (in place). */
export function removeAt(obj: unknown, path: string): void {
  const segs = path.split(SEP);
  const last = segs.pop()!;
  const parent = segs.length ? valueAt(obj, segs.join(SEP)) : obj;
  if (last.startsWith("f:") && isPlainObject(parent)) delete parent[last.slice(2)];
  if (last.startsWith("k:") && Array.isArray(parent)) {
    const k = JSON.parse(last.slice(2)) as Record<string, unknown>;
    const idx = parent.findIndex((i) => isPlainObject(i) && Object.entries(k).every(([kk, kv]) => isDeepStrictEqual(i[kk], kv)));
    if (idx >= 0) parent.splice(idx, 1);
  }
}

/** `.spec.template.spec.containers[name="web"].image`, as conflict messages name a field. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .map((seg) => {
      if (seg.startsWith("f:")) return `.${seg.slice(2)}`;
      const k = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(k).map(([kk, kv]) => `${kk}=${JSON.stringify(kv)}`).join(",")}]`;
    })
    .join("");
}

export function toFieldsV1(paths: FieldSet): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  const sorted = [...paths].sort();
  for (const p of sorted) {
    let node: Record<string, unknown> = root;
    const segs = p.split(SEP);
    segs.forEach((seg, i) => {
      node[seg] ??= {};
      node = node[seg] as Record<string, unknown>;
      if (i === segs.length - 1 && seg.startsWith("k:")) node["."] = {};
    });
  }
  return root;
}

export function fromFieldsV1(tree: unknown): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: unknown, prefix: string[]) => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node).filter((k) => k !== ".");
    if (prefix.length && (keys.length === 0 || "." in node)) out.add(prefix.join(SEP));
    for (const k of keys) visit(node[k], [...prefix, k]);
  };
  visit(tree, []);
  return out;
}
