import { findByPlural, type ResourceType } from "./resource-types.ts";

export interface ResourceRequest {
  kind: "resource";
  type: ResourceType;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface NonResourceRequest {
  kind: "nonresource";
  path: string;
}

export interface UnknownResourceRequest {
  kind: "unknown";
  group: string;
  version: string;
  plural: string;
}

/** Splits `/api/v1/namespaces/ns/pods/name/log` or `/apis/group/version/...` into its parts. */
export function parseRequestPath(path: string): ResourceRequest | NonResourceRequest | UnknownResourceRequest {
  const segs = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api" && segs.length >= 3) {
    group = "";
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === "apis" && segs.length >= 4) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else {
    return { kind: "nonresource", path };
  }
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const type = findByPlural(group, version, rest[2]!);
    if (type?.namespaced) return { kind: "resource", type, group, version, namespace: rest[1]!, name: rest[3], subresource: rest[4] };
    if (!type) return { kind: "unknown", group, version, plural: rest[2]! };
  }
  const type = findByPlural(group, version, rest[0]!);
  if (!type) return { kind: "unknown", group, version, plural: rest[0]! };
  return { kind: "resource", type, group, version, name: rest[1], subresource: rest[2] };
}
