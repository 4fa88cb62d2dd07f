import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../store/kube-object.ts";

/** Objects of a multi-document YAML (or JSON) text; `kind: List` documents are unwrapped. */
export function objectsOf(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`invalid YAML: ${doc.errors[0]!.message}`);
    const v = doc.toJS() as KubeObject | null;
    if (!v) continue;
    if (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) out.push(...(v.items as KubeObject[]));
    else out.push(v);
  }
  return out;
}
