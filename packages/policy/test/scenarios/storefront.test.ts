import { describe, expect, it } from "vitest";
import { buildPolicySet, type Flow, type Resource, type Verdict } from "../../src/index.ts";
import { loadFixture } from "../support/fixtures.ts";

const F = { pod: "storefront/frontend-6d996fbd97-9g92v" };
const M1 = { pod: "storefront/microservice1-7599d8d8f-4mc98" };
const M2 = { pod: "storefront/microservice2-fddf7cff8-fggd2" };
const B = { pod: "storefront/backend-55f7dc6b68-8n9cc" };
const L = { pod: "storefront/logging-7bc4bfcff5-5x49j" };
const D = { pod: "kube-system/coredns-5d78c9869d-x7k2p" };
const R = { pod: "storefront/rogue-7f9c6d5b8-q2w4e" };
const P = { ip: "203.0.113.10" };
const T = { ip: "54.172.60.1" };
const X = { ip: "198.51.100.23" };
const V = { ip: "10.0.50.10" };

const tcp = (src: Flow["src"], dst: Flow["dst"], port: number, domains?: string[]): Flow =>
  domains ? { src, dst, protocol: "TCP", port, domains } : { src, dst, protocol: "TCP", port };

// The traffic generator's flows (README "Flows the traffic generator makes").
const FLOWS: Record<string, Flow> = {
  S1: tcp(P, F, 80),
  S2: tcp(F, M1, 8080),
  S3: tcp(F, M2, 8080),
  S4: tcp(M1, B, 5432),
  S5: tcp(M2, B, 5432),
  S6: tcp(F, L, 24224),
  S7: tcp(M1, L, 24224),
  S8: tcp(M2, L, 24224),
  S9: tcp(B, L, 24224),
  S10: tcp(M2, T, 443, ["api.twilio.com"]),
  "S11-F": { src: F, dst: D, protocol: "UDP", port: 53 },
  "S11-M1": { src: M1, dst: D, protocol: "UDP", port: 53 },
  "S11-M2": { src: M2, dst: D, protocol: "UDP", port: 53 },
  "S11-B": { src: B, dst: D, protocol: "UDP", port: 53 },
  "S11-L": { src: L, dst: D, protocol: "UDP", port: 53 },
  S12: tcp(M2, X, 443),
  S13: tcp(B, V, 443),
};
const ROGUE: Record<string, Flow> = {
  R1: tcp(R, F, 80),
  R2: tcp(R, M1, 8080),
  R3: tcp(R, M2, 8080),
  R4: tcp(R, B, 5432),
  R5: tcp(R, L, 24224),
  R6: tcp(R, X, 443),
};

const load = (...files: string[]): Resource[] => files.flatMap((f) => loadFixture(`storefront/${f}`));
const A = ["00-cluster.yaml", "01-environment.yaml"];
const Bs = [...A, "10-lab1-twilio-integration.yaml"];
const C = [...Bs, "20-lab3-zones.yaml"];
const Ds = [...C, "30-lab3-pci-whitelist.yaml"];
const E = [...C, "40-lab2-rogue.yaml"];

function denied(files: string[], flows: Record<string, Flow>): string[] {
  const set = buildPolicySet(load(...files));
  return Object.entries(flows)
    .filter(([, f]) => set.evaluate(f).action === "deny")
    .map(([id]) => id);
}

function verdict(files: string[], flow: Flow): Verdict {
  return buildPolicySet(load(...files)).evaluate(flow);
}

/** The trace entry that decided a side: its last entry. */
const decider = (side: { policies: string[] } | null | undefined) => side?.policies.at(-1);

describe("storefront labs: the verdict tables", () => {
  it("stage A denies none of S1-S13", () => {
    expect(denied(A, FLOWS)).toEqual([]);
  });
  it("stage B (lab 1) denies only S12", () => {
    expect(denied(Bs, FLOWS)).toEqual(["S12"]);
  });
  it("stage C (lab 3 zones) denies only S12", () => {
    expect(denied(C, FLOWS)).toEqual(["S12"]);
  });
  it("stage D (PCI whitelist) denies S2, S5, S7, S9 and S12", () => {
    expect(denied(Ds, FLOWS)).toEqual(["S2", "S5", "S7", "S9", "S12"]);
  });
  it("stage E (rogue pod) denies S12 and R1-R4 and R6, allowing R5", () => {
    expect(denied(E, { ...FLOWS, ...ROGUE })).toEqual(["S12", "R1", "R2", "R3", "R4", "R6"]);
  });
});

describe("storefront labs: the deciding tier and policy", () => {
  it("stage B: S12 is denied at the source's egress by twilio-integration's Deny rule after security passes", () => {
    const v = verdict(Bs, FLOWS.S12!);
    expect(v.ingress).toBeNull();
    expect(v.egress).toEqual({
      action: "deny",
      policies: ["0|security|security.pass|pass|0", "1|platform|platform.twilio-integration|deny|1"],
    });
  });

  it("stage B: S10 is allowed by twilio-integration's domain rule before its Deny rule", () => {
    expect(decider(verdict(Bs, FLOWS.S10!).egress)).toBe("1|platform|platform.twilio-integration|allow|0");
  });

  it("stage B: in-cluster egress passes the platform tier and reaches the namespace profile", () => {
    const v = verdict(Bs, FLOWS.S3!);
    expect(v.egress?.policies).toEqual([
      "0|security|security.pass|pass|0",
      "1|platform|platform.pass|pass|0",
      "2|__PROFILE__|__PROFILE__.kns.storefront|allow|0",
    ]);
  });

  it("logging and kube-dns flows are allowed in the platform tier before the zones see them", () => {
    for (const id of ["S6", "S7", "S8", "S9"]) {
      const v = verdict(C, FLOWS[id]!);
      expect(decider(v.egress)).toBe("1|platform|platform.logging|allow|0");
      expect(decider(v.ingress)).toBe("1|platform|platform.logging|allow|0");
    }
    for (const id of ["S11-F", "S11-M1", "S11-M2", "S11-B", "S11-L"])
      expect(decider(verdict(C, FLOWS[id]!).egress)).toBe("1|platform|platform.allow-kube-dns|allow|0");
  });

  it("stage C: an internet user reaches the dmz through the global network set and namespaceSelector global()", () => {
    const v = verdict(C, FLOWS.S1!);
    expect(v.egress).toBeNull();
    expect(decider(v.ingress)).toBe("2|default|storefront/default.dmz|allow|0");
  });

  it("stage D: S2 and S5 are denied at the destination's ingress by security.pci-whitelist", () => {
    for (const id of ["S2", "S5"]) {
      const v = verdict(Ds, FLOWS[id]!);
      expect(v.egress?.action).toBe("allow");
      expect(v.ingress).toEqual({ action: "deny", policies: ["0|security|security.pci-whitelist|deny|0"] });
    }
  });

  it("stage D: S7 and S9 are denied at the source's egress by security.pci-whitelist", () => {
    for (const id of ["S7", "S9"]) {
      const v = verdict(Ds, FLOWS[id]!);
      expect(v.egress).toEqual({ action: "deny", policies: ["0|security|security.pci-whitelist|deny|2"] });
    }
  });

  it("stage D: S13 to an address in no network set stays allowed (no selector matches it)", () => {
    const v = verdict(Ds, FLOWS.S13!);
    expect(v.action).toBe("allow");
    expect(v.egress?.policies).toEqual([
      "0|security|security.pass|pass|0",
      "1|platform|platform.pass|pass|0",
      "2|default|storefront/default.restricted|allow|0",
    ]);
  });

  it("stage E: R1-R4 are denied by the zones' ingress Deny rules in the default tier", () => {
    const expected: Record<string, string> = {
      R1: "2|default|storefront/default.dmz|deny|1",
      R2: "2|default|storefront/default.trusted|deny|1",
      R3: "2|default|storefront/default.trusted|deny|1",
      R4: "2|default|storefront/default.restricted|deny|1",
    };
    for (const [id, entry] of Object.entries(expected)) {
      const v = verdict(E, ROGUE[id]!);
      expect(v.egress?.action).toBe("allow");
      expect(v.ingress).toEqual({
        action: "deny",
        policies: ["0|security|security.pass|pass|0", "1|platform|platform.pass|pass|0", entry],
      });
    }
  });

  it("stage E: R5 is allowed by platform.logging and R6 denied in the platform tier", () => {
    expect(decider(verdict(E, ROGUE.R5!).ingress)).toBe("1|platform|platform.logging|allow|0");
    expect(decider(verdict(E, ROGUE.R6!).egress)).toBe("1|platform|platform.twilio-integration|deny|1");
  });

  it("without staged policies the pending verdict equals the enforced one", () => {
    const v = verdict(Ds, FLOWS.S2!);
    expect(v.pending).toEqual({ action: v.action, egress: v.egress, ingress: v.ingress });
  });
});
