/** One field in COPY's text format: backslash escapes for the characters COPY gives meaning to; null is \N. */
export function copyField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "number") return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** A text[] literal (`{"a","b"}`), before COPY's own escaping; null for no list. */
export function arrayLiteral(list: readonly string[] | null): string | null {
  if (list === null) return null;
  return `{${list.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}
