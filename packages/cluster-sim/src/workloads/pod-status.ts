import type { KubeObject } from "../store/kube-object.ts";

export interface ContainerState {
  name: string;
  image: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: Record<string, unknown>;
  lastState?: Record<string, unknown>;
}

export function isPodReady(pod: KubeObject): boolean {
  const conds = ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conds.some((c) => c.type === "Ready" && c.status === "True");
}

/** A pod status as the kubelet reports it, from the container states the simulator tracks. */
export function podStatus(
  base: Record<string, unknown>,
  containers: ContainerState[],
  now: string,
): Record<string, unknown> {
  const ready = containers.length > 0 && containers.every((c) => c.ready);
  const running = containers.some((c) => "running" in c.state);
  const prev = (base.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined) ?? [];
  const cond = (type: string, ok: boolean) => {
    const status = ok ? "True" : "False";
    const old = prev.find((c) => c.type === type);
    return { type, status, lastProbeTime: null, lastTransitionTime: old?.status === status ? old.lastTransitionTime : now };
  };
  return {
    ...base,
    phase: running || ready ? "Running" : "Pending",
    conditions: [cond("PodReadyToStartContainers", true), cond("Initialized", true), cond("Ready", ready), cond("ContainersReady", ready), cond("PodScheduled", true)],
    containerStatuses: containers,
  };
}
