import type { SubresourceHandler } from "../api/resource-handlers.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { RESOURCE_TYPES } from "../api/resource-types.ts";
import { badRequest } from "../api/status.ts";
import { parseBody, readBody, sendJson } from "../api/http-io.ts";
import { mergePatch } from "../patch/merge-patch.ts";
import fastJsonPatch from "fast-json-patch";

const DEPLOY = RESOURCE_TYPES.find((t) => t.kind === "Deployment")!;

/** deployments/NAME/scale as `kubectl scale` uses it: an autoscaling/v1 Scale read and written. */
export function deploymentScaleHandler(store: ObjectStore): SubresourceHandler {
  return async ({ req, res, info }) => {
    const ns = info.namespace!;
    const name = info.name!;
    const view = () => {
      const d = store.get(DEPLOY, ns, name);
      const spec = d.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
      return {
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: { name, namespace: ns, uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp },
        spec: { replicas: spec.replicas ?? 1 },
        status: { replicas: (d.status as { replicas?: number } | undefined)?.replicas ?? 0, selector: Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(",") },
      };
    };
    if (req.method === "GET") return sendJson(res, 200, view());
    const body = parseBody(await readBody(req), req.headers["content-type"]);
    let next: { spec?: { replicas?: number } };
    if (req.method === "PUT") next = body as typeof next;
    else if (req.method === "PATCH") {
      const type = String(req.headers["content-type"] ?? "");
      next = type.includes("json-patch") ? fastJsonPatch.applyPatch(view(), body as fastJsonPatch.Operation[], false, false).newDocument : (mergePatch(view(), body) as typeof next);
    } else throw badRequest(`${req.method} is not supported on deployments/scale`);
    const replicas = next?.spec?.replicas;
    if (typeof replicas !== "number" || replicas < 0 || !Number.isInteger(replicas)) throw badRequest("spec.replicas must be a non-negative integer");
    const d = store.get(DEPLOY, ns, name);
    store.update(DEPLOY, { ...d, spec: { ...(d.spec as object), replicas } }, { keepStatus: true });
    sendJson(res, 200, view());
  };
}
