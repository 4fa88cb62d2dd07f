import { isDeepStrictEqual } from "node:util";
import type { ObjectStore } from "../store/object-store.ts";
import type { ResourceType } from "../api/resource-types.ts";

/** Writes an object's status as a controller does (the status subresource); skips a no-op write. */
export function writeStatus(store: ObjectStore, t: ResourceType, namespace: string | undefined, name: string, next: (cur: Record<string, unknown>) => Record<string, unknown>): void {
  const cur = store.peek(t, namespace, name);
  if (!cur) return;
  const status = next(structuredClone((cur.status ?? {}) as Record<string, unknown>));
  if (isDeepStrictEqual(status, cur.status)) return;
  store.update(t, { ...structuredClone(cur), status });
}
