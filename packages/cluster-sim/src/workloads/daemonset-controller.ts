import type { ObjectStore } from "../store/object-store.ts";
import { randomSuffix } from "../store/object-store.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { NODES } from "../cluster/bootstrap.ts";
import { isPodReady } from "./pod-status.ts";
import { writeStatus } from "./status-writer.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { podTemplateHash } from "./template-hash.ts";

const DS = RESOURCE_TYPES.find((t) => t.kind === "DaemonSet")!;
const POD = RESOURCE_TYPES.find((t) => t.kind === "Pod")!;

/** One pod per node for each DaemonSet (calico-node above all), and the status kubectl shows. */
export class DaemonSetController {
  private readonly unsubscribe: () => void;
  private pending = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly createPod: (pod: KubeObject) => void,
    private readonly random: () => number,
  ) {
    this.unsubscribe = store.subscribe((e) => {
      const owned = e.resource.kind === "Pod" && e.object.metadata.ownerReferences?.some((r) => r.kind === "DaemonSet");
      if ((e.resource.kind === "DaemonSet" && e.type !== "DELETED") || owned) this.schedule();
    });
    this.schedule();
  }

  stop(): void {
    this.unsubscribe();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      for (const ds of this.store.list(DS)) this.reconcile(ds);
    });
  }

  private reconcile(ds: KubeObject): void {
    const ns = ds.metadata.namespace!;
    const tpl = (ds.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } }).template ?? {};
    const hash = podTemplateHash(tpl);
    const pods = () => this.store.list(POD, ns, (p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === ds.metadata.uid));
    for (const p of pods()) if (p.metadata.labels?.["controller-revision-hash"] !== hash) this.store.delete(POD, ns, p.metadata.name);
    for (const node of NODES) {
      if (pods().some((p) => (p.spec as { nodeName?: string }).nodeName === node.name)) continue;
      const prefix = `${ds.metadata.name}-`;
      this.createPod({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: prefix + randomSuffix(5, this.random),
          generateName: prefix,
          namespace: ns,
          labels: { ...tpl.metadata?.labels, "controller-revision-hash": hash },
          ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata.name, uid: ds.metadata.uid!, controller: true } as never],
        },
        spec: { ...structuredClone(tpl.spec ?? {}), nodeName: node.name },
      });
    }
    const all = pods();
    const ready = all.filter(isPodReady).length;
    writeStatus(this.store, DS, ns, ds.metadata.name, () => ({
      currentNumberScheduled: all.length,
      desiredNumberScheduled: NODES.length,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      updatedNumberScheduled: all.length,
      observedGeneration: ds.metadata.generation,
    }));
  }
}
