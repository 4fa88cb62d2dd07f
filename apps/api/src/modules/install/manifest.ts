import { stringify } from "yaml";

export const CONNECTOR_NAMESPACE = "palisade-system";
export const CONNECTOR_NAME = "palisade-connector";
export const CONNECTOR_IMAGE = "palisade/connector";
export const SPOOL_CLAIM = `${CONNECTOR_NAME}-spool`;
/**
 * The spool's volume: room for the connector's default spool (2,000 batches of up to 2,000 records, stored
 * as JSON at about 1 KB a record) with some to spare.
 */
export const SPOOL_SIZE = "5Gi";

/** Calico's policy-bearing kinds the connector applies, watches for drift and mirrors. */
const CALICO_RESOURCES = [
  "tiers",
  "networkpolicies",
  "globalnetworkpolicies",
  "stagednetworkpolicies",
  "stagedglobalnetworkpolicies",
  "stagedkubernetesnetworkpolicies",
  "networksets",
  "globalnetworksets",
];
const WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"];
const READ = ["get", "list", "watch"];

export interface ManifestOptions {
  apiUrl: string;
  registrationToken: string;
  connectorVersion: string;
}

const labels = { "app.kubernetes.io/name": CONNECTOR_NAME, "app.kubernetes.io/part-of": "palisade" };

/**
 * What the connector needs in a cluster, least privilege: read the inventory and Calico's DaemonSet (for
 * its version), write only policy kinds, and read and update only its own Secret (where it swaps the
 * registration token for its credential). infra/helm/palisade-connector renders the same objects.
 */
export function connectorObjects(o: ManifestOptions): Record<string, unknown>[] {
  const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: CONNECTOR_NAMESPACE } : {}), labels });
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: meta(CONNECTOR_NAMESPACE, false) },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(CONNECTOR_NAME) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta(CONNECTOR_NAME, false),
      rules: [
        { apiGroups: [""], resources: ["namespaces", "pods", "serviceaccounts", "nodes"], verbs: READ },
        { apiGroups: ["apps"], resources: ["daemonsets"], verbs: READ },
        { apiGroups: ["projectcalico.org"], resources: CALICO_RESOURCES, verbs: WRITE },
        { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: WRITE },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta(CONNECTOR_NAME, false),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: CONNECTOR_NAME },
      subjects: [{ kind: "ServiceAccount", name: CONNECTOR_NAME, namespace: CONNECTOR_NAMESPACE }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(CONNECTOR_NAME),
      rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: [CONNECTOR_NAME], verbs: ["get", "update", "patch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(CONNECTOR_NAME),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: CONNECTOR_NAME },
      subjects: [{ kind: "ServiceAccount", name: CONNECTOR_NAME, namespace: CONNECTOR_NAMESPACE }],
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(CONNECTOR_NAME),
      type: "Opaque",
      stringData: { PALISADE_API_URL: o.apiUrl, PALISADE_REGISTRATION_TOKEN: o.registrationToken },
    },
    {
      // unacknowledged flow batches survive the pod, wherever it is scheduled next (the cluster's default
      // StorageClass; infra/helm's chart lets it be chosen)
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: meta(SPOOL_CLAIM),
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: SPOOL_SIZE } } },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(CONNECTOR_NAME),
      spec: {
        replicas: 1,
        // one connector per cluster: never two at once, even during an update (and a ReadWriteOnce spool
        // volume is released before the next pod mounts it)
        strategy: { type: "Recreate" },
        selector: { matchLabels: { "app.kubernetes.io/name": CONNECTOR_NAME } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: CONNECTOR_NAME,
            containers: [
              {
                name: "connector",
                image: `${CONNECTOR_IMAGE}:${o.connectorVersion}`,
                env: [
                  { name: "PALISADE_SECRET_NAME", value: CONNECTOR_NAME },
                  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                  { name: "PALISADE_FLOW_LOG", value: "/var/log/calico/flowlogs/flows.log" },
                  { name: "PALISADE_SPOOL_DIR", value: "/var/lib/palisade-connector/spool" },
                ],
                volumeMounts: [
                  { name: "flowlogs", mountPath: "/var/log/calico/flowlogs", readOnly: true },
                  { name: "spool", mountPath: "/var/lib/palisade-connector" },
                ],
              },
            ],
            volumes: [
              { name: "flowlogs", hostPath: { path: "/var/log/calico/flowlogs", type: "DirectoryOrCreate" } },
              { name: "spool", persistentVolumeClaim: { claimName: SPOOL_CLAIM } },
            ],
          },
        },
      },
    },
  ];
}

export function connectorManifest(o: ManifestOptions): string {
  return connectorObjects(o)
    .map((obj) => stringify(obj))
    .join("---\n");
}
