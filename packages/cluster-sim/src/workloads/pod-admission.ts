import type { AdmissionHook } from "../api/resource-handlers.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { NODES } from "../cluster/bootstrap.ts";
import type { PodIpAllocator } from "./pod-ips.ts";
import { podStatus, type ContainerState } from "./pod-status.ts";

interface Container {
  name: string;
  image: string;
  ports?: { containerPort: number; protocol?: string; name?: string }[];
}

/**
 * What the scheduler and kubelet would do to a new pod: a node, a pod IP (the one the YAML gives,
 * or a fresh one from 10.244.0.0/16; the node's IP for hostNetwork pods), and a status. Pods whose
 * image is runnable start Pending until their process runs; every other pod is Running and Ready
 * at once, since nothing runs in it.
 */
export function podAdmission(ips: PodIpAllocator, isRunnable: (image: string) => boolean, now: () => string): AdmissionHook {
  let rr = 0;
  return (t, obj, _old, op) => {
    if (t.kind !== "Pod" || op !== "create") return;
    const spec = (obj.spec ??= {}) as Record<string, any>;
    spec.serviceAccountName ??= spec.serviceAccount ?? "default";
    spec.serviceAccount = spec.serviceAccountName;
    spec.restartPolicy ??= "Always";
    spec.dnsPolicy ??= "ClusterFirst";
    spec.nodeName ??= NODES[rr++ % NODES.length]!.name;
    const node = NODES.find((n) => n.name === spec.nodeName) ?? NODES[0]!;
    for (const c of (spec.containers ?? []) as Container[]) for (const p of c.ports ?? []) p.protocol ??= "TCP";
    const given = (obj.status as { podIP?: string } | undefined)?.podIP;
    let podIP: string;
    if (spec.hostNetwork) podIP = node.ip;
    else if (given) {
      ips.reserve(given);
      podIP = given;
    } else podIP = ips.allocate();
    const ts = now();
    const containers: ContainerState[] = ((spec.containers ?? []) as Container[]).map((c) => {
      const runs = isRunnable(c.image);
      return {
        name: c.name,
        image: c.image,
        imageID: "",
        ready: !runs,
        started: !runs,
        restartCount: 0,
        state: runs ? { waiting: { reason: "ContainerCreating" } } : { running: { startedAt: ts } },
      };
    });
    obj.status = podStatus({ hostIP: node.ip, hostIPs: [{ ip: node.ip }], podIP, podIPs: [{ ip: podIP }], startTime: ts, qosClass: "BestEffort" }, containers, ts);
  };
}

export function podIpOf(pod: KubeObject): string | undefined {
  return (pod.status as { podIP?: string } | undefined)?.podIP;
}
