import { describe, expect, it } from "vitest";
import { decidingEntry, directionOf, isStagedName, parseTraceEntry, traceOf } from "./trace.ts";

describe("policy traces", () => {
  it("parses Calico's entries and refuses what is not one", () => {
    expect(parseTraceEntry("2|default|storefront/default.trusted|deny|1")).toEqual({ index: 2, tier: "default", name: "storefront/default.trusted", action: "deny", rule: 1 });
    expect(parseTraceEntry("0|security|security.pass|pass|-1")).toMatchObject({ action: "pass", rule: -1 });
    for (const bad of ["", "1|t|n|allow", "x|t|n|allow|0", "1|t|n|log|0", "1||n|allow|0"]) expect(parseTraceEntry(bad)).toBeNull();
  });

  it("takes the last allow or deny of the enforced trace as the deciding entry", () => {
    expect(decidingEntry(["0|security|security.pass|pass|0", "1|platform|platform.logging|allow|0"])).toMatchObject({ name: "platform.logging" });
    expect(decidingEntry(["0|security|security.pass|pass|0"])).toBeNull();
    expect(decidingEntry([])).toBeNull();
  });

  it("reads the traces of Calico Enterprise and OSS records", () => {
    expect(traceOf({ policies: { enforced_policies: ["a"], pending_policies: ["b"] } })).toEqual({ enforced: ["a"], pending: ["b"] });
    expect(traceOf({ policies: { all_policies: ["a"] } })).toEqual({ enforced: ["a"], pending: [] });
    expect(traceOf({})).toEqual({ enforced: [], pending: [] });
  });

  it("knows staged names in each of Calico's forms, and the direction from the reporter", () => {
    for (const staged of ["storefront/default.staged:frontend", "security.staged:pci", "storefront/staged:knp.default.allow-web"]) expect(isStagedName(staged)).toBe(true);
    for (const enforced of ["storefront/default.frontend", "platform.pass", "storefront/knp.default.staged-rollout", "__PROFILE__.kns.storefront"]) expect(isStagedName(enforced)).toBe(false);
    expect([directionOf("dst"), directionOf("src")]).toEqual(["ingress", "egress"]);
  });
});
