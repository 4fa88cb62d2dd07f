/**
 * A flow end's labels as sorted `key=value` strings. Calico Enterprise writes `{"labels": ["k=v", ...]}`;
 * a plain `{"k": "v"}` map is accepted too. Null when the record reports none.
 */
export function labelList(v: unknown): string[] | null {
  if (v === null || v === undefined || v === "-") return null;
  if (typeof v !== "object") return null;
  const inner = (v as { labels?: unknown }).labels;
  let list: string[];
  if (Array.isArray(inner)) list = inner.filter((x): x is string => typeof x === "string");
  else if (!Array.isArray(v)) list = Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === "string").map(([k, x]) => `${k}=${x as string}`);
  else return null;
  return list.length === 0 ? null : [...new Set(list)].sort();
}

/** `key=value` strings as a label map (a string without `=` is a key with an empty value). */
export function labelMap(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list) {
    const i = s.indexOf("=");
    if (i < 0) out[s] = "";
    else out[s.slice(0, i)] = s.slice(i + 1);
  }
  return out;
}
