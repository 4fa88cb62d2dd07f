import { badRequest } from "../api/status.ts";
import type { KubeObject } from "./kube-object.ts";

const FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  "metadata.name": (o) => o.metadata.name,
  "metadata.namespace": (o) => o.metadata.namespace ?? "",
  "spec.nodeName": (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? "",
  "status.phase": (o) => (o.status as { phase?: string } | undefined)?.phase ?? "",
  "spec.serviceAccountName": (o) => (o.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? "",
  type: (o) => (o as { type?: string }).type ?? "",
};

/** `?fieldSelector=metadata.name=x,metadata.namespace!=y`, for the fields the API server indexes. */
export function parseFieldSelector(text: string): (o: KubeObject) => boolean {
  const reqs: ((o: KubeObject) => boolean)[] = [];
  for (const part of text.split(",")) {
    const p = part.trim();
    if (!p) continue;
    const m = p.match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${p}'; can't understand '${p}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get = FIELDS[field];
    if (!get) throw badRequest(`field label not supported: ${field}`);
    reqs.push(op === "!=" ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (o) => reqs.every((r) => r(o));
}
