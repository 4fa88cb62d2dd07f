import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";

const SECRET = RESOURCE_TYPES.find((t) => t.kind === "Secret")!;
const CONFIGMAP = RESOURCE_TYPES.find((t) => t.kind === "ConfigMap")!;
const PVC = RESOURCE_TYPES.find((t) => t.kind === "PersistentVolumeClaim")!;

interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; fieldRef?: { fieldPath: string } } }[];
  envFrom?: { prefix?: string; secretRef?: { name: string; optional?: boolean }; configMapRef?: { name: string; optional?: boolean } }[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  readinessProbe?: Probe;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  exec?: { command: string[] };
  tcpSocket?: { port: number | string };
  failureThreshold?: number;
  successThreshold?: number;
}

/** The kubelet refuses to start a container whose env references a missing object: CreateContainerConfigError. */
export class ContainerConfigError extends Error {}

function secretData(store: ObjectStore, ns: string, name: string): Record<string, string> | undefined {
  const s = store.peek(SECRET, ns, name) as (KubeObject & { data?: Record<string, string> }) | undefined;
  if (!s) return undefined;
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

function configMapData(store: ObjectStore, ns: string, name: string): Record<string, string> | undefined {
  const c = store.peek(CONFIGMAP, ns, name) as (KubeObject & { data?: Record<string, string> }) | undefined;
  return c ? { ...c.data } : undefined;
}

function fieldValue(pod: KubeObject, path: string): string {
  const spec = pod.spec as Record<string, string>;
  const status = (pod.status ?? {}) as Record<string, string>;
  const label = path.match(/^metadata\.labels\['(.+)'\]$/);
  if (label) return pod.metadata.labels?.[label[1]!] ?? "";
  const values: Record<string, string | undefined> = {
    "metadata.name": pod.metadata.name,
    "metadata.namespace": pod.metadata.namespace,
    "metadata.uid": pod.metadata.uid,
    "spec.nodeName": spec.nodeName,
    "spec.serviceAccountName": spec.serviceAccountName,
    "status.podIP": status.podIP,
    "status.hostIP": status.hostIP,
  };
  return values[path] ?? "";
}

/** The environment the kubelet gives a container: envFrom first, then env, in order. */
export function containerEnv(store: ObjectStore, pod: KubeObject, c: ContainerSpec): Record<string, string> {
  const ns = pod.metadata.namespace!;
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const ref = from.secretRef ?? from.configMapRef;
    if (!ref) continue;
    const data = from.secretRef ? secretData(store, ns, ref.name) : configMapData(store, ns, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${from.secretRef ? "secret" : "configmap"} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) env[(from.prefix ?? "") + k] = v;
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined || !e.valueFrom) {
      env[e.name] = (e.value ?? "").replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) {
      env[e.name] = fieldValue(pod, vf.fieldRef.fieldPath);
      continue;
    }
    const ref = vf.secretKeyRef ?? vf.configMapKeyRef;
    if (!ref) continue;
    const data = vf.secretKeyRef ? secretData(store, ns, ref.name) : configMapData(store, ns, ref.name);
    const value = data?.[ref.key];
    if (value === undefined) {
      if (ref.optional) continue;
      throw new ContainerConfigError(data ? `couldn't find key ${ref.key} in ${vf.secretKeyRef ? "Secret" : "ConfigMap"} ${ns}/${ref.name}` : `${vf.secretKeyRef ? "secret" : "configmap"} "${ref.name}" not found`);
    }
    env[e.name] = value;
  }
  return env;
}

/**
 * Files of the secret and configMap volumes a container mounts, keyed by their path in the container; the
 * node path of a hostPath volume; the claim of a persistentVolumeClaim volume (which must exist).
 */
export type VolumeContent = { mountPath: string; files: Record<string, string> | null } | { mountPath: string; hostPath: string } | { mountPath: string; claim: { namespace: string; name: string } };

export function volumeFiles(store: ObjectStore, pod: KubeObject, c: ContainerSpec): VolumeContent[] {
  const ns = pod.metadata.namespace!;
  const volumes = ((pod.spec as { volumes?: any[] }).volumes ?? []) as {
    name: string;
    secret?: { secretName: string; items?: { key: string; path: string }[]; optional?: boolean };
    configMap?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
    emptyDir?: object;
    hostPath?: { path: string };
    persistentVolumeClaim?: { claimName: string };
  }[];
  const out: VolumeContent[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.find((x) => x.name === m.name);
    if (!v) continue;
    if (v.hostPath) {
      out.push({ mountPath: m.mountPath, hostPath: v.hostPath.path });
      continue;
    }
    if (v.persistentVolumeClaim) {
      const name = v.persistentVolumeClaim.claimName;
      if (!store.peek(PVC, ns, name)) throw new ContainerConfigError(`persistentvolumeclaim "${name}" not found`);
      out.push({ mountPath: m.mountPath, claim: { namespace: ns, name } });
      continue;
    }
    const src = v.secret ? { data: secretData(store, ns, v.secret.secretName), ref: v.secret, what: `secret "${v.secret.secretName}"` } : v.configMap ? { data: configMapData(store, ns, v.configMap.name), ref: v.configMap, what: `configmap "${v.configMap.name}"` } : undefined;
    if (!src) {
      out.push({ mountPath: m.mountPath, files: null });
      continue;
    }
    if (!src.data) {
      if (src.ref.optional) continue;
      throw new ContainerConfigError(`${src.what} not found`);
    }
    const files: Record<string, string> = {};
    if (src.ref.items) for (const it of src.ref.items) files[it.path] = src.data[it.key] ?? "";
    else Object.assign(files, src.data);
    if (m.subPath) out.push({ mountPath: m.mountPath, files: { "": files[m.subPath] ?? "" } });
    else out.push({ mountPath: m.mountPath, files });
  }
  return out;
}
