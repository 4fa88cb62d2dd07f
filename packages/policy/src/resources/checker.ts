import { tryParseSelector } from "../selector/index.ts";
import type { ValidationError } from "./types.ts";

/** Collects every error of one object, each under its path (`spec.egress[1].destination.selector`). */
export class Checker {
  readonly errors: ValidationError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  isObject(v: unknown, path: string): v is Record<string, unknown> {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return true;
    this.add(path, "expected an object");
    return false;
  }

  isArray(v: unknown, path: string): v is unknown[] {
    if (Array.isArray(v)) return true;
    this.add(path, "expected a list");
    return false;
  }

  isString(v: unknown, path: string): v is string {
    if (typeof v === "string") return true;
    this.add(path, "expected a string");
    return false;
  }

  isNumber(v: unknown, path: string): v is number {
    if (typeof v === "number" && Number.isFinite(v)) return true;
    this.add(path, "expected a number");
    return false;
  }

  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): v is T {
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return true;
    this.add(path, `expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
    return false;
  }

  /** Unknown fields are errors, as the API server rejects them in strict mode. */
  knownFields(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.add(join(path, k), "unknown field");
  }

  /** A selector that parses; `global()` only where `globalAllowed` (a rule's namespaceSelector). */
  selector(v: unknown, path: string, globalAllowed = false): void {
    if (!this.isString(v, path)) return;
    const r = tryParseSelector(v);
    if ("error" in r) {
      this.add(path, r.error.message);
      return;
    }
    if (r.selector.usesGlobal && !globalAllowed) this.add(path, "global() may only be used in a rule's namespaceSelector");
  }

  labels(v: unknown, path: string): void {
    if (!this.isObject(v, path)) return;
    for (const [k, val] of Object.entries(v)) {
      if (!isLabelKey(k)) this.add(join(path, k), `'${k}' is not a valid label key`);
      if (typeof val !== "string") this.add(join(path, k), "expected a string");
      else if (val.length > 63 || (val !== "" && !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(val)))
        this.add(join(path, k), `'${val}' is not a valid label value`);
    }
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

function isLabelKey(k: string): boolean {
  const slash = k.lastIndexOf("/");
  const prefix = slash >= 0 ? k.slice(0, slash) : "";
  const name = slash >= 0 ? k.slice(slash + 1) : k;
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}
