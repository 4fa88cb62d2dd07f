import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { isPodReady } from "../workloads/pod-status.ts";
import { cidrMatch, isPrivate } from "./addresses.ts";
import type { EndpointRef } from "./connections.ts";

const byKind = (group: string, kind: string) => RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind)!;
const POD = byKind("", "Pod");
const SERVICE = byKind("", "Service");
const NETSET = byKind("projectcalico.org", "NetworkSet");
const GNETSET = byKind("projectcalico.org", "GlobalNetworkSet");

/** An endpoint as a flow log names it. */
export interface Endpoint {
  type: "wep" | "ns" | "net";
  namespace: string;
  name: string;
  nameAggr: string;
  ip: string;
  labels: string[] | null;
  host: string | null;
  pod?: KubeObject;
}

/** Calico aggregates a pod under its generateName prefix: `frontend-6d996fbd97-*`. */
export function podNameAggr(pod: KubeObject): string {
  if (pod.metadata.generateName) return `${pod.metadata.generateName}*`;
  const hash = pod.metadata.labels?.["pod-template-hash"];
  const i = hash ? pod.metadata.name.indexOf(`-${hash}-`) : -1;
  if (hash && i > 0) return pod.metadata.name.slice(0, i + hash.length + 2) + "*";
  return pod.metadata.name;
}

const labelList = (labels: Record<string, string> | undefined) =>
  Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();

/** The first running, ready pod (by name) matching the reference; none when no such pod exists. */
export function resolve(store: ObjectStore, ref: EndpointRef): Endpoint | undefined {
  if ("ip" in ref) return describeAddress(store, ref.ip);
  const pod = store
    .list(POD, ref.namespace, (p) => Object.entries(ref.labels).every(([k, v]) => p.metadata.labels?.[k] === v))
    .find((p) => isPodReady(p) && !(p.spec as { hostNetwork?: boolean }).hostNetwork && (p.status as { podIP?: string }).podIP);
  if (!pod) return undefined;
  return {
    type: "wep",
    namespace: pod.metadata.namespace!,
    name: pod.metadata.name,
    nameAggr: podNameAggr(pod),
    ip: (pod.status as { podIP: string }).podIP,
    labels: labelList(pod.metadata.labels),
    host: (pod.spec as { nodeName?: string }).nodeName ?? null,
    pod,
  };
}

/** An address outside the cluster: the most specific network set containing it, else `pub` or `pvt`. */
export function describeAddress(store: ObjectStore, ip: string): Endpoint {
  let best: { len: number; set: KubeObject } | undefined;
  for (const set of [...store.list(NETSET), ...store.list(GNETSET)]) {
    for (const net of ((set.spec as { nets?: string[] } | undefined)?.nets ?? [])) {
      const len = cidrMatch(net, ip);
      if (len > (best?.len ?? -1)) best = { len, set };
    }
  }
  if (best) {
    return { type: "ns", namespace: best.set.metadata.namespace ?? "-", name: "-", nameAggr: best.set.metadata.name, ip, labels: labelList(best.set.metadata.labels), host: null };
  }
  return { type: "net", namespace: "-", name: "-", nameAggr: isPrivate(ip) ? "pvt" : "pub", ip, labels: null, host: null };
}

/** The Service that fronts `pod` on `port` (its targetPort), as dest_service_* report it. */
export function serviceFor(store: ObjectStore, pod: KubeObject | undefined, port: number): { namespace: string; name: string; portName: string; port: number } | undefined {
  if (!pod) return undefined;
  const containerPorts = ((pod.spec as { containers?: { ports?: { name?: string; containerPort: number }[] }[] }).containers ?? []).flatMap((c) => c.ports ?? []);
  for (const svc of store.list(SERVICE, pod.metadata.namespace)) {
    const spec = svc.spec as { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string }[] };
    if (!spec.selector || !Object.entries(spec.selector).every(([k, v]) => pod.metadata.labels?.[k] === v)) continue;
    for (const p of spec.ports ?? []) {
      const target = typeof p.targetPort === "string" ? containerPorts.find((c) => c.name === p.targetPort)?.containerPort : (p.targetPort ?? p.port);
      if (target === port) return { namespace: svc.metadata.namespace!, name: svc.metadata.name, portName: p.name ?? "-", port: p.port };
    }
  }
  return undefined;
}
