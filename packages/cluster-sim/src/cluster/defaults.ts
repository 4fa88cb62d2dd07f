import type { AdmissionHook } from "../api/resource-handlers.ts";
import type { KubeObject } from "../store/kube-object.ts";

/**
 * What the API server fills in for the core kinds: a namespace's name label and phase, a secret's
 * stringData folded into base64 data, a ClusterIP for services, the policyTypes default of a
 * NetworkPolicy, a DaemonSet/Deployment's defaults.
 */
export function coreDefaults(nextClusterIp: () => string): AdmissionHook {
  return (t, obj, old, op) => {
    if (op === "delete") return;
    const spec = (obj.spec ??= {}) as Record<string, any>;
    switch (t.kind) {
      case "Namespace":
        obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name };
        spec.finalizers ??= ["kubernetes"];
        obj.status = old?.status ?? { phase: "Active" };
        break;
      case "Secret": {
        const o = obj as KubeObject & { stringData?: Record<string, string>; data?: Record<string, string>; type?: string };
        if (o.stringData) {
          o.data = { ...o.data };
          for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(v).toString("base64");
          delete o.stringData;
        }
        o.type ??= "Opaque";
        delete obj.spec;
        break;
      }
      case "ConfigMap":
      case "ServiceAccount":
      case "ClusterRole":
      case "ClusterRoleBinding":
      case "Role":
      case "RoleBinding":
        if (Object.keys(spec).length === 0) delete obj.spec;
        break;
      case "Service":
        spec.type ??= "ClusterIP";
        spec.clusterIP ??= (old?.spec as any)?.clusterIP ?? nextClusterIp();
        spec.clusterIPs ??= [spec.clusterIP];
        spec.sessionAffinity ??= "None";
        for (const p of spec.ports ?? []) {
          p.protocol ??= "TCP";
          p.targetPort ??= p.port;
        }
        break;
      case "NetworkPolicy":
        if (t.group === "networking.k8s.io") {
          // The API server fills policyTypes: Ingress always, Egress when egress rules exist.
          spec.podSelector ??= {};
          spec.policyTypes ??= spec.egress ? ["Ingress", "Egress"] : ["Ingress"];
        }
        break;
      case "Deployment":
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } };
        break;
    }
  };
}
