/**
 * Merge keys of the lists Kubernetes merges item by item (patchMergeKey in the API types, and
 * listMapKeys for server-side apply). Every other list is atomic: a patch replaces it whole.
 */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  volumes: ["name"],
  env: ["name"],
  imagePullSecrets: ["name"],
  volumeMounts: ["mountPath"],
  conditions: ["type"],
  ownerReferences: ["uid"],
};

/** The merge key of a list held at `field`, or undefined when the list is atomic. */
export function mergeKeyOf(field: string, items: unknown[]): string | undefined {
  if (!items.every((i) => i !== null && typeof i === "object" && !Array.isArray(i))) return undefined;
  if (field === "ports") {
    // Container ports merge on containerPort, Service ports on port.
    if (items.every((i) => "containerPort" in (i as object))) return "containerPort";
    if (items.every((i) => "port" in (i as object))) return "port";
    return undefined;
  }
  const keys = MERGE_KEYS[field];
  if (!keys) return undefined;
  const k = keys[0]!;
  return items.every((i) => k in (i as object)) ? k : undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
