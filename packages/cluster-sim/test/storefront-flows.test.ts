import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type SimCluster } from "../src/cluster/sim-cluster.ts";
import { scenarioFilePath } from "../src/scenarios/catalog.ts";
import { STOREFRONT } from "../src/dataplane/connections.ts";
import type { FlowLogRecord } from "../src/dataplane/flow-log-record.ts";
import { kubectlOk } from "./kubectl.ts";
import { actionOf, recordsOf } from "./flow-match.ts";

type Decider = { reporter: "src" | "dst"; entry: RegExp };
const twilioDeny: Decider = { reporter: "src", entry: /^\d+\|platform\|platform\.twilio-integration\|deny\|1$/ };
const pciIngress: Decider = { reporter: "dst", entry: /^\d+\|security\|security\.pci-whitelist\|deny\|0$/ };
const pciEgress: Decider = { reporter: "src", entry: /^\d+\|security\|security\.pci-whitelist\|deny\|2$/ };
const zone = (name: string): Decider => ({ reporter: "dst", entry: new RegExp(`^\\d+\\|default\\|storefront/default\\.${name}\\|deny\\|1$`) });

/** The storefront README stage table, with the policy that decides each denial. */
const STAGES: { stage: string; run: string[][]; denied: Record<string, Decider> }[] = [
  { stage: "A", run: [], denied: {} },
  { stage: "B", run: [["apply", "storefront/10-lab1-twilio-integration.yaml"]], denied: { S12: twilioDeny } },
  { stage: "C", run: [["apply", "storefront/20-lab3-zones.yaml"]], denied: { S12: twilioDeny } },
  {
    stage: "D",
    run: [["apply", "storefront/30-lab3-pci-whitelist.yaml"]],
    denied: { S2: pciIngress, S5: pciIngress, S7: pciEgress, S9: pciEgress, S12: twilioDeny },
  },
  {
    stage: "E",
    run: [["delete", "storefront/30-lab3-pci-whitelist.yaml"], ["apply", "storefront/40-lab2-rogue.yaml"]],
    denied: { S12: twilioDeny, R1: zone("dmz"), R2: zone("trusted"), R3: zone("trusted"), R4: zone("restricted"), R6: twilioDeny },
  },
];

describe("the storefront labs: each stage applied with kubectl gives the README's verdicts and deciding policies in the flow log", () => {
  let sim: SimCluster;
  const byStage = new Map<string, FlowLogRecord[]>();
  beforeAll(async () => {
    sim = await startCluster({ scenario: "storefront", clusterId: "storefront-test", rate: 0 });
  });
  afterAll(() => sim.stop());

  for (const s of STAGES) {
    it(`stage ${s.stage} denies ${Object.keys(s.denied).join(", ") || "nothing"} and allows every other flow`, async () => {
      for (const [verb, file] of s.run) await kubectlOk(sim.kubeconfigPath, [verb!, "-f", scenarioFilePath(file!)]);
      sim.advance(1);
      const records = sim.flush();
      byStage.set(s.stage, records);
      const rogue = s.stage === "E";
      const made = STOREFRONT.filter((c) => rogue || !c.id.startsWith("R"));
      const actual = Object.fromEntries(made.map((c) => [c.id, actionOf(recordsOf(sim, records, c))]));
      const expected = Object.fromEntries(made.map((c) => [c.id, c.id in s.denied ? "deny" : "allow"]));
      expect(actual).toEqual(expected);
      for (const [id, decider] of Object.entries(s.denied)) {
        const deny = recordsOf(sim, records, STOREFRONT.find((c) => c.id === id)!).find((r) => r.action === "deny")!;
        expect({ id, reporter: deny.reporter }).toEqual({ id, reporter: decider.reporter });
        expect(deny.policies.enforced_policies.at(-1)).toMatch(decider.entry);
      }
    });
  }

  it("counts every connection of an interval as a flow of its own (each gets a fresh source port)", () => {
    sim.advance(200);
    const allowed = sim.flush().filter((r) => r.action === "allow");
    expect(allowed.length).toBeGreaterThan(10);
    // with random source ports, 200 rounds repeated some connection's 5-tuple in most runs
    expect(allowed.filter((r) => r.num_flows !== 200).map((r) => `${r.source_name_aggr}->${r.dest_name_aggr}: ${r.num_flows}`)).toEqual([]);
  });

  it("keeps the IP a pod's manifest gives, also when applied with --server-side", async () => {
    await kubectlOk(sim.kubeconfigPath, ["apply", "--server-side", "-f", "-"], `apiVersion: v1
kind: Pod
metadata: {name: pinned, namespace: storefront, labels: {app: pinned}}
spec: {containers: [{name: pinned, image: storefront/pinned}]}
status: {podIP: 10.244.3.99}
`);
    const ip = await kubectlOk(sim.kubeconfigPath, ["get", "pod", "pinned", "-n", "storefront", "-o", "jsonpath={.status.podIP}"]);
    expect(ip).toBe("10.244.3.99");
    await kubectlOk(sim.kubeconfigPath, ["delete", "pod", "pinned", "-n", "storefront"]);
  });

  it("makes no rogue flows before the rogue pod exists", () => {
    const a = byStage.get("A")!;
    expect(a.some((r) => r.source_name_aggr.startsWith("rogue-"))).toBe(false);
  });

  it("reports outside addresses as Calico does: network set, public and private", () => {
    const a = byStage.get("A")!;
    const s1 = recordsOf(sim, a, STOREFRONT.find((c) => c.id === "S1")!);
    expect(s1.map((r) => r.reporter)).toEqual(["dst"]);
    expect(s1[0]).toMatchObject({ source_type: "ns", source_namespace: "-", source_name_aggr: "public", dest_name_aggr: "frontend-6d996fbd97-*" });
    const s13 = recordsOf(sim, a, STOREFRONT.find((c) => c.id === "S13")!);
    expect(s13.map((r) => r.reporter)).toEqual(["src"]);
    expect(s13[0]).toMatchObject({ dest_type: "net", dest_namespace: "-", dest_name_aggr: "pvt", source_name_aggr: "backend-55f7dc6b68-*" });
    const s10 = recordsOf(sim, a, STOREFRONT.find((c) => c.id === "S10")!);
    expect(s10[0]).toMatchObject({ dest_type: "ns", dest_name_aggr: "public", dest_domains: ["api.twilio.com"], dest_port: 443 });
  });

  it("lets a policy applied through the API decide the very next connection", async () => {
    await kubectlOk(sim.kubeconfigPath, ["apply", "-f", "-"], `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.block-logging}
spec:
  tier: security
  order: 1
  selector: app == 'logging'
  types: [Ingress]
  ingress: [{action: Deny}]
`);
    const [result] = sim.advance(1).filter((r) => r.id === "R5");
    expect(result!.verdict.action).toBe("deny");
    expect(result!.verdict.ingress!.policies.at(-1)).toMatch(/\|security\|security\.block-logging\|deny\|0$/);
  });

  it("keeps the verdict of a staged policy out of the enforced action and shows it in pending_policies", async () => {
    sim.flush();
    await kubectlOk(sim.kubeconfigPath, ["apply", "-f", "-"], `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: default.deny-to-m2, namespace: storefront}
spec:
  tier: default
  order: 1
  selector: app == 'microservice2'
  types: [Ingress]
  ingress: [{action: Deny}]
`);
    sim.advance(1);
    const s3 = recordsOf(sim, sim.flush(), STOREFRONT.find((c) => c.id === "S3")!);
    const dst = s3.find((r) => r.reporter === "dst")!;
    expect(dst.action).toBe("allow");
    expect(dst.policies.pending_policies.join(" ")).toMatch(/storefront\/default\.staged:deny-to-m2\|deny\|0/);
    expect(dst.policies.enforced_policies.join(" ")).not.toContain("staged:");
  });

  it("refuses an invalid Calico policy with a 422 naming every bad field", async () => {
    const { kubectl } = await import("./kubectl.ts");
    const r = await kubectl(sim.kubeconfigPath, ["apply", "-f", "-"], `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.broken}
spec:
  tier: platform
  selector: "app == "
  egress: [{action: Allw}]
`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("spec.selector");
    expect(r.stderr).toContain("spec.egress[0].action");
  });
});
