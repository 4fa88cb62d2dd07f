import { describe, expect, it } from "vitest";
import { labelSelectorMatches, parseLabelSelector } from "./label-selector.ts";
import { parseFieldSelector } from "./field-selector.ts";
import type { KubeObject } from "./kube-object.ts";

describe("label selectors as ?labelSelector= carries them", () => {
  const l = { app: "web", tier: "front", canary: "" };
  it.each([
    ["app=web", true],
    ["app==web,tier=front", true],
    ["app!=web", false],
    ["app in (web, api)", true],
    ["tier notin (front)", false],
    ["canary", true],
    ["!canary", false],
    ["!missing,app", true],
    ["missing!=x", true],
  ])("%s matches %s", (sel, expected) => {
    expect(parseLabelSelector(sel)(l)).toBe(expected);
  });

  it("refuses a malformed requirement with 400", () => {
    expect(() => parseLabelSelector("app=(x")).toThrowError(/unable to parse requirement/);
  });

  it("evaluates matchLabels and matchExpressions as a Deployment selector", () => {
    expect(labelSelectorMatches({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] }, l)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] }, l)).toBe(false);
  });
});

describe("field selectors", () => {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "a", namespace: "ns" }, spec: { nodeName: "n1" }, status: { phase: "Running" } } as KubeObject;
  it("selects by metadata.name, metadata.namespace, spec.nodeName and status.phase", () => {
    expect(parseFieldSelector("metadata.name=a,metadata.namespace=ns")(pod)).toBe(true);
    expect(parseFieldSelector("spec.nodeName!=n1")(pod)).toBe(false);
    expect(parseFieldSelector("status.phase=Running")(pod)).toBe(true);
  });
  it("refuses a field the API server does not index", () => {
    expect(() => parseFieldSelector("spec.containers=x")).toThrowError(/field label not supported/);
  });
});
