// The walk keys each verdict by its path through the applying tiers (which rule, or the end of
// the tier, each visited tier stopped at). These cases reach the three ways the key is kept
// (a dense table, a number in a map, text past 2^53 paths) and check the traces stay exact.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Flow, type Resource, type Rule } from "../../src/index.ts";
import { gnp, namespace, pod, tier } from "../support/cluster.ts";

function cluster(tiers: number): Resource[] {
  const out: Resource[] = [namespace("a"), pod("a/web", { app: "web" }, { ip: "10.0.0.1" }), pod("a/db", { app: "db" }, { ip: "10.0.0.2" })];
  for (let t = 0; t < tiers; t++) {
    const rules: Rule[] = [];
    // 19 rules that deny one port each, then a Pass: 21 ways out of each tier.
    for (let i = 0; i < 19; i++) rules.push({ action: "Deny", protocol: "TCP", destination: { ports: [1000 + 100 * t + i] } });
    rules.push({ action: "Pass", protocol: "TCP" });
    out.push(tier(`t${t}`, t + 1, "Deny"), gnp(`t${t}.p`, { tier: `t${t}`, selector: "app == 'db'", types: ["Ingress"], ingress: rules }));
  }
  return out;
}
const to = (port: number, protocol = "TCP"): Flow => ({ src: { pod: "a/web" }, dst: { pod: "a/db" }, protocol, port });

describe("verdicts by path", () => {
  it.each([
    ["a dense table", 2],
    ["a map of numbers", 3],
    ["a map of texts", 13],
  ])("keeps every path apart with %s (%i tiers of 20 rules)", (_, tiers) => {
    const set = buildPolicySet(cluster(tiers), { verdictCacheEntries: 0 });
    for (let round = 0; round < 2; round++) {
      const through = set.evaluate(to(80)).ingress!;
      expect(through.action).toBe("allow");
      expect(through.policies).toEqual([...Array.from({ length: tiers }, (_, t) => `${t}|t${t}|t${t}.p|pass|19`), `${tiers}|__PROFILE__|__PROFILE__.kns.a|allow|0`]);
      const last = tiers - 1;
      const deniedLast = set.evaluate(to(1000 + 100 * last + 7)).ingress!;
      expect(deniedLast.action).toBe("deny");
      expect(deniedLast.policies.at(-1)).toBe(`${last}|t${last}|t${last}.p|deny|7`);
      expect(deniedLast.policies).toHaveLength(tiers);
      expect(set.evaluate(to(1003)).ingress!.policies).toEqual(["0|t0|t0.p|deny|3"]);
      expect(set.evaluate(to(53, "UDP")).ingress!.policies).toEqual(["0|t0|t0.p|deny|-1"]);
    }
  });
});
