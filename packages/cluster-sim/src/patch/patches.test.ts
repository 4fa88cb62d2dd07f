import { describe, expect, it } from "vitest";
import { strategicMergePatch } from "./strategic-merge-patch.ts";
import { mergePatch } from "./merge-patch.ts";

const deployment = {
  spec: {
    template: {
      spec: {
        containers: [
          { name: "app", image: "app:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }], ports: [{ containerPort: 80 }] },
          { name: "sidecar", image: "side:1" },
        ],
      },
    },
  },
};

describe("strategic merge patch", () => {
  it("merges containers by name and env by name, keeping the other items", () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: "app", image: "app:2", env: [{ name: "B", value: "3" }] }] } } },
    }) as typeof deployment;
    const [app, side] = out.spec.template.spec.containers;
    expect(app).toEqual({ name: "app", image: "app:2", env: [{ name: "A", value: "1" }, { name: "B", value: "3" }], ports: [{ containerPort: 80 }] });
    expect(side).toEqual({ name: "sidecar", image: "side:1" });
  });

  it("deletes a list item with $patch: delete and a field with null", () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }, { name: "app", ports: null }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers).toEqual([{ name: "app", image: "app:1", env: deployment.spec.template.spec.containers[0]!.env }]);
  });

  it("replaces lists without a merge key, such as NetworkPolicy rules", () => {
    const np = { spec: { ingress: [{ from: [{ podSelector: {} }] }, { ports: [{ port: 80 }] }] } };
    expect(strategicMergePatch(np, { spec: { ingress: [{ ports: [{ port: 443 }] }] } })).toEqual({ spec: { ingress: [{ ports: [{ port: 443 }] }] } });
  });

  it("orders merged items by $setElementOrder", () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "app" }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(["sidecar", "app"]);
  });
});

describe("JSON merge patch", () => {
  it("replaces lists whole and removes keys set to null", () => {
    expect(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({ a: [3], b: { d: 2 } });
  });
});
