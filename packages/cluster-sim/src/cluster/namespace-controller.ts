import type { ObjectStore } from "../store/object-store.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";

const byKind = (kind: string, group = "") => RESOURCE_TYPES.find((t) => t.kind === kind && t.group === group)!;

/**
 * Two controllers every cluster runs: a new namespace gets its `default` ServiceAccount, and a
 * deleted namespace takes its objects with it (at once here; a real one passes through Terminating).
 * Deleting an owner deletes the objects whose ownerReferences name its uid (background cascade).
 */
export function runNamespaceAndGcControllers(store: ObjectStore): () => void {
  return store.subscribe((e) => {
    if (e.type === "ADDED" && e.resource.kind === "Namespace") {
      const sa = byKind("ServiceAccount");
      const ns = e.object.metadata.name;
      queueMicrotask(() => {
        if (!store.peek(sa, ns, "default") && store.peek(e.resource, undefined, ns)) {
          store.create(sa, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } });
        }
      });
    }
    if (e.type !== "DELETED") return;
    const uid = e.object.metadata.uid;
    queueMicrotask(() => {
      for (const t of RESOURCE_TYPES) {
        if (t.verbs) continue;
        for (const o of store.list(t)) {
          const inNs = e.resource.kind === "Namespace" && t.namespaced && o.metadata.namespace === e.object.metadata.name;
          const owned = (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
          if (inNs || owned) {
            try {
              store.delete(t, o.metadata.namespace, o.metadata.name);
            } catch {
              // already gone
            }
          }
        }
      }
    });
  });
}
