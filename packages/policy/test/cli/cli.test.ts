import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../support/fixtures.ts";

const BIN = fileURLToPath(new URL("../../bin/palisade-policy.mjs", import.meta.url));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: "/" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("palisade-policy command", () => {
  it("validate accepts the storefront manifests and exits 0", () => {
    const r = run("validate", fixturePath("storefront/00-cluster.yaml"), fixturePath("storefront/01-environment.yaml"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("01-environment.yaml: 7 resources valid");
  });

  it("validate prints every error with file, document and path, and exits 1", () => {
    const file = fixturePath("cli/invalid.yaml");
    const r = run("validate", file);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toEqual([
      `${file}: document 1: spec.egress[1].destination.selector: expected a value after '==' at column 8`,
      `${file}: document 1: spec.egress[2].destination.ports: ports requires protocol TCP, UDP, SCTP or UDPLite`,
    ]);
  });

  it("match prints true or false for labels", () => {
    expect(run("match", "--selector", "app == 'web' && tier in {'a','b'}", "--labels", '{"app":"web","tier":"b"}').stdout.trim()).toBe("true");
    const r = run("match", "--selector", "app != 'web'", "--labels", '{"app":"web"}');
    expect(r.stdout.trim()).toBe("false");
    expect(r.code).toBe(0);
  });

  it("match reports a selector syntax error with its column and exits 2", () => {
    const r = run("match", "--selector", "app == ", "--labels", "{}");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at column 8/);
  });

  it("eval prints one verdict line per flow with traces, and the pending verdict of staged policies", () => {
    const sf = (f: string) => fixturePath(`storefront/${f}`);
    const r = run(
      "eval",
      "--resources", sf("00-cluster.yaml"), sf("01-environment.yaml"), sf("10-lab1-twilio-integration.yaml"), fixturePath("cli/staged.yaml"),
      "--flows", fixturePath("cli/storefront-flows.jsonl"),
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.id, l.action])).toEqual([["S12", "deny"], ["S10", "allow"], ["S13", "allow"]]);
    expect(lines[0]).toEqual({
      id: "S12",
      action: "deny",
      egress: { action: "deny", policies: ["0|security|security.pass|pass|0", "1|platform|platform.twilio-integration|deny|1"] },
      ingress: null,
      pending: {
        action: "deny",
        egress: { action: "deny", policies: ["0|security|security.pass|pass|0", "1|platform|platform.twilio-integration|deny|1"] },
        ingress: null,
      },
    });
    // The staged lockdown would deny backend's egress to the VPC database in the default tier.
    expect(lines[2]!.pending).toEqual({
      action: "deny",
      egress: {
        action: "deny",
        policies: ["0|security|security.pass|pass|0", "1|platform|platform.pass|pass|0", "2|default|storefront/default.staged:lockdown|deny|0"],
      },
      ingress: null,
    });
  });

  it("eval exits 1 and names the line of a flow naming an unknown pod", () => {
    const r = run("eval", "--resources", fixturePath("storefront/00-cluster.yaml"), "--flows", fixturePath("cli/unknown-pod.jsonl"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown-pod\.jsonl:1: src: unknown pod storefront\/nope/);
  });

  it("an unknown command prints the usage and exits 2", () => {
    const r = run("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage:");
  });
});
