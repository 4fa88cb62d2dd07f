import type { IncomingMessage, ServerResponse } from "node:http";
import fastJsonPatch from "fast-json-patch";
import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { parseLabelSelector } from "../store/label-selector.ts";
import { parseFieldSelector } from "../store/field-selector.ts";
import { mergePatch } from "../patch/merge-patch.ts";
import { strategicMergePatch } from "../patch/strategic-merge-patch.ts";
import { recordUpdate, serverSideApply } from "../patch/managed-fields.ts";
import { apiVersionOf, RESOURCE_TYPES, type ResourceType } from "./resource-types.ts";
import type { ResourceRequest } from "./request-info.ts";
import { ApiError, badRequest, invalid, notFound } from "./status.ts";
import { parseBody, readBody, sendJson } from "./http-io.ts";
import { toTable } from "./table.ts";
import { streamWatch } from "./watch-stream.ts";
import type { Faults } from "../faults/faults.ts";
import type { UserInfo } from "../auth/users.ts";

export type Operation = "create" | "update" | "delete";

/** Admission: defaulting and validation run on every write, in the order registered. */
export type AdmissionHook = (t: ResourceType, obj: KubeObject, old: KubeObject | undefined, op: Operation) => void;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: UserInfo;
  info: ResourceRequest;
  verb: string;
}

export type SubresourceHandler = (ctx: RequestContext) => Promise<void> | void;

export interface HandlerEnv {
  store: ObjectStore;
  faults: Faults;
  admission: AdmissionHook[];
  subresources: Map<string, SubresourceHandler>;
  bookmarkIntervalMs: number;
}

const NS_TYPE = RESOURCE_TYPES.find((t) => t.kind === "Namespace")!;

/** The Kubernetes verb a request asks for, as RBAC names it. */
export function verbOf(method: string, info: ResourceRequest, url: URL): string {
  const watch = url.searchParams.get("watch");
  switch (method) {
    case "GET":
    case "HEAD":
      if (watch === "true" || watch === "1") return "watch";
      return info.name ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return info.name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

export async function handleResource(env: HandlerEnv, ctx: RequestContext): Promise<void> {
  const { info, url, res, verb } = ctx;
  const t = info.type;
  if (info.subresource && info.subresource !== "status") {
    const h = env.subresources.get(`${t.plural}/${info.subresource}`);
    if (!h) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return h(ctx);
  }
  if (t.verbs && !t.verbs.includes(verb)) throw new ApiError(405, "MethodNotAllowed", `${verb} is not supported on resources of kind "${t.plural}"`);
  const q = url.searchParams;
  const dryRun = q.getAll("dryRun").includes("All");
  switch (verb) {
    case "get":
      return sendJson(res, 200, env.store.get(t, info.namespace, info.name!));
    case "list":
    case "watch":
      return listOrWatch(env, ctx);
    case "create": {
      const body = await bodyObject(ctx);
      return create(env, ctx, body, dryRun);
    }
    case "update": {
      const body = await bodyObject(ctx);
      return update(env, ctx, body, dryRun);
    }
    case "patch":
      return patch(env, ctx, dryRun);
    case "delete": {
      const opts = (parseBody(await readBody(ctx.req), "json") ?? {}) as { preconditions?: { uid?: string }; dryRun?: string[] };
      const old = env.store.get(t, info.namespace, info.name!);
      for (const a of env.admission) a(t, old, old, "delete");
      const gone = env.store.delete(t, info.namespace, info.name!, { dryRun: dryRun || !!opts.dryRun?.includes("All"), uid: opts.preconditions?.uid });
      return sendJson(res, 200, gone);
    }
    case "deletecollection": {
      const items = selected(env, ctx);
      for (const o of items) env.store.delete(t, o.metadata.namespace, o.metadata.name, { dryRun });
      return sendJson(res, 200, listOf(t, items, env.store.resourceVersion));
    }
  }
  throw new ApiError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
}

function selected(env: HandlerEnv, ctx: RequestContext): KubeObject[] {
  const q = ctx.url.searchParams;
  const ls = q.get("labelSelector");
  const fs = q.get("fieldSelector");
  const lm = ls ? parseLabelSelector(ls) : undefined;
  const fm = fs ? parseFieldSelector(fs) : undefined;
  return env.store.list(ctx.info.type, ctx.info.namespace, (o) => (!lm || lm(o.metadata.labels ?? {})) && (!fm || fm(o)));
}

function listOf(t: ResourceType, items: KubeObject[], resourceVersion: string) {
  return { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata: { resourceVersion }, items };
}

function listOrWatch(env: HandlerEnv, ctx: RequestContext): void {
  const { info, url, res, req } = ctx;
  const q = url.searchParams;
  const ls = q.get("labelSelector");
  const fs = q.get("fieldSelector");
  const lm = ls ? parseLabelSelector(ls) : undefined;
  const fm = fs ? parseFieldSelector(fs) : undefined;
  const filter = (o: KubeObject) => (!lm || lm(o.metadata.labels ?? {})) && (!fm || fm(o));
  if (ctx.verb === "watch") {
    return streamWatch(res, env.store, env.faults, {
      type: info.type,
      namespace: info.namespace,
      name: info.name,
      filter,
      resourceVersion: q.get("resourceVersion") ?? undefined,
      allowBookmarks: q.get("allowWatchBookmarks") === "true",
      sendInitialEvents: q.get("sendInitialEvents") === "true",
      bookmarkIntervalMs: env.bookmarkIntervalMs,
      timeoutSeconds: q.has("timeoutSeconds") ? Number(q.get("timeoutSeconds")) : undefined,
      ...(String(req.headers.accept ?? "").includes("as=Table")
        ? { render: (o: KubeObject) => toTable(info.type, [o], o.metadata.resourceVersion ?? "", new Date()) }
        : {}),
    });
  }
  const items = env.store.list(info.type, info.namespace, filter);
  if (String(req.headers.accept ?? "").includes("as=Table")) {
    return sendJson(res, 200, toTable(info.type, items, env.store.resourceVersion, new Date()));
  }
  sendJson(res, 200, listOf(info.type, items, env.store.resourceVersion));
}

async function bodyObject(ctx: RequestContext): Promise<KubeObject> {
  const body = parseBody(await readBody(ctx.req), ctx.req.headers["content-type"]);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("the body of the request must be an object");
  return body as KubeObject;
}

function fieldManager(ctx: RequestContext, fallback?: string): string {
  const m = ctx.url.searchParams.get("fieldManager");
  if (m) return m;
  if (fallback) return fallback;
  // Kubernetes names an unnamed manager after the client's user agent, up to the first slash.
  return String(ctx.req.headers["user-agent"] ?? "unknown").split("/")[0] || "unknown";
}

function checkIdentity(ctx: RequestContext, obj: KubeObject): void {
  const { info } = ctx;
  const t = info.type;
  obj.metadata ??= { name: "" };
  if (obj.kind && obj.kind !== t.kind) throw badRequest(`the API version in the data (${obj.apiVersion}) and kind (${obj.kind}) do not match the requested resource ${t.plural}`);
  obj.kind = t.kind;
  obj.apiVersion = apiVersionOf(t);
  if (t.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    obj.metadata.namespace = info.namespace;
  } else delete obj.metadata.namespace;
  if (info.name && obj.metadata.name && obj.metadata.name !== info.name) {
    throw badRequest("the name of the object (" + obj.metadata.name + ") does not match the name on the URL (" + info.name + ")");
  }
  if (info.name && !obj.metadata.name) obj.metadata.name = info.name;
  if (!obj.metadata.name && !obj.metadata.generateName) {
    throw invalid(t.kind, t.group, "", [{ field: "metadata.name", message: "Required value: name or generateName is required" }]);
  }
  if (obj.metadata.name && !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(obj.metadata.name)) {
    throw invalid(t.kind, t.group, obj.metadata.name, [
      { field: "metadata.name", message: `Invalid value: "${obj.metadata.name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'` },
    ]);
  }
}

function requireNamespace(env: HandlerEnv, ns: string | undefined): void {
  if (ns && !env.store.peek(NS_TYPE, undefined, ns)) throw notFound("namespaces", "", ns);
}

function stripSystem(obj: KubeObject): void {
  delete obj.metadata.uid;
  delete obj.metadata.creationTimestamp;
  delete obj.metadata.generation;
  delete obj.metadata.managedFields;
  delete obj.metadata.deletionTimestamp;
}

function create(env: HandlerEnv, ctx: RequestContext, obj: KubeObject, dryRun: boolean): void {
  const t = ctx.info.type;
  if (t.kind === "SelfSubjectAccessReview") throw new ApiError(500, "InternalError", "routed elsewhere");
  checkIdentity(ctx, obj);
  requireNamespace(env, obj.metadata.namespace);
  stripSystem(obj);
  delete obj.metadata.resourceVersion;
  for (const a of env.admission) a(t, obj, undefined, "create");
  recordUpdate(undefined, obj, fieldManager(ctx), env.store.timestamp());
  sendJson(ctx.res, 201, env.store.create(t, obj, { dryRun }));
}

function update(env: HandlerEnv, ctx: RequestContext, obj: KubeObject, dryRun: boolean): void {
  const t = ctx.info.type;
  checkIdentity(ctx, obj);
  const old = env.store.get(t, obj.metadata.namespace, obj.metadata.name);
  const next = write(env, ctx, old, obj, fieldManager(ctx), dryRun);
  sendJson(ctx.res, 200, next);
}

/** Writes `obj` over `old`: main resource writes keep the status, /status writes keep everything else. */
function write(env: HandlerEnv, ctx: RequestContext, old: KubeObject, obj: KubeObject, manager: string | null, dryRun: boolean): KubeObject {
  const t = ctx.info.type;
  const statusOnly = ctx.info.subresource === "status";
  let next = obj;
  if (statusOnly) next = { ...old, status: obj.status, metadata: { ...old.metadata, resourceVersion: obj.metadata.resourceVersion } };
  next.metadata.uid = old.metadata.uid!;
  next.metadata.creationTimestamp = old.metadata.creationTimestamp!;
  if (!statusOnly) {
    for (const a of env.admission) a(t, next, old, "update");
    if (manager) recordUpdate(old, next, manager, env.store.timestamp());
  }
  const keepStatus = !statusOnly && (t.subresources ?? []).includes("status");
  return env.store.update(t, next, { dryRun, keepStatus });
}

async function patch(env: HandlerEnv, ctx: RequestContext, dryRun: boolean): Promise<void> {
  const { info, req, url } = ctx;
  const t = info.type;
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim();
  const body = parseBody(await readBody(req), type);
  if (type === "application/apply-patch+yaml") {
    const config = body as KubeObject;
    if (!config || typeof config !== "object") throw badRequest("apply patch must be an object");
    if (!url.searchParams.get("fieldManager")) throw badRequest("PATCH, fieldManager is required for apply requests");
    checkIdentity(ctx, config);
    const force = url.searchParams.get("force") === "true";
    const current = env.store.peek(t, info.namespace, info.name!);
    const manager = url.searchParams.get("fieldManager")!;
    const next = serverSideApply(current ? structuredClone(current) : undefined, config, manager, force, env.store.timestamp());
    if (!current) {
      requireNamespace(env, next.metadata.namespace);
      delete next.metadata.resourceVersion;
      // As with a create, the status a manifest brings (a scenario pod's podIP) is kept.
      if (config.status !== undefined) next.status = config.status;
      for (const a of env.admission) a(t, next, undefined, "create");
      return sendJson(ctx.res, 201, env.store.create(t, next, { dryRun }));
    }
    if (config.metadata.resourceVersion) next.metadata.resourceVersion = config.metadata.resourceVersion;
    else next.metadata.resourceVersion = current.metadata.resourceVersion!;
    return sendJson(ctx.res, 200, write(env, ctx, structuredClone(current), next, null, dryRun));
  }
  const current = env.store.get(t, info.namespace, info.name!);
  let next: unknown;
  if (type === "application/json-patch+json") {
    if (!Array.isArray(body)) throw badRequest("json patch must be an array of operations");
    try {
      next = fastJsonPatch.applyPatch(structuredClone(current), body as fastJsonPatch.Operation[], true, false).newDocument;
    } catch (e) {
      throw new ApiError(422, "Invalid", `the server rejected our request due to an error in our request: ${(e as Error).message}`);
    }
  } else if (type === "application/merge-patch+json") {
    next = mergePatch(current, body);
  } else if (type === "application/strategic-merge-patch+json") {
    next = strategicMergePatch(current, body);
  } else {
    throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
  const obj = next as KubeObject;
  checkIdentity(ctx, obj);
  sendJson(ctx.res, 200, write(env, ctx, current, obj, fieldManager(ctx), dryRun));
}

/**
 * Server-side apply from inside the simulator (scenario loading, `sim.apply`): the same admission,
 * defaulting and managedFields as an HTTP apply with `force=true`.
 */
export function applyInternal(env: HandlerEnv, t: ResourceType, input: KubeObject, manager: string): KubeObject {
  const config = structuredClone(input);
  config.apiVersion = apiVersionOf(t);
  if (!t.namespaced) delete config.metadata.namespace;
  else config.metadata.namespace ??= "default";
  stripSystem(config);
  delete config.metadata.resourceVersion;
  const current = env.store.peek(t, config.metadata.namespace, config.metadata.name);
  const status = config.status;
  const next = serverSideApply(current ? structuredClone(current) : undefined, config, manager, true, env.store.timestamp());
  if (!current) {
    requireNamespace(env, next.metadata.namespace);
    if (status !== undefined) next.status = status;
    for (const a of env.admission) a(t, next, undefined, "create");
    return env.store.create(t, next);
  }
  next.metadata.resourceVersion = current.metadata.resourceVersion!;
  for (const a of env.admission) a(t, next, current, "update");
  return env.store.update(t, next, { keepStatus: (t.subresources ?? []).includes("status") });
}

export function deleteInternal(env: HandlerEnv, t: ResourceType, namespace: string | undefined, name: string): KubeObject {
  return env.store.delete(t, t.namespaced ? namespace ?? "default" : undefined, name);
}

/** A create from inside the simulator (controllers creating pods): admission and managedFields as over HTTP. */
export function createInternal(env: HandlerEnv, t: ResourceType, input: KubeObject, manager: string): KubeObject {
  const obj = structuredClone(input);
  obj.apiVersion = apiVersionOf(t);
  obj.kind = t.kind;
  requireNamespace(env, obj.metadata.namespace);
  for (const a of env.admission) a(t, obj, undefined, "create");
  recordUpdate(undefined, obj, manager, env.store.timestamp());
  return env.store.create(t, obj);
}
