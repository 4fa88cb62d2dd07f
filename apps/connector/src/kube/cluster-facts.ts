import type { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { Inventory } from "@palisade/protocol";

/** The kube-system namespace's uid: stable for the life of a cluster, so it is the cluster's identity. */
export async function kubeSystemUid(core: CoreV1Api): Promise<string> {
  const ns = await core.readNamespace({ name: "kube-system" });
  if (!ns.metadata?.uid) throw new Error("the kube-system namespace has no uid");
  return ns.metadata.uid;
}

/** Calico's version from the calico-node DaemonSet's image tag (manifest installs: kube-system; operator: calico-system). */
export async function calicoVersion(apps: AppsV1Api): Promise<string | null> {
  for (const namespace of ["kube-system", "calico-system"]) {
    try {
      const ds = await apps.readNamespacedDaemonSet({ name: "calico-node", namespace });
      const image = ds.spec?.template.spec?.containers.find((c) => c.name === "calico-node")?.image ?? ds.spec?.template.spec?.containers[0]?.image;
      if (image) return image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : image;
    } catch {
      // not here
    }
  }
  return null;
}

const labelsOf = (m?: { labels?: Record<string, string> }) => ({ ...(m?.labels ?? {}) });

export async function inventory(core: CoreV1Api, apps: AppsV1Api): Promise<Omit<Inventory, "type">> {
  const [nodes, pods, namespaces, serviceAccounts, calico] = await Promise.all([
    core.listNode(),
    core.listPodForAllNamespaces(),
    core.listNamespace(),
    core.listServiceAccountForAllNamespaces(),
    calicoVersion(apps),
  ]);
  return {
    calicoVersion: calico,
    nodes: nodes.items.length,
    pods: pods.items.length,
    namespaces: namespaces.items.map((n) => ({ name: n.metadata!.name!, labels: labelsOf(n.metadata) })),
    workloads: pods.items.map((p) => ({
      namespace: p.metadata!.namespace!,
      name: p.metadata!.name!,
      labels: labelsOf(p.metadata),
      serviceAccount: p.spec?.serviceAccountName ?? null,
      ip: p.status?.podIP ?? null,
    })),
    serviceAccounts: serviceAccounts.items.map((s) => ({ namespace: s.metadata!.namespace!, name: s.metadata!.name!, labels: labelsOf(s.metadata) })),
  };
}
