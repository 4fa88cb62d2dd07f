import { normalizeResource, validateResource, type Resource, type ValidationError } from "@palisade/policy";
import { parseAllDocuments } from "yaml";
import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Authorizer } from "../rbac/authorizer.ts";
import { read, requireAccess } from "./access.ts";
import { describeKey, identify, type Identity } from "./kinds.ts";
import { sameResource } from "./input.ts";
import { applyWrites, findCluster, lockClusterForChange, mirroredMessage, type ResourceRow, type Write } from "./store.ts";
import type { Tx } from "@palisade/db";

export type ApplyStatus = "CREATED" | "UPDATED" | "UNCHANGED" | "INVALID" | "SKIPPED";

export interface ApplyResult {
  /** 0-based index of the YAML document */
  document: number;
  kind: string | null;
  namespace: string | null;
  name: string | null;
  status: ApplyStatus;
  /** the revision after the apply (or that a dry run would give) */
  revision: number | null;
  errors: Array<{ path: string; message: string }>;
}

export interface ApplyOutcome {
  results: ApplyResult[];
  /** every document valid (and so, unless a dry run, written) */
  valid: boolean;
  dryRun: boolean;
}

interface Planned {
  result: ApplyResult;
  resource: Resource;
  identity: Identity;
}

// What parseResources does per object, on the already parsed document: parsing it again from text would double
// the cost of a large apply. Objects of other API groups (Deployments, Services, ...) are skipped as there.
const ENGINE_GROUPS = new Set(["projectcalico.org/v3", "networking.k8s.io/v1", "v1"]);
const FOREIGN_V1_KINDS = new Set(["Service", "ConfigMap", "Secret", "Endpoints", "List"]);

function validateDocument(value: unknown): { resources: Resource[]; errors: ValidationError[] } {
  const v = value as { kind?: unknown; items?: unknown };
  const items: Array<{ obj: unknown; prefix: string }> = Array.isArray(value)
    ? value.map((obj, i) => ({ obj, prefix: `[${i}].` }))
    : typeof v === "object" && v !== null && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)
      ? v.items.map((obj, i) => ({ obj, prefix: `items[${i}].` }))
      : [{ obj: value, prefix: "" }];
  const resources: Resource[] = [];
  const errors: ValidationError[] = [];
  for (const { obj, prefix } of items) {
    const o = (obj ?? {}) as { apiVersion?: unknown; kind?: unknown };
    if (typeof o.apiVersion === "string" && !ENGINE_GROUPS.has(o.apiVersion)) continue;
    if (o.apiVersion === "v1" && typeof o.kind === "string" && FOREIGN_V1_KINDS.has(o.kind)) continue;
    const errs = validateResource(obj);
    if (errs.length === 0) resources.push(obj as Resource);
    for (const e of errs) errors.push({ path: prefix + e.path, message: e.message });
  }
  return { resources, errors };
}

/** Documents -> results (invalid ones with their errors) and the resources to apply. */
function parseDocuments(yaml: string): { results: ApplyResult[]; planned: Planned[] } {
  const results: ApplyResult[] = [];
  const planned: Planned[] = [];
  const seen = new Map<string, number>();
  parseAllDocuments(yaml).forEach((doc, document) => {
    const raw = (() => {
      if (doc.errors.length > 0) return undefined;
      return doc.toJS() as unknown;
    })();
    const meta = (raw ?? {}) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    const base = {
      document,
      kind: typeof meta.kind === "string" ? meta.kind : null,
      namespace: typeof meta.metadata?.namespace === "string" ? meta.metadata.namespace : null,
      name: typeof meta.metadata?.name === "string" ? meta.metadata.name : null,
      revision: null,
    };
    if (doc.errors.length > 0) {
      results.push({ ...base, status: "INVALID", errors: doc.errors.map((e) => ({ path: "", message: e.message.split("\n")[0] ?? e.message })) });
      return;
    }
    if (raw === null || raw === undefined) return;
    const { resources, errors } = validateDocument(raw);
    if (errors.length > 0) {
      results.push({ ...base, status: "INVALID", errors: errors.map((e) => ({ path: e.path, message: e.message })) });
      return;
    }
    for (const r of resources) {
      const resource = normalizeResource(r);
      const identity = identify(resource);
      const result: ApplyResult = { ...base, kind: identity?.kind ?? resource.kind, namespace: identity ? identity.namespace || null : resource.metadata.namespace ?? null, name: resource.metadata.name, status: "SKIPPED", errors: [] };
      results.push(result);
      if (!identity) {
        result.errors.push({ path: "kind", message: `${resource.kind} is not a policy-bearing resource; it is not stored` });
        continue;
      }
      const key = `${identity.kind}/${identity.namespace}/${identity.name}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        result.status = "INVALID";
        result.errors.push({ path: "metadata.name", message: `${describeKey(identity)} also appears in document ${earlier}` });
        continue;
      }
      seen.set(key, document);
      planned.push({ result, resource, identity });
    }
  });
  return { results, planned };
}

/** Statuses and the writes they need, against the cluster's current rows; tiers must exist or be applied too. */
async function plan(tx: Tx, clusterId: string, planned: Planned[]): Promise<Write[]> {
  const existing = await tx.policyResource.findMany({ where: { clusterId, OR: planned.map((p) => ({ kind: p.identity.kind, namespace: p.identity.namespace, name: p.identity.name })) } });
  const byKey = new Map<string, ResourceRow>(existing.map((r) => [`${r.kind}/${r.namespace}/${r.name}`, r]));
  const tiers = new Set((await tx.policyResource.findMany({ where: { clusterId, kind: "Tier" }, select: { name: true } })).map((t) => t.name));
  for (const p of planned) if (p.identity.kind === "Tier") tiers.add(p.identity.name);
  const writes: Write[] = [];
  for (const p of planned) {
    const { identity, result } = p;
    if (identity.kind !== "Tier" && identity.tier !== null && !tiers.has(identity.tier)) {
      result.status = "INVALID";
      result.errors.push({ path: "spec.tier", message: `tier "${identity.tier}" does not exist in this cluster and is not in this apply` });
      continue;
    }
    const before = byKey.get(`${identity.kind}/${identity.namespace}/${identity.name}`) ?? null;
    if (before && sameResource(before.resource, p.resource)) {
      result.status = "UNCHANGED";
      result.revision = before.revision;
      continue;
    }
    if (before?.origin === "CLUSTER") {
      result.status = "INVALID";
      result.errors.push({ path: "metadata.name", message: mirroredMessage(before) });
      continue;
    }
    result.status = before ? "UPDATED" : "CREATED";
    result.revision = (before?.revision ?? 0) + 1;
    writes.push({ verb: "apply", identity, before, after: p.resource });
  }
  return writes;
}

function authorize(auth: Authorizer, clusterId: string, writes: Write[]): void {
  for (const w of writes) requireAccess(auth, w.before ? "update" : "create", { ...w.identity, clusterId });
}

/**
 * Applies a multi-document YAML (Calico or Kubernetes) to a cluster, as a pipeline would: per document,
 * CREATED, UPDATED, UNCHANGED or INVALID with its errors. Nothing is written unless every document is valid and
 * the caller may write every resource; a dry run answers the same and writes nothing.
 */
export async function applyResources(deps: CoreDeps, actor: Actor, a: { clusterId: string; yaml: string; dryRun?: boolean | null }): Promise<ApplyOutcome> {
  const dryRun = a.dryRun === true;
  const { results, planned } = parseDocuments(a.yaml);
  const invalid = () => results.some((r) => r.status === "INVALID");
  if (dryRun) {
    return read(deps, actor, async (tx, auth) => {
      await findCluster(tx, a.clusterId);
      const writes = planned.length > 0 ? await plan(tx, a.clusterId, planned) : [];
      if (!invalid()) authorize(auth, a.clusterId, writes);
      return { results, valid: !invalid(), dryRun };
    });
  }
  try {
    return await runChange(
      deps,
      actor,
      { verb: "apply", kind: "Resources", clusterId: a.clusterId },
      async (c) => {
        await findCluster(c.tx, a.clusterId);
        await lockClusterForChange(c.tx, a.clusterId);
        const writes = planned.length > 0 ? await plan(c.tx, a.clusterId, planned) : [];
        if (invalid()) throw new InvalidApply({ results, valid: false, dryRun });
        authorize(c.auth, a.clusterId, writes);
        // Tiers first, so the rows a policy's tier check reads are the same ones its apply writes.
        writes.sort((x, y) => Number(y.identity.kind === "Tier") - Number(x.identity.kind === "Tier"));
        await applyWrites(c, a.clusterId, writes);
        return { results, valid: true, dryRun };
      },
      { timeoutMs: 120_000 },
    );
  } catch (e) {
    // Invalid documents are answered per document, not as an error; runChange has recorded the refusal.
    if (e instanceof InvalidApply) return e.outcome;
    throw e;
  }
}

class InvalidApply extends AppError {
  constructor(readonly outcome: ApplyOutcome) {
    const bad = [...new Set(outcome.results.filter((r) => r.status === "INVALID").map((r) => r.document))];
    super("BAD_USER_INPUT", `document${bad.length === 1 ? "" : "s"} ${bad.join(", ")} ${bad.length === 1 ? "is" : "are"} invalid; nothing was applied`, "yaml");
  }
}
