import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from "@kubernetes/client-node";
import type { KubeObject, ObjectOutcome, ObjectRef, PolicyChanges } from "@palisade/protocol";
import type { Logger } from "pino";
import { desiredObject, FIELD_MANAGER, isManaged, MANAGED_BY_LABEL, MANAGED_BY_VALUE, POLICY_KINDS, refKey } from "./managed.ts";

const refOf = (o: KubeObject): ObjectRef => ({ apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name });
const message = (e: unknown) => {
  const body = (e as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return (e as Error).message;
};

/**
 * Applies Palisade's desired state with server-side apply (field manager palisade-connector, forced: the
 * desired state wins over other managers of the same fields), deletes only objects carrying Palisade's
 * label, and remembers what it applied so drift can be recognised.
 */
export class PolicyApplier {
  /** what Palisade wants, by refKey: the drift watcher compares against it */
  readonly desired = new Map<string, KubeObject>();
  /** objects whose last apply or delete failed, by refKey: tried again with the next change */
  private readonly failed = new Map<string, ObjectRef>();
  revision = 0;

  constructor(
    private readonly objects: KubernetesObjectApi,
    private readonly log: Logger,
  ) {}

  async applyOne(o: KubeObject): Promise<ObjectOutcome> {
    const want = desiredObject(o);
    try {
      await this.objects.patch(want as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      return { ref: refOf(o), outcome: "APPLIED" };
    } catch (e) {
      return { ref: refOf(o), outcome: "FAILED", message: message(e) };
    }
  }

  private async deleteOne(ref: ObjectRef): Promise<ObjectOutcome> {
    const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
    try {
      const current = await this.objects.read(spec);
      if (!isManaged(current)) return { ref, outcome: "UNCHANGED", message: "not labelled as Palisade's: left in place" };
      await this.objects.delete(spec);
      return { ref, outcome: "DELETED" };
    } catch (e) {
      if ((e as { code?: number }).code === 404) return { ref, outcome: "DELETED" };
      return { ref, outcome: "FAILED", message: message(e) };
    }
  }

  /**
   * Applies a change and answers the outcome per object: of the change, and of every object whose apply or
   * delete failed before (tried again now), so the acknowledgement carries every standing failure even
   * though a change names only what changed.
   */
  async apply(c: PolicyChanges): Promise<ObjectOutcome[]> {
    const outcomes = await this.applyChange(c);
    const named = new Set(outcomes.map((o) => refKey(o.ref)));
    for (const [k, ref] of this.failed) {
      if (named.has(k)) continue;
      const want = this.desired.get(k);
      outcomes.push(want ? await this.applyOne(want) : await this.deleteOne(ref));
    }
    this.failed.clear();
    for (const o of outcomes) if (o.outcome === "FAILED") this.failed.set(refKey(o.ref), o.ref);
    return outcomes;
  }

  private async applyChange(c: PolicyChanges): Promise<ObjectOutcome[]> {
    const outcomes: ObjectOutcome[] = [];
    if (c.full) this.desired.clear();
    for (const o of c.upserts) {
      this.desired.set(refKey(refOf(o)), o);
      outcomes.push(await this.applyOne(o));
    }
    for (const ref of c.deletes) {
      this.desired.delete(refKey(ref));
      outcomes.push(await this.deleteOne(ref));
    }
    if (c.full) {
      // objects labelled as Palisade's that the desired state no longer has: deleted in Palisade while away
      for (const k of POLICY_KINDS) {
        try {
          const list = await this.objects.list(k.apiVersion, k.kind, undefined, undefined, undefined, undefined, undefined, `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`);
          for (const item of list.items) {
            const ref: ObjectRef = { apiVersion: k.apiVersion, kind: k.kind, ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}), name: item.metadata!.name! };
            if (!this.desired.has(refKey(ref))) outcomes.push(await this.deleteOne(ref));
          }
        } catch (e) {
          this.log.warn({ kind: k.kind, err: message(e) }, "could not list managed objects for pruning");
        }
      }
    }
    this.revision = c.toRevision;
    return outcomes;
  }
}
