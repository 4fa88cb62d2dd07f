import { stringify } from "yaml";
import type { Resource } from "./types.ts";

/** Calico v3 YAML, one document per resource, that calicoctl and kubectl accept. */
export function serializeResources(rs: Resource[]): string {
  return rs.map((r) => stringify(r, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}
