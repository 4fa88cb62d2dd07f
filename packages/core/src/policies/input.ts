import { normalizeResource, parseResources, type Resource, type ValidationError } from "@palisade/policy";
import { badInput } from "../errors.ts";
import { describeKey, identify, type Identity } from "./kinds.ts";

export function describeErrors(errors: readonly ValidationError[]): string {
  return errors.map((e) => `document ${e.document ?? 0}${e.path ? ` at ${e.path}` : ""}: ${e.message}`).join("; ");
}

/** Exactly one policy-bearing resource from YAML or JSON, normalised as Calico stores it; BAD_USER_INPUT naming the path otherwise. */
export function parseOne(yaml: string): { resource: Resource; identity: Identity } {
  const { resources, errors } = parseResources(yaml);
  if (errors.length > 0) throw badInput("yaml", `the resource is invalid: ${describeErrors(errors)}`, { errors: errors.map((e) => ({ document: e.document ?? 0, path: e.path, message: e.message })) });
  if (resources.length !== 1) throw badInput("yaml", `expected exactly one resource, found ${resources.length}`);
  const resource = normalizeResource(resources[0]!);
  const identity = identify(resource);
  if (!identity) throw badInput("yaml", `${resource.kind} is not a policy-bearing resource (tiers, policies and network sets are)`);
  return { resource, identity };
}

export function sameResource(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

export { describeKey };
