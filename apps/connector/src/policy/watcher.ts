import { KubernetesObjectApi, Watch, type KubeConfig } from "@kubernetes/client-node";
import type { ConnectorMessage, KubeObject, ObjectRef } from "@palisade/protocol";
import type { Logger } from "pino";
import type { PolicyApplier } from "./applier.ts";
import { canonical, isManaged, POLICY_KINDS, refKey } from "./managed.ts";

const plural = (kind: string) => (kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : `${kind}s`).toLowerCase();
const pathOf = (apiVersion: string, kind: string) => `${apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`}/${plural(kind)}`;

/**
 * Watches every policy kind. An object Palisade manages that someone changed or deleted is restored and
 * reported (DRIFT_CORRECTED); an object Palisade does not manage is mirrored to Palisade as the cluster's
 * own. Watches that end are started again (a relist: the first events are the current objects).
 */
export class PolicyWatcher {
  private readonly aborts: AbortController[] = [];
  private stopped = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly applier: PolicyApplier,
    private readonly send: (m: ConnectorMessage) => boolean,
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const k of POLICY_KINDS) void this.follow(k.apiVersion, k.kind);
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }

  private async follow(apiVersion: string, kind: string): Promise<void> {
    const watch = new Watch(this.kc);
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        watch
          .watch(pathOf(apiVersion, kind), {}, (type: string, obj: KubeObject) => void this.onEvent(type, { ...obj, apiVersion, kind }).catch((e) => this.log.warn({ err: (e as Error).message }, "handling a watch event failed")), () => resolve())
          .then((a) => this.aborts.push(a))
          .catch(() => resolve());
      });
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private async onEvent(type: string, obj: KubeObject): Promise<void> {
    if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") return;
    const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata.name };
    const want = this.applier.desired.get(refKey(ref));
    if (want) {
      const drifted = type === "DELETED" || canonical((obj as { spec?: unknown }).spec ?? null) !== canonical((want as { spec?: unknown }).spec ?? null) || !isManaged(obj);
      if (!drifted) return;
      const outcome = await this.applier.applyOne(want);
      this.log.info({ ref, found: type === "DELETED" ? "DELETED" : "CHANGED", outcome: outcome.outcome }, "restored an object changed outside Palisade");
      this.send({ type: "driftCorrected", ref, found: type === "DELETED" ? "DELETED" : "CHANGED", revision: this.applier.revision });
      return;
    }
    if (isManaged(obj)) return; // Palisade's, deleted from the desired state: the applier prunes it
    this.mirror(type === "DELETED" ? { type: "clusterResources", full: false, upserts: [], deletes: [ref] } : { type: "clusterResources", full: false, upserts: [stripServerFields(obj)], deletes: [] });
  }

  /** changes seen while a resync lists: sent after its full set, which they may postdate */
  private held: ConnectorMessage[] | null = null;

  private mirror(m: ConnectorMessage): void {
    if (this.held) this.held.push(m);
    else this.send(m);
  }

  /**
   * After (re)connecting: everything the cluster has of its own, replacing what Palisade mirrored. Listed
   * now rather than taken from the watches, whose first events may not all have arrived (a full set that
   * missed objects would delete their mirrors, and record deletions that never happened). When a kind
   * cannot be listed, what was listed is sent as a change, which deletes nothing.
   */
  async resync(): Promise<void> {
    const objects = KubernetesObjectApi.makeApiClient(this.kc);
    const own: KubeObject[] = [];
    let complete = true;
    const held: ConnectorMessage[] = [];
    this.held = held;
    for (const k of POLICY_KINDS) {
      try {
        const list = await objects.list(k.apiVersion, k.kind);
        for (const item of list.items) {
          const o = { ...item, apiVersion: k.apiVersion, kind: k.kind } as KubeObject;
          if (!isManaged(o) && !this.applier.desired.has(refKey({ apiVersion: k.apiVersion, kind: k.kind, namespace: o.metadata.namespace, name: o.metadata.name }))) own.push(stripServerFields(o));
        }
      } catch (e) {
        complete = false;
        this.log.warn({ kind: k.kind, err: (e as Error).message }, "could not list the cluster's own objects");
      }
    }
    if (this.held === held) this.held = null;
    this.send({ type: "clusterResources", full: complete, upserts: own, deletes: [] });
    for (const m of held) this.send(m);
  }
}

function stripServerFields(o: KubeObject): KubeObject {
  const { managedFields: _m, resourceVersion: _r, uid: _u, creationTimestamp: _c, generation: _g, ...metadata } = o.metadata as Record<string, unknown> & KubeObject["metadata"];
  const { status: _s, ...rest } = o as KubeObject & { status?: unknown };
  return { ...rest, metadata } as KubeObject;
}
