import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { randomSuffix } from "../store/object-store.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { podTemplateHash } from "./template-hash.ts";
import { isPodReady } from "./pod-status.ts";
import { writeStatus } from "./status-writer.ts";

const DEPLOY = RESOURCE_TYPES.find((t) => t.kind === "Deployment")!;
const POD = RESOURCE_TYPES.find((t) => t.kind === "Pod")!;

type CreatePod = (pod: KubeObject) => void;

/**
 * Keeps each Deployment's pods at spec.replicas with the current template, without ReplicaSets:
 * pods are named `<deployment>-<template hash>-<5 chars>` and owned by the Deployment itself.
 * A template change replaces the pods at once (no surge), and status follows what
 * `kubectl rollout status` and `kubectl wait --for=condition=Available` read.
 */
export class DeploymentController {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly createPod: CreatePod,
    private readonly random: () => number,
  ) {
    this.unsubscribe = store.subscribe((e) => {
      if (e.resource.kind === "Deployment" && e.type !== "DELETED") this.mark(e.object.metadata.namespace!, e.object.metadata.name);
      if (e.resource.kind === "Pod") {
        const owner = e.object.metadata.ownerReferences?.find((r) => r.kind === "Deployment");
        if (owner) this.mark(e.object.metadata.namespace!, owner.name);
      }
    });
    for (const d of store.list(DEPLOY)) this.mark(d.metadata.namespace!, d.metadata.name);
  }

  stop(): void {
    this.unsubscribe();
  }

  private mark(ns: string, name: string): void {
    this.dirty.add(`${ns}/${name}`);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const keys = [...this.dirty];
      this.dirty.clear();
      for (const k of keys) {
        const [ns, name] = k.split("/") as [string, string];
        this.reconcile(ns, name);
      }
    });
  }

  reconcile(ns: string, name: string): void {
    const d = this.store.peek(DEPLOY, ns, name);
    if (!d) return;
    const spec = d.spec as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> }; strategy?: { rollingUpdate?: { maxUnavailable?: string | number } } };
    const desired = spec.replicas ?? 1;
    const hash = podTemplateHash(spec.template);
    const owned = this.store.list(POD, ns, (p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === d.metadata.uid));
    const current = owned.filter((p) => p.metadata.labels?.["pod-template-hash"] === hash);
    for (const p of owned) if (!current.includes(p)) this.store.delete(POD, ns, p.metadata.name);
    for (const p of current.slice(desired)) this.store.delete(POD, ns, p.metadata.name);
    for (let i = current.length; i < desired; i++) this.createPod(this.podFor(d, hash));

    const pods = this.store.list(POD, ns, (p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === d.metadata.uid));
    const updated = pods.filter((p) => p.metadata.labels?.["pod-template-hash"] === hash);
    const ready = pods.filter(isPodReady).length;
    const maxUnavailable = unavailableAllowed(spec.strategy?.rollingUpdate?.maxUnavailable, desired);
    const now = this.store.timestamp();
    const available = ready >= desired - maxUnavailable;
    const complete = updated.length === desired && pods.length === desired && ready === desired;
    writeStatus(this.store, DEPLOY, ns, name, (old) => {
      const prev = (old.conditions as { type: string; status: string; reason: string; lastTransitionTime: string; lastUpdateTime: string }[] | undefined) ?? [];
      const cond = (type: string, ok: boolean, reason: string, message: string) => {
        const o = prev.find((c) => c.type === type);
        const status = ok ? "True" : "False";
        const same = o?.status === status && o.reason === reason;
        return { type, status, lastUpdateTime: same ? o!.lastUpdateTime : now, lastTransitionTime: o?.status === status ? o.lastTransitionTime : now, reason, message };
      };
      const rs = `${name}-${hash}`;
      return {
        observedGeneration: d.metadata.generation,
        replicas: pods.length,
        updatedReplicas: updated.length,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(pods.length - ready > 0 ? { unavailableReplicas: pods.length - ready } : {}),
        conditions: [
          cond("Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
          cond("Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", complete ? `ReplicaSet "${rs}" has successfully progressed.` : `ReplicaSet "${rs}" is progressing.`),
        ],
      };
    });
  }

  private podFor(d: KubeObject, hash: string): KubeObject {
    const tpl = (d.spec as { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } }).template ?? {};
    const prefix = `${d.metadata.name}-${hash}-`;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: prefix + randomSuffix(5, this.random),
        generateName: prefix,
        namespace: d.metadata.namespace,
        labels: { ...tpl.metadata?.labels, "pod-template-hash": hash },
        ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}),
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true } as never],
      },
      spec: structuredClone(tpl.spec ?? {}),
    };
  }
}

/** maxUnavailable as an absolute count: percentages round down, as Kubernetes does. */
function unavailableAllowed(v: string | number | undefined, desired: number): number {
  if (v === undefined) return Math.floor(desired * 0.25);
  if (typeof v === "number") return v;
  const m = v.match(/^(\d+)%$/);
  return m ? Math.floor((desired * Number(m[1])) / 100) : Number(v) || 0;
}
