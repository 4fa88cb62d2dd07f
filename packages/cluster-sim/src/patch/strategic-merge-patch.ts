import { isPlainObject, mergeKeyOf } from "./list-keys.ts";
import { badRequest } from "../api/status.ts";

/**
 * Strategic merge patch as kubectl apply sends it for built-in kinds: maps merge, null deletes,
 * lists with a merge key (containers by name, ports by containerPort, ...) merge item by item,
 * other lists are replaced. Directives: `$patch: replace|delete` on maps and list items,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`, `$retainKeys`.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === "delete") return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$retainKeys" || k === "$patch" || k.startsWith("$setElementOrder/")) continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      const drop = new Set((v as unknown[]).map((x) => JSON.stringify(x)));
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      const order = patch[`$setElementOrder/${k}`];
      out[k] = mergeList(k, Array.isArray(cur) ? cur : [], v, Array.isArray(order) ? order : undefined);
    } else {
      const merged = strategicMergePatch(cur, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith("$setElementOrder/") || !Array.isArray(order)) continue;
    const field = k.slice("$setElementOrder/".length);
    if (field in patch || !Array.isArray(out[field])) continue;
    out[field] = mergeList(field, out[field] as unknown[], [], order);
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.has(k)) delete out[k];
  return out;
}

function mergeList(field: string, current: unknown[], patch: unknown[], order?: unknown[]): unknown[] {
  const mk = mergeKeyOf(field, [...current, ...patch.filter((p) => !(isPlainObject(p) && p.$patch))]);
  if (!mk) {
    if (patch.some((p) => isPlainObject(p) && p.$patch === "replace")) return [];
    return stripDirectives(patch) as unknown[];
  }
  const result = current.map((c) => structuredClone(c)) as Record<string, unknown>[];
  for (const item of patch) {
    if (!isPlainObject(item)) throw badRequest(`strategic merge patch: list ${field} mixes maps and values`);
    if (item.$patch === "replace") {
      result.length = 0;
      continue;
    }
    const idx = result.findIndex((r) => r[mk] === item[mk]);
    if (item.$patch === "delete") {
      if (idx >= 0) result.splice(idx, 1);
      continue;
    }
    if (idx >= 0) result[idx] = strategicMergePatch(result[idx], item) as Record<string, unknown>;
    else result.push(stripDirectives(item) as Record<string, unknown>);
  }
  if (order) {
    const pos = new Map(order.map((o, i) => [isPlainObject(o) ? o[mk] : o, i]));
    result.sort((a, b) => (pos.get(a[mk]) ?? Infinity) - (pos.get(b[mk]) ?? Infinity));
  }
  return result;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith("$")) out[k] = stripDirectives(x);
  return out;
}
