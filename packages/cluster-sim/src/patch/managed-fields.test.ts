import { describe, expect, it } from "vitest";
import { recordUpdate, serverSideApply } from "./managed-fields.ts";
import type { KubeObject } from "../store/kube-object.ts";

const cm = (data: Record<string, string>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", namespace: "d", ...(labels ? { labels } : {}) },
  data,
});

describe("managed fields", () => {
  it("records the fields an update changed under its manager in FieldsV1", () => {
    const next = cm({ a: "1" }, { app: "x" });
    recordUpdate(undefined, next, "kubectl-create", "2026-01-01T00:00:00Z");
    expect(next.metadata.managedFields).toEqual([
      { manager: "kubectl-create", operation: "Update", apiVersion: "v1", time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} }, "f:metadata": { "f:labels": { "f:app": {} } } } },
    ]);
  });

  it("lets two appliers share a field they agree on and keeps it while either still applies it", () => {
    const one = serverSideApply(undefined, cm({ a: "1", b: "2" }), "one", false, "t");
    const both = serverSideApply(one, cm({ a: "1" }), "two", false, "t");
    const oneLeaves = serverSideApply(both, cm({ b: "2" }), "one", false, "t");
    expect(oneLeaves.data).toEqual({ a: "1", b: "2" });
    const twoLeaves = serverSideApply(oneLeaves, cm({ z: "9" }), "two", false, "t");
    expect(twoLeaves.data).toEqual({ b: "2", z: "9" });
  });

  it("moves a field to the forcing manager, which the previous owner can then no longer remove", () => {
    const one = serverSideApply(undefined, cm({ a: "1" }), "one", false, "t");
    expect(() => serverSideApply(one, cm({ a: "2" }), "two", false, "t")).toThrowError(/conflict with "one"/);
    const forced = serverSideApply(one, cm({ a: "2" }), "two", true, "t");
    const oneDrops = serverSideApply(forced, cm({}), "one", false, "t");
    expect(oneDrops.data).toEqual({ a: "2" });
  });
});
