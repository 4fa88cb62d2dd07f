import type { ResourceType } from "./resource-types.ts";
import type { KubeObject } from "../store/kube-object.ts";

type Column = { name: string; type: string; format?: string; description: string; priority: number; cell: (o: KubeObject) => unknown };

const NAME: Column = { name: "Name", type: "string", format: "name", description: "Name of the object", priority: 0, cell: (o) => o.metadata.name };

function age(now: Date, created?: string): string {
  if (!created) return "<unknown>";
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const st = (o: KubeObject) => (o.status ?? {}) as Record<string, any>;
const sp = (o: KubeObject) => (o.spec ?? {}) as Record<string, any>;

const EXTRA: Record<string, Column[]> = {
  Pod: [
    { name: "Ready", type: "string", description: "ready containers", priority: 0, cell: (o) => `${(st(o).containerStatuses ?? []).filter((c: any) => c.ready).length}/${(sp(o).containers ?? []).length}` },
    { name: "Status", type: "string", description: "phase", priority: 0, cell: (o) => st(o).phase ?? "Pending" },
    { name: "Restarts", type: "string", description: "restarts", priority: 0, cell: (o) => String((st(o).containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0)) },
    { name: "IP", type: "string", description: "pod IP", priority: 1, cell: (o) => st(o).podIP ?? "<none>" },
    { name: "Node", type: "string", description: "node", priority: 1, cell: (o) => sp(o).nodeName ?? "<none>" },
  ],
  Deployment: [
    { name: "Ready", type: "string", description: "ready replicas", priority: 0, cell: (o) => `${st(o).readyReplicas ?? 0}/${sp(o).replicas ?? 1}` },
    { name: "Up-to-date", type: "integer", description: "updated replicas", priority: 0, cell: (o) => st(o).updatedReplicas ?? 0 },
    { name: "Available", type: "integer", description: "available replicas", priority: 0, cell: (o) => st(o).availableReplicas ?? 0 },
  ],
  DaemonSet: [
    { name: "Desired", type: "integer", description: "desired", priority: 0, cell: (o) => st(o).desiredNumberScheduled ?? 0 },
    { name: "Ready", type: "integer", description: "ready", priority: 0, cell: (o) => st(o).numberReady ?? 0 },
  ],
  Node: [
    { name: "Status", type: "string", description: "readiness", priority: 0, cell: (o) => ((st(o).conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True") ? "Ready" : "NotReady") },
    { name: "Roles", type: "string", description: "roles", priority: 0, cell: (o) => Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith("node-role.kubernetes.io/")).map((k) => k.slice(22)).join(",") || "<none>" },
    { name: "Version", type: "string", description: "kubelet version", priority: 0, cell: (o) => st(o).nodeInfo?.kubeletVersion ?? "" },
    { name: "Internal-IP", type: "string", description: "internal IP", priority: 1, cell: (o) => (st(o).addresses ?? []).find((a: any) => a.type === "InternalIP")?.address ?? "<none>" },
  ],
  Namespace: [{ name: "Status", type: "string", description: "phase", priority: 0, cell: (o) => st(o).phase ?? "Active" }],
  Service: [
    { name: "Type", type: "string", description: "type", priority: 0, cell: (o) => sp(o).type ?? "ClusterIP" },
    { name: "Cluster-IP", type: "string", description: "cluster IP", priority: 0, cell: (o) => sp(o).clusterIP ?? "<none>" },
  ],
};

/** The meta.k8s.io/v1 Table kubectl asks for when it prints `kubectl get` without -o. */
export function toTable(t: ResourceType, objects: KubeObject[], resourceVersion: string, now: Date) {
  const ageCol: Column = { name: "Age", type: "string", description: "age", priority: 0, cell: (o) => age(now, o.metadata.creationTimestamp) };
  const cols = [NAME, ...(EXTRA[t.kind] ?? []), ageCol];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: cols.map(({ cell: _c, ...c }) => ({ format: "", ...c })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
