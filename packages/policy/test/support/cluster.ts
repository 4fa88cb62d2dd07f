// Small builders for conformance tables: each returns a plain resource as a user would write it.
import type {
  GlobalNetworkPolicy,
  GlobalNetworkSet,
  GlobalPolicySpec,
  K8sNetworkPolicySpecInput,
  KubernetesNetworkPolicy,
  Namespace,
  NetworkPolicy,
  NetworkSet,
  Pod,
  PolicySpec,
  ServiceAccount,
  Tier,
} from "./types.ts";

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export function pod(
  key: string,
  labels: Record<string, string>,
  opts: { ip?: string; sa?: string; ports?: Array<{ name: string; port: number; protocol?: string }> } = {},
): Pod {
  const [ns, name] = key.split("/") as [string, string];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels },
    spec: {
      ...(opts.sa ? { serviceAccountName: opts.sa } : {}),
      containers: [{ name: "c", ports: (opts.ports ?? []).map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? "TCP" })) }],
    },
    ...(opts.ip ? { status: { podIP: opts.ip } } : {}),
  };
}

export function serviceAccount(key: string, labels: Record<string, string> = {}): ServiceAccount {
  const [ns, name] = key.split("/") as [string, string];
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns, labels } };
}

export function tier(name: string, order?: number, defaultAction?: "Deny" | "Pass"): Tier {
  const spec: Tier["spec"] = {};
  if (order !== undefined) spec.order = order;
  if (defaultAction) spec.defaultAction = defaultAction;
  return { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name }, spec };
}

export function gnp(name: string, spec: GlobalPolicySpec): GlobalNetworkPolicy {
  return { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name }, spec };
}

export function np(key: string, spec: PolicySpec): NetworkPolicy {
  const [ns, name] = key.split("/") as [string, string];
  return { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec };
}

export function knp(key: string, spec: K8sNetworkPolicySpecInput): KubernetesNetworkPolicy {
  const [ns, name] = key.split("/") as [string, string];
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec };
}

export function globalNetworkSet(name: string, labels: Record<string, string>, nets: string[]): GlobalNetworkSet {
  return { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name, labels }, spec: { nets } };
}

export function networkSet(key: string, labels: Record<string, string>, nets: string[]): NetworkSet {
  const [ns, name] = key.split("/") as [string, string];
  return { apiVersion: "projectcalico.org/v3", kind: "NetworkSet", metadata: { name, namespace: ns, labels }, spec: { nets } };
}
