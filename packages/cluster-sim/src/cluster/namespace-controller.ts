import type { ObjectStore } from "../store/object-store.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";

const byKind = (kind: string, group = "") => RESOURCE_TYPES.find((t) => t.kind === kind && t.group === group)!;

/**
 * Controllers every cluster runs: a new namespace gets its `default` ServiceAccount and the
 * `kube-root-ca.crt` ConfigMap (the API server's CA here), and a
 * deleted namespace takes its objects with it (at once here; a real one passes through Terminating).
 * Deleting an owner deletes the objects whose ownerReferences name its uid (background cascade).
 */
export function runNamespaceAndGcControllers(store: ObjectStore, caPem: string): () => void {
  return store.subscribe((e) => {
    if (e.type === "ADDED" && e.resource.kind === "Namespace") {
      const sa = byKind("ServiceAccount");
      const ns = e.object.metadata.name;
      queueMicrotask(() => {
        if (!store.peek(e.resource, undefined, ns)) return;
        if (!store.peek(sa, ns, "default")) store.create(sa, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } });
        const cm = byKind("ConfigMap");
        if (!store.peek(cm, ns, "kube-root-ca.crt")) store.create(cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: ns }, data: { "ca.crt": caPem } });
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
