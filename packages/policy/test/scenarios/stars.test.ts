import { describe, expect, it } from "vitest";
import { buildPolicySet, type Resource } from "../../src/index.ts";
import { loadFixture } from "../support/fixtures.ts";

const UI = "management-ui/management-ui";
const FRONTEND = "stars/frontend";
const BACKEND = "stars/backend";
const CLIENT = "client/client";

// The demo's connections (README "Connections the demo makes").
const CONNECTIONS: Record<number, [string, string, number]> = {
  1: [UI, FRONTEND, 80],
  2: [UI, BACKEND, 6379],
  3: [UI, CLIENT, 9000],
  4: [FRONTEND, FRONTEND, 80],
  5: [FRONTEND, BACKEND, 6379],
  6: [FRONTEND, CLIENT, 9000],
  7: [BACKEND, FRONTEND, 80],
  8: [BACKEND, BACKEND, 6379],
  9: [BACKEND, CLIENT, 9000],
  10: [CLIENT, FRONTEND, 80],
  11: [CLIENT, BACKEND, 6379],
};

const workloads = (): Resource[] =>
  ["00-namespace.yaml", "01-management-ui.yaml", "02-backend.yaml", "03-frontend.yaml", "04-client.yaml"].flatMap((f) => loadFixture(`stars/${f}`));
const stage1 = (): Resource[] => [...workloads(), ...loadFixture("stars/10-default-deny.yaml", "stars"), ...loadFixture("stars/10-default-deny.yaml", "client")];
const stage2 = (): Resource[] => [...stage1(), ...loadFixture("stars/11-allow-ui.yaml"), ...loadFixture("stars/12-allow-ui-client.yaml")];
const stage3 = (): Resource[] => [...stage2(), ...loadFixture("stars/20-backend-policy.yaml"), ...loadFixture("stars/21-frontend-policy.yaml")];

const STAGES: Array<[string, () => Resource[], number[]]> = [
  ["0 (workloads only)", workloads, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ["1 (default-deny in stars and client)", stage1, []],
  ["2 (allow-ui)", stage2, [1, 2, 3]],
  ["3 (backend and frontend policies)", stage3, [1, 2, 3, 5, 10]],
];

describe("Stars demo", () => {
  for (const [name, resources, allowed] of STAGES) {
    it(`stage ${name} allows exactly connections ${allowed.join(", ") || "none"}`, () => {
      const set = buildPolicySet(resources());
      const got: number[] = [];
      for (const [n, [src, dst, port]] of Object.entries(CONNECTIONS)) {
        const v = set.evaluate({ src: { pod: src }, dst: { pod: dst }, protocol: "TCP", port });
        if (v.action === "allow") got.push(Number(n));
      }
      expect(got).toEqual(allowed);
    });
  }

  it("default-deny isolates ingress only, so egress stays with the profile", () => {
    const v = buildPolicySet(stage1()).evaluate({ src: { pod: CLIENT }, dst: { pod: BACKEND }, protocol: "TCP", port: 6379 });
    expect(v.egress?.policies).toEqual(["0|__PROFILE__|__PROFILE__.kns.client|allow|0"]);
    expect(v.ingress).toEqual({ action: "deny", policies: ["0|default|stars/knp.default.default-deny|deny|-1"] });
  });

  it("stage 3 admits frontend to backend through backend-policy's rule", () => {
    const v = buildPolicySet(stage3()).evaluate({ src: { pod: FRONTEND }, dst: { pod: BACKEND }, protocol: "TCP", port: 6379 });
    expect(v.ingress?.policies).toEqual(["0|default|stars/knp.default.backend-policy|allow|0"]);
  });
});
