import { parseAllDocuments } from "yaml";
import { isForeignKind } from "./kinds.ts";
import type { Resource, ValidationError } from "./types.ts";
import { validateResource } from "./validate.ts";

/**
 * Resources from YAML (one or many documents) or JSON (an object, an array or a v1 List).
 * Objects the engine does not read (Deployments, Services, ...) are skipped; every error names
 * its 0-based document index and path. Invalid objects are left out of `resources`.
 */
export function parseResources(text: string): { resources: Resource[]; errors: ValidationError[] } {
  const resources: Resource[] = [];
  const errors: ValidationError[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, document) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push({ document, path: "", message: e.message.split("\n")[0] ?? e.message });
      return;
    }
    let value: unknown;
    try {
      // toJS refuses alias bombs (maxAliasCount) by throwing; that is this document's error.
      value = doc.toJS();
    } catch (e) {
      errors.push({ document, path: "", message: (e as Error).message });
      return;
    }
    if (value === null || value === undefined) return;
    for (const { obj, prefix } of items(value)) {
      if (isSkipped(obj)) continue;
      const errs = validateResource(obj);
      if (errs.length === 0) resources.push(obj as Resource);
      for (const e of errs) errors.push({ document, path: prefix + e.path, message: e.message });
    }
  });
  return { resources, errors };
}

function items(value: unknown): Array<{ obj: unknown; prefix: string }> {
  if (Array.isArray(value)) return value.map((obj, i) => ({ obj, prefix: `[${i}].` }));
  const v = value as { kind?: unknown; items?: unknown };
  if (typeof v === "object" && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items))
    return v.items.map((obj, i) => ({ obj, prefix: `items[${i}].` }));
  return [{ obj: value, prefix: "" }];
}

function isSkipped(obj: unknown): boolean {
  if (typeof obj !== "object" || obj === null) return false;
  const o = obj as { apiVersion?: unknown; kind?: unknown };
  return isForeignKind(o.apiVersion, o.kind);
}
