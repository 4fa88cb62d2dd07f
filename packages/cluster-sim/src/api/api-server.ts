import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { serverTls } from "./tls.ts";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { ObjectStore } from "../store/object-store.ts";
import type { Faults } from "../faults/faults.ts";
import { serviceAccountUser, type TokenRegistry, type UserInfo } from "../auth/users.ts";
import { authorize, type Attributes } from "../auth/rbac.ts";
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from "./discovery.ts";
import { parseRequestPath, type ResourceRequest } from "./request-info.ts";
import { ApiError, qualified } from "./status.ts";
import { parseBody, readBody, sendError, sendJson } from "./http-io.ts";
import { handleResource, verbOf, type AdmissionHook, type HandlerEnv, type SubresourceHandler } from "./resource-handlers.ts";
import { serveOpenApi } from "./openapi.ts";

export interface ApiServerOptions {
  store: ObjectStore;
  faults: Faults;
  tokens: TokenRegistry;
  admission?: AdmissionHook[];
  subresources?: Map<string, SubresourceHandler>;
  bookmarkIntervalMs?: number;
}

/** The Kubernetes API over HTTPS with bearer-token authentication and RBAC. */
export class ApiServer {
  private readonly server: Server;
  readonly env: HandlerEnv;
  private address = "127.0.0.1:0";

  constructor(private readonly opts: ApiServerOptions) {
    this.env = {
      store: opts.store,
      faults: opts.faults,
      admission: opts.admission ?? [],
      subresources: opts.subresources ?? new Map(),
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000,
    };
    this.server = createServer(serverTls(), (req, res) => {
      this.handle(req, res).catch((e) => sendError(res, e));
    });
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    this.address = `${host}:${a.port}`;
    return `https://${this.address}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.opts.faults.cutWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = this.opts.faults;
    if (faults.responseDelayMs) await sleep(faults.responseDelayMs);
    if (faults.unavailable) {
      res.setHeader("Retry-After", "1");
      throw new ApiError(503, "ServiceUnavailable", "the server is currently unable to handle the request", { retryAfterSeconds: 1 });
    }
    const url = new URL(req.url ?? "/", "http://sim");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === "/healthz" || path === "/livez" || path === "/readyz") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    const user = this.authenticate(req);
    const info = parseRequestPath(path);
    if (info.kind !== "resource") {
      if (info.kind === "nonresource") this.authorizeOrThrow(user, { verb: req.method === "GET" ? "get" : "post", group: "", resource: "", nonResourceURL: path });
      return this.serveNonResource(req, res, path, url);
    }
    const verb = verbOf(req.method ?? "GET", info, url);
    if (info.type.kind === "SelfSubjectAccessReview" && verb === "create") return this.selfSubjectAccessReview(req, res, user);
    this.authorizeOrThrow(user, {
      verb,
      group: info.group,
      resource: info.type.plural,
      subresource: info.subresource,
      namespace: info.type.kind === "Namespace" ? info.name : info.namespace,
      name: info.name,
    }, info);
    await handleResource(this.env, { req, res, url, user, info, verb });
  }

  private authenticate(req: IncomingMessage): UserInfo {
    const h = req.headers.authorization ?? "";
    const m = h.match(/^Bearer\s+(.+)$/i);
    const user = m ? this.opts.tokens.lookup(m[1]!.trim()) : undefined;
    if (!user) throw new ApiError(401, "Unauthorized", "Unauthorized");
    const as = req.headers["impersonate-user"];
    if (typeof as === "string" && as) {
      // Impersonation (kubectl --as) is granted to cluster admins only here.
      if (!user.groups.includes("system:masters")) throw new ApiError(403, "Forbidden", `users "${as}" is forbidden: User "${user.username}" cannot impersonate resource "users" in API group "" at the cluster scope`);
      const raw = req.headers["impersonate-group"];
      const groups = Array.isArray(raw) ? raw : raw ? [raw] : [];
      const sa = as.match(/^system:serviceaccount:([^:]+):([^:]+)$/);
      const base = sa ? serviceAccountUser(sa[1]!, sa[2]!).groups : ["system:authenticated"];
      return { username: as, groups: [...new Set([...groups, ...base])] };
    }
    return user;
  }

  private authorizeOrThrow(user: UserInfo, a: Attributes, info?: ResourceRequest): void {
    if (authorize(this.opts.store, user, a)) return;
    if (a.nonResourceURL) {
      throw new ApiError(403, "Forbidden", `forbidden: User "${user.username}" cannot ${a.verb} path "${a.nonResourceURL}"`, {});
    }
    const res = qualified(a.resource, a.group) + (a.subresource ? `/${a.subresource}` : "");
    const subject = a.name && a.verb !== "create" ? `${res} "${a.name}"` : res;
    const where = a.namespace && (info?.type.namespaced || info?.type.kind === "Namespace") ? ` in the namespace "${a.namespace}"` : " at the cluster scope";
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    throw new ApiError(403, "Forbidden", `${subject} is forbidden: User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}"${where}`, {
      ...(a.name ? { name: a.name } : {}),
      group: a.group,
      kind: a.resource,
    });
  }

  private async selfSubjectAccessReview(req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
    const body = (parseBody(await readBody(req), req.headers["content-type"]) ?? {}) as {
      spec?: { resourceAttributes?: Record<string, string>; nonResourceAttributes?: { path?: string; verb?: string } };
    };
    const ra = body.spec?.resourceAttributes;
    const nra = body.spec?.nonResourceAttributes;
    const allowed = ra
      ? authorize(this.opts.store, user, { verb: ra.verb ?? "", group: ra.group ?? "", resource: ra.resource ?? "", subresource: ra.subresource || undefined, namespace: ra.namespace || undefined, name: ra.name || undefined })
      : authorize(this.opts.store, user, { verb: nra?.verb ?? "", group: "", resource: "", nonResourceURL: nra?.path ?? "" });
    sendJson(res, 201, {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: body.spec ?? {},
      status: allowed ? { allowed: true, reason: "allowed by RBAC" } : { allowed: false },
    });
  }

  private serveNonResource(req: IncomingMessage, res: ServerResponse, path: string, url: URL): void {
    const segs = path.split("/").filter(Boolean);
    if (path === "/version") return sendJson(res, 200, SERVER_VERSION);
    if (path === "/api" || path === "/apis") {
      const accept = String(req.headers.accept ?? "");
      const wanted = accept.match(/g=apidiscovery\.k8s\.io;v=(v2|v2beta1);as=APIGroupDiscoveryList/);
      if (wanted) {
        const body = JSON.stringify(aggregatedDiscovery(path === "/api", `apidiscovery.k8s.io/${wanted[1]}`));
        res.writeHead(200, { "Content-Type": `application/json;g=apidiscovery.k8s.io;v=${wanted[1]};as=APIGroupDiscoveryList`, "Content-Length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      return sendJson(res, 200, path === "/api" ? apiVersions(this.address) : apiGroupList());
    }
    if (segs[0] === "openapi") return serveOpenApi(req, res, path, url);
    if (segs[0] === "api" && segs.length === 2) {
      const list = apiResourceList("", segs[1]!);
      if (list) return sendJson(res, 200, list);
    }
    if (segs[0] === "apis" && segs.length === 2) {
      const g = apiGroup(segs[1]!);
      if (g) return sendJson(res, 200, g);
    }
    if (segs[0] === "apis" && segs.length === 3) {
      const list = apiResourceList(segs[1]!, segs[2]!);
      if (list) return sendJson(res, 200, list);
    }
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  }
}
