import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { findByKind } from "../api/resource-types.ts";

export const NODES = [
  { name: "sim-node-1", ip: "172.18.0.2" },
  { name: "sim-node-2", ip: "172.18.0.3" },
];

/** The objects a fresh cluster has: system namespaces, two nodes and the default ClusterRoles. */
export function bootstrapObjects(): KubeObject[] {
  const ns = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  const role = (name: string, rules: unknown[]): KubeObject => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels: { "kubernetes.io/bootstrapping": "rbac-defaults" } },
    rules,
  });
  const read = ["get", "list", "watch"];
  return [
    ns("default"),
    ns("kube-system"),
    ns("kube-public"),
    ns("kube-node-lease"),
    ...NODES.map((n) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: n.name,
        labels: {
          "kubernetes.io/hostname": n.name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          ...(n.name === NODES[0]!.name ? { "node-role.kubernetes.io/control-plane": "" } : {}),
        },
      },
      spec: { podCIDR: n.name.endsWith("1") ? "10.244.1.0/24" : "10.244.2.0/24" },
      status: {
        addresses: [{ type: "InternalIP", address: n.ip }, { type: "Hostname", address: n.name }],
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }],
        nodeInfo: { kubeletVersion: "v1.30.0", containerRuntimeVersion: "containerd://1.7.0", osImage: "Palisade simulated node", architecture: "amd64", operatingSystem: "linux" },
      },
    })),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
      spec: { type: "ClusterIP", clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
    },
    role("cluster-admin", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["*"], verbs: ["*"] }]),
    role("admin", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]),
    role("edit", [{ apiGroups: ["", "apps", "networking.k8s.io"], resources: ["*"], verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] }]),
    role("view", [{ apiGroups: ["", "apps", "networking.k8s.io"], resources: ["*"], verbs: read }]),
  ];
}

export function loadInto(store: ObjectStore, objects: KubeObject[]): void {
  for (const o of objects) {
    const t = findByKind(o.apiVersion, o.kind)!;
    store.create(t, o);
  }
}
