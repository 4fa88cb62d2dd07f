import { CONTROLS, type Check } from "./checks.ts";
import { NODES } from "../cluster/bootstrap.ts";

type Status = "PASS" | "FAIL" | "WARN" | "INFO";

/**
 * The fixed outcome of each check per node: the control plane node fails 1.2.16 and 4.2.6 and
 * warns on manual checks; the worker fails 4.1.5 and 4.2.1. Unscored (manual) checks are WARN or INFO,
 * as kube-bench reports them.
 */
const FAILS: Record<string, string[]> = {
  "sim-node-1": ["1.2.16", "4.2.6"],
  "sim-node-2": ["4.1.5", "4.2.1"],
};
const INFOS = ["1.2.1", "5.3.1"];

function statusOf(node: string, check: Check): Status {
  if (!check.scored) return INFOS.includes(check.id) ? "INFO" : "WARN";
  return FAILS[node]?.includes(check.id) ? "FAIL" : "PASS";
}

/** kube-bench's `--json` output for one node (control groups it would run there). */
export function kubeBenchResult(node: string, controlPlane: boolean) {
  const totals = { total_pass: 0, total_fail: 0, total_warn: 0, total_info: 0 };
  const controls = CONTROLS.filter((g) => controlPlane || g.nodeType === "node").map((g) => {
    const gt = { total_pass: 0, total_fail: 0, total_warn: 0, total_info: 0 };
    const tests = g.sections.map((s) => {
      const counts = { pass: 0, fail: 0, warn: 0, info: 0 };
      const results = s.checks.map((check) => {
        const status = statusOf(node, check);
        counts[status.toLowerCase() as keyof typeof counts]++;
        return {
          test_number: check.id,
          test_desc: check.desc,
          audit: check.audit,
          AuditEnv: "",
          AuditConfig: "",
          type: check.scored ? "" : "manual",
          remediation: check.remediation,
          test_info: [check.remediation],
          status,
          actual_value: status === "PASS" ? check.expected : "",
          scored: check.scored,
          IsMultiple: false,
          expected_result: check.expected,
          reason: status === "FAIL" ? `${check.expected}: not satisfied on ${node}` : "",
        };
      });
      gt.total_pass += counts.pass;
      gt.total_fail += counts.fail;
      gt.total_warn += counts.warn;
      gt.total_info += counts.info;
      return { section: s.id, type: "", ...counts, desc: s.desc, results };
    });
    totals.total_pass += gt.total_pass;
    totals.total_fail += gt.total_fail;
    totals.total_warn += gt.total_warn;
    totals.total_info += gt.total_info;
    return { id: g.id, version: "cis-1.8", detected_version: "1.30", text: g.text, node_type: g.nodeType, tests, ...gt };
  });
  return { Controls: controls, Totals: totals };
}

/** One result per node of the simulated cluster; sim-node-1 is the control plane. */
export function kubeBenchResults(): Record<string, ReturnType<typeof kubeBenchResult>> {
  return Object.fromEntries(NODES.map((n, i) => [n.name, kubeBenchResult(n.name, i === 0)]));
}

/**
 * Where a kube-bench job leaves its output here: one ConfigMap per node in kube-system, named
 * `kube-bench-<node>`, labelled app=kube-bench, with the JSON under `results.json`.
 */
export function kubeBenchConfigMaps() {
  return Object.entries(kubeBenchResults()).map(([node, result]) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `kube-bench-${node}`, namespace: "kube-system", labels: { app: "kube-bench", "kube-bench.aquasec.com/node": node } },
    data: { "results.json": JSON.stringify(result, null, 2) },
  }));
}
