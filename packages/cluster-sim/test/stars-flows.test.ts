import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type SimCluster } from "../src/cluster/sim-cluster.ts";
import { scenarioFilePath } from "../src/scenarios/catalog.ts";
import { STARS } from "../src/dataplane/connections.ts";
import { kubectlOk } from "./kubectl.ts";
import { actionOf, recordsOf } from "./flow-match.ts";

const all = STARS.map((c) => c.id);

/** The Stars README stage table: which connections each stage allows. */
const STAGES: { stage: number; apply: string[][]; allowed: string[] }[] = [
  { stage: 0, apply: [], allowed: all },
  { stage: 1, apply: [["-n", "stars", "-f", "stars/10-default-deny.yaml"], ["-n", "client", "-f", "stars/10-default-deny.yaml"]], allowed: [] },
  { stage: 2, apply: [["-f", "stars/11-allow-ui.yaml"], ["-f", "stars/12-allow-ui-client.yaml"]], allowed: ["1", "2", "3"] },
  { stage: 3, apply: [["-f", "stars/20-backend-policy.yaml"], ["-f", "stars/21-frontend-policy.yaml"]], allowed: ["1", "2", "3", "5", "10"] },
];

describe("the Stars demo: each stage applied with kubectl apply -f gives the README's verdicts in the flow log", () => {
  let sim: SimCluster;
  let flowLog: string;
  const byStage = new Map<number, ReturnType<SimCluster["flush"]>>();
  beforeAll(async () => {
    flowLog = join(mkdtempSync(join(tmpdir(), "stars-flows-")), "flows.log");
    sim = await startCluster({ scenario: "stars", clusterId: "stars-test", rate: 0, flowLogPath: flowLog });
  });
  afterAll(() => sim.stop());

  for (const s of STAGES) {
    it(`stage ${s.stage} allows ${s.allowed.length ? s.allowed.join(", ") : "none"} and denies the rest`, async () => {
      for (const args of s.apply) {
        const file = args.at(-1)!;
        await kubectlOk(sim.kubeconfigPath, ["apply", ...args.slice(0, -1), scenarioFilePath(file)]);
      }
      sim.advance(2);
      const records = sim.flush();
      byStage.set(s.stage, records);
      const actual = Object.fromEntries(STARS.map((c) => [c.id, actionOf(recordsOf(sim, records, c))]));
      const expected = Object.fromEntries(STARS.map((c) => [c.id, s.allowed.includes(c.id) ? "allow" : "deny"]));
      expect(actual).toEqual(expected);
    });
  }

  it("scales a Deployment with kubectl scale through the scale subresource", async () => {
    await kubectlOk(sim.kubeconfigPath, ["scale", "deployment/client", "-n", "client", "--replicas=2"]);
    await kubectlOk(sim.kubeconfigPath, ["rollout", "status", "deployment/client", "-n", "client", "--timeout=20s"]);
    expect(sim.pods("client", { role: "client" })).toHaveLength(2);
    const d = JSON.parse(await kubectlOk(sim.kubeconfigPath, ["get", "deploy", "client", "-n", "client", "-o", "json"]));
    expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it("writes Calico flow-log JSON lines to the file, one record per reporter, aggregated by pod prefix when allowed", () => {
    const lines = readFileSync(flowLog, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual(sim.flowLogs());
    const conn1 = STARS[0]!;
    // Stage 0 (first flush): connection 1 allowed, seen by both the source's and the destination's node.
    const stage0 = byStage.get(0)!;
    const recs = recordsOf(sim, stage0, conn1);
    expect(recs.map((r) => r.reporter).sort()).toEqual(["dst", "src"]);
    const dst = recs.find((r) => r.reporter === "dst")!;
    expect(dst).toMatchObject({
      source_type: "wep",
      source_namespace: "management-ui",
      source_name: "-",
      source_ip: null,
      source_port: null,
      dest_type: "wep",
      dest_namespace: "stars",
      dest_name: "-",
      dest_ip: null,
      dest_port: 80,
      dest_service_namespace: "stars",
      dest_service_name: "frontend",
      dest_service_port_num: 80,
      proto: "tcp",
      action: "allow",
      num_flows: 2,
      num_flows_started: 2,
      policies: { enforced_policies: ["0|__PROFILE__|__PROFILE__.kns.stars|allow|0"], pending_policies: ["0|__PROFILE__|__PROFILE__.kns.stars|allow|0"] },
    });
    expect(dst.source_name_aggr).toMatch(/^management-ui-[a-z0-9]+-\*$/);
    expect(dst.source_labels?.labels).toContain("role=management-ui");
    for (const k of ["start_time", "end_time", "bytes_in", "bytes_out", "packets_in", "packets_out", "host", "dest_domains", "dest_labels"]) expect(dst).toHaveProperty(k);
  });

  it("keeps names and IPs of denied flows and aggregates them by source port, with the deciding policy in the trace", () => {
    const last = byStage.get(3)!;
    const conn11 = STARS.find((c) => c.id === "11")!;
    const denied = recordsOf(sim, last, conn11).find((r) => r.action === "deny")!;
    expect(denied.reporter).toBe("dst");
    expect(denied.source_name).toMatch(/^client-/);
    expect(denied.source_ip).toMatch(/^10\.244\./);
    expect(denied.source_port).toBeNull();
    expect(denied.num_flows).toBe(2);
    // Kubernetes policies isolate backend for ingress; nothing admits client, so the default tier's end denies.
    expect(denied.policies.enforced_policies.at(-1)).toMatch(/^\d+\|default\|stars\/knp\.default\.[a-z-]+\|deny\|-1$/);
  });
});
