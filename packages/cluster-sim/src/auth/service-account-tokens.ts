import { randomBytes } from "node:crypto";
import type { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import type { SubresourceHandler } from "../api/resource-handlers.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { ApiError, notFound } from "../api/status.ts";
import { parseBody, readBody, sendJson } from "../api/http-io.ts";
import { serviceAccountUser, type TokenRegistry } from "./users.ts";

const SA = RESOURCE_TYPES.find((t) => t.kind === "ServiceAccount")!;
const SECRET = RESOURCE_TYPES.find((t) => t.kind === "Secret")!;
const TOKEN_TYPE = "kubernetes.io/service-account-token";

/**
 * POST .../serviceaccounts/NAME/token (TokenRequest, what `kubectl create token` calls): a new
 * bearer token for the service account. Tokens are opaque here, not JWTs, and do not expire.
 */
export function tokenRequestHandler(store: ObjectStore, tokens: TokenRegistry): SubresourceHandler {
  return async ({ req, res, info }) => {
    if (req.method !== "POST") throw new ApiError(405, "MethodNotAllowed", "only POST is allowed on serviceaccounts/token");
    const ns = info.namespace!;
    const name = info.name!;
    if (!store.peek(SA, ns, name)) throw notFound("serviceaccounts", "", name);
    const body = (parseBody(await readBody(req), req.headers["content-type"]) ?? {}) as { spec?: { expirationSeconds?: number; audiences?: string[] } };
    const token = randomBytes(32).toString("base64url");
    tokens.add(token, serviceAccountUser(ns, name));
    const seconds = body.spec?.expirationSeconds ?? 3600;
    sendJson(res, 201, {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name, namespace: ns, creationTimestamp: store.timestamp() },
      spec: { audiences: body.spec?.audiences ?? ["https://kubernetes.default.svc"], expirationSeconds: seconds, boundObjectRef: null },
      status: { token, expirationTimestamp: new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") },
    });
  };
}

/**
 * The token controller: a Secret of type kubernetes.io/service-account-token annotated with
 * kubernetes.io/service-account.name gets `token`, `namespace` and `ca.crt`, and the token works.
 */
export function runTokenSecretController(store: ObjectStore, tokens: TokenRegistry, caPem: string): () => void {
  const issued = new Map<string, string>();
  return store.subscribe((e) => {
    if (e.resource.kind !== "Secret") return;
    const s = e.object as KubeObject & { type?: string; data?: Record<string, string> };
    const key = `${s.metadata.namespace}/${s.metadata.name}`;
    if (e.type === "DELETED") {
      const t = issued.get(key);
      if (t) tokens.remove(t);
      issued.delete(key);
      return;
    }
    const saName = s.metadata.annotations?.["kubernetes.io/service-account.name"];
    if (s.type !== TOKEN_TYPE || !saName || s.data?.token) return;
    setImmediate(() => {
      const cur = store.peek(SECRET, s.metadata.namespace, s.metadata.name) as (KubeObject & { data?: Record<string, string> }) | undefined;
      if (!cur || cur.data?.token) return;
      const token = randomBytes(32).toString("base64url");
      tokens.add(token, serviceAccountUser(s.metadata.namespace!, saName));
      issued.set(key, token);
      const b64 = (x: string) => Buffer.from(x).toString("base64");
      store.update(SECRET, { ...structuredClone(cur), data: { ...cur.data, token: b64(token), namespace: b64(s.metadata.namespace!), "ca.crt": b64(caPem) } });
    });
  });
}
