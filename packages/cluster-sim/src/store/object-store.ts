import { randomUUID } from "node:crypto";
import { alreadyExists, conflict, expired, notFound } from "../api/status.ts";
import { typeKey, type ResourceType } from "../api/resource-types.ts";
import { clone, type KubeObject } from "./kube-object.ts";
import { isDeepStrictEqual } from "node:util";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  /** For MODIFIED: the object before the change (watches with selectors need it). */
  old?: KubeObject;
  rv: number;
}

export interface StoreOptions {
  /** How many events a watch can resume from; older resourceVersions answer 410 Gone. */
  historyLimit?: number;
  now?: () => Date;
  uid?: (t: ResourceType, obj: KubeObject) => string | undefined;
}

const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * Objects with Kubernetes storage semantics: one global resourceVersion counter, uids,
 * generation, creationTimestamp, optimistic concurrency, and a bounded event history for watches.
 */
export class ObjectStore {
  private rv = 1000;
  private readonly byType = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly historyLimit: number;
  private readonly now: () => Date;
  private readonly uidFor: (t: ResourceType, obj: KubeObject) => string | undefined;

  constructor(opts: StoreOptions = {}) {
    this.historyLimit = opts.historyLimit ?? 5000;
    this.now = opts.now ?? (() => new Date());
    this.uidFor = opts.uid ?? (() => undefined);
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestWatchable(): number {
    return this.history.length ? this.history[0]!.rv - 1 : this.rv;
  }

  timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.peek(t, namespace, name);
    if (!o) throw notFound(t.plural, t.group, name);
    return clone(o);
  }

  peek(t: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(t).get(key(t, namespace, name));
  }

  list(t: ResourceType, namespace?: string, filter?: (o: KubeObject) => boolean): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.table(t).values()) {
      if (t.namespaced && namespace && o.metadata.namespace !== namespace) continue;
      if (filter && !filter(o)) continue;
      out.push(clone(o));
    }
    return out.sort((a, b) =>
      (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || a.metadata.name.localeCompare(b.metadata.name),
    );
  }

  create(t: ResourceType, input: KubeObject, opts: { dryRun?: boolean } = {}): KubeObject {
    const obj = clone(input);
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix(5);
    const k = key(t, obj.metadata.namespace, obj.metadata.name);
    if (this.table(t).has(k)) throw alreadyExists(t.plural, t.group, obj.metadata.name);
    obj.metadata.uid = this.uidFor(t, obj) ?? randomUUID();
    obj.metadata.creationTimestamp = this.timestamp();
    obj.metadata.generation = 1;
    delete obj.metadata.deletionTimestamp;
    if (opts.dryRun) return withRv(obj, this.rv);
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(t).set(k, obj);
    this.emit({ type: "ADDED", resource: t, object: obj, rv: this.rv });
    return clone(obj);
  }

  /**
   * Replaces an object. A resourceVersion in the input is a precondition (409 Conflict when stale);
   * uid and creationTimestamp are kept; generation counts changes outside metadata and status.
   */
  update(t: ResourceType, input: KubeObject, opts: { dryRun?: boolean; keepStatus?: boolean } = {}): KubeObject {
    const k = key(t, input.metadata.namespace, input.metadata.name);
    const old = this.table(t).get(k);
    if (!old) throw notFound(t.plural, t.group, input.metadata.name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(t.plural, t.group, input.metadata.name);
    }
    const obj = clone(input);
    if (opts.keepStatus) {
      if (old.status === undefined) delete obj.status;
      else obj.status = clone(old.status);
    }
    obj.metadata.uid = old.metadata.uid!;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp!;
    obj.metadata.generation = old.metadata.generation ?? 1;
    if (specChanged(old, obj)) obj.metadata.generation += 1;
    if (isDeepStrictEqual({ ...obj, metadata: { ...obj.metadata, resourceVersion: "" } }, { ...old, metadata: { ...old.metadata, resourceVersion: "" } })) {
      return clone(old); // a no-op update writes nothing and keeps the resourceVersion, as etcd3 storage does
    }
    if (opts.dryRun) return withRv(obj, Number(old.metadata.resourceVersion));
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(t).set(k, obj);
    this.emit({ type: "MODIFIED", resource: t, object: obj, old, rv: this.rv });
    return clone(obj);
  }

  delete(t: ResourceType, namespace: string | undefined, name: string, opts: { dryRun?: boolean; uid?: string } = {}): KubeObject {
    const k = key(t, namespace, name);
    const old = this.table(t).get(k);
    if (!old) throw notFound(t.plural, t.group, name);
    if (opts.uid && opts.uid !== old.metadata.uid) throw conflict(t.plural, t.group, name);
    if (opts.dryRun) return clone(old);
    this.table(t).delete(k);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: "DELETED", resource: t, object: gone, rv: this.rv });
    return clone(gone);
  }

  /** Events after `rv` for a watch; throws 410 Expired when the history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] {
    if (rv < this.oldestWatchable) {
      throw expired(`too old resource version: ${rv} (${this.oldestWatchable + 1})`);
    }
    return this.history.filter((e) => e.rv > rv);
  }

  /** Drops the event history, as etcd compaction does: watches from any earlier resourceVersion get 410. */
  compact(): void {
    this.history.length = 0;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: StoreEvent): void {
    this.history.push({ ...e, object: clone(e.object), ...(e.old ? { old: clone(e.old) } : {}) });
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const l of [...this.listeners]) l(e);
  }

  private table(t: ResourceType): Map<string, KubeObject> {
    const tk = typeKey(t);
    let m = this.byType.get(tk);
    if (!m) this.byType.set(tk, (m = new Map()));
    return m;
  }
}

function key(t: ResourceType, namespace: string | undefined, name: string): string {
  return t.namespaced ? `${namespace ?? ""}/${name}` : name;
}

function withRv(obj: KubeObject, rv: number): KubeObject {
  obj.metadata.resourceVersion = String(rv);
  return obj;
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !isDeepStrictEqual(strip(a), strip(b));
}

export function randomSuffix(n: number, random: () => number = Math.random): string {
  let s = "";
  for (let i = 0; i < n; i++) s += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length)];
  return s;
}
