import type { ServerResponse } from "node:http";
import type { ObjectStore, StoreEvent } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { apiVersionOf, typeKey, type ResourceType } from "./resource-types.ts";
import { ApiError } from "./status.ts";
import type { Faults } from "../faults/faults.ts";

export interface WatchOptions {
  type: ResourceType;
  namespace?: string;
  name?: string;
  filter: (o: KubeObject) => boolean;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds?: number;
  /** Converts each object for clients that asked for Tables (`kubectl get -w`). */
  render?: (o: KubeObject) => unknown;
}

/**
 * A watch as the API server streams it: one JSON event per line. From resourceVersion "0" or none
 * it starts with ADDED for every current object; from a resourceVersion the history no longer holds
 * it sends one ERROR event carrying a 410 Expired Status, as kube-apiserver does.
 */
export function streamWatch(res: ServerResponse, store: ObjectStore, faults: Faults, o: WatchOptions): void {
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  res.on("error", () => res.destroy()); // a client gone mid-write must not take the server down
  const send = (type: string, object: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    const out = o.render && (type === "ADDED" || type === "MODIFIED" || type === "DELETED") ? o.render(object as KubeObject) : object;
    res.write(JSON.stringify({ type, object: out }) + "\n");
  };
  const matches = (obj: KubeObject) =>
    (!o.type.namespaced || !o.namespace || obj.metadata.namespace === o.namespace) && (!o.name || obj.metadata.name === o.name) && o.filter(obj);
  const tk = typeKey(o.type);

  let backlog: StoreEvent[] = [];
  const rv = o.resourceVersion;
  const fromNow = !rv || rv === "0";
  if (!fromNow) {
    try {
      backlog = store.eventsSince(Number(rv));
    } catch (e) {
      if (e instanceof ApiError) {
        send("ERROR", e.toStatus());
        res.end();
        return;
      }
      throw e;
    }
  }
  if (fromNow || o.sendInitialEvents) {
    for (const obj of store.list(o.type, o.namespace, matches)) send("ADDED", obj);
    if (o.sendInitialEvents && o.allowBookmarks) {
      send("BOOKMARK", bookmark(o.type, store.resourceVersion, { "k8s.io/initial-events-end": "true" }));
    }
  }
  // An object moving into or out of the watched selection is ADDED or DELETED for this watch.
  const deliver = (e: StoreEvent) => {
    if (typeKey(e.resource) !== tk) return;
    const now = matches(e.object);
    const before = e.type === "MODIFIED" && e.old ? matches(e.old) : now;
    if (now && before) send(e.type, e.object);
    else if (now) send("ADDED", e.object);
    else if (before) send("DELETED", e.object);
  };
  for (const e of backlog) deliver(e);
  const unsubscribe = store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  if (o.allowBookmarks) {
    timers.push(setInterval(() => send("BOOKMARK", bookmark(o.type, store.resourceVersion)), o.bookmarkIntervalMs));
  }
  if (o.timeoutSeconds) timers.push(setTimeout(() => res.end(), o.timeoutSeconds * 1000));
  const untrack = faults.trackWatch(() => res.destroy());
  const stop = () => {
    unsubscribe();
    untrack();
    for (const t of timers) clearInterval(t);
  };
  res.on("close", stop);
  res.on("finish", stop);
}

function bookmark(t: ResourceType, resourceVersion: string, annotations?: Record<string, string>) {
  return { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion, ...(annotations ? { annotations } : {}) } };
}
