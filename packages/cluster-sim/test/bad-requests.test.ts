import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiCluster } from "../src/cluster/api-cluster.ts";
import { rawRequest } from "./raw-request.ts";

describe("bad requests get a Kubernetes Status and change nothing", () => {
  let sim: ApiCluster;
  beforeAll(async () => {
    sim = new ApiCluster({ clusterId: "bad-requests" });
    await sim.start();
  });
  afterAll(() => sim.stop());

  it.each([
    ["POST", "/api/v1/namespaces/default/configmaps", 400, "BadRequest", "{not json", {}],
    ["POST", "/api/v1/namespaces/nowhere/configmaps", 404, "NotFound", { metadata: { name: "x" } }, {}],
    ["POST", "/api/v1/namespaces/default/configmaps", 422, "Invalid", { metadata: { name: "Bad_Name" } }, {}],
    ["POST", "/api/v1/namespaces/default/configmaps", 400, "BadRequest", { kind: "Secret", metadata: { name: "x" } }, {}],
    ["PATCH", "/api/v1/namespaces/default/serviceaccounts/default", 415, "UnsupportedMediaType", "{}", { "Content-Type": "text/plain" }],
    ["PATCH", "/api/v1/namespaces/default/serviceaccounts/default", 400, "BadRequest", { op: "add" }, { "Content-Type": "application/json-patch+json" }],
    ["PATCH", "/api/v1/namespaces/default/serviceaccounts/default", 422, "Invalid", [{ op: "replace", path: "/nope/deeper", value: 1 }], { "Content-Type": "application/json-patch+json" }],
    ["PATCH", "/api/v1/namespaces/default/serviceaccounts/default", 400, "BadRequest", { metadata: {} }, { "Content-Type": "application/apply-patch+yaml" }],
    ["GET", "/apis/example.com/v1/widgets", 404, "NotFound", undefined, {}],
    ["GET", "/api/v1/namespaces/default/pods?labelSelector=a%3D(", 400, "BadRequest", undefined, {}],
    ["GET", "/api/v1/pods?fieldSelector=spec.containers%3Dx", 400, "BadRequest", undefined, {}],
  ])("%s %s answers %i %s", async (method, path, code, reason, body, headers) => {
    const before = sim.store.resourceVersion;
    const r = await rawRequest(sim, method, path, body, headers as Record<string, string>);
    expect(r.status).toBe(code);
    expect(r.body).toMatchObject({ kind: "Status", status: "Failure", code, reason });
    expect(sim.store.resourceVersion).toBe(before);
  });
});
