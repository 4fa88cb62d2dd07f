import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@palisade/config";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, sql as ownerSql } from "../../../test/harness/database.ts";
import { Demo, graphql, until, type DemoRun } from "../src/index.ts";

// The demo's orchestration against a test database, a data dir of its own and a port of its own: never the user's.
const DB = "palisade_test_demo_orchestration";
const ownerUrl = `postgresql://postgres@127.0.0.1:5432/${DB}`;

const sql = <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => ownerSql<T>(ownerUrl, text, params);

const dataDir = mkdtempSync(path.join(tmpdir(), "palisade-demo-test-"));
let demo: Demo | null = null;
afterAll(async () => {
  await demo?.stop();
});

async function runDemo(port: number, flowsTimeoutMs: number): Promise<DemoRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: ownerUrl,
    REDIS_URL: "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: `demo-test-${port}`,
    DATABASE_APP_ROLE: "palisade_app_test",
    DATABASE_APP_PASSWORD: "palisade_app_test",
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: "info",
    SMTP_URL: undefined,
    MAIL_DIR: undefined,
    PUBLIC_URL: undefined,
  };
  demo = new Demo({ config: loadConfig(env), env, flushIntervalMs: 2_000, flowsTimeoutMs, simClusterId: `demo-test-${process.pid}` });
  return demo.start();
}

describe("npm run demo's orchestration", () => {
  let first: DemoRun;

  it("signs up with the promo code, connects the storefront cluster through the install script, and flow records land", async () => {
    const port = await freePort();
    first = await runDemo(port, 45_000);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);
    expect(first.tenant.reused).toBe(false);
    const c = await graphql<{ cluster: { status: string; name: string } }>(first.url, `query ($id: ID!) { cluster(id: $id) { status name } }`, { id: first.tenant.clusterId }, first.tenant.accessToken);
    expect(c.data?.cluster).toEqual({ status: "CONNECTED", name: "eks" });
    const signup = await sql<{ code: string }>(`SELECT p.code FROM trial_requests t JOIN promo_codes p ON p.id = t.promo_code_id WHERE t.email = $1`, [first.tenant.email]);
    expect(signup).toEqual([{ code: "PALISADE-DEMO" }]);

    // flows arrive through the connector; at stage E some are denied (R1-R4, R6, S12)
    expect(first.flows.via).not.toBe("none");
    const stored = await until(
      "denied flow records",
      async () => {
        const rows = await sql<{ action: string; n: string }>(`SELECT record->>'action' AS action, count(*) AS n FROM flow_logs WHERE cluster_id = $1 GROUP BY 1`, [first.tenant.clusterId]);
        return rows.some((r) => r.action === "deny") ? rows : null;
      },
      30_000,
    );
    expect(stored.map((r) => r.action).sort()).toEqual(["allow", "deny"]);
    // stage E's policies went through Palisade to the cluster; the rogue pod straight to the simulator
    expect(first.sim.get("projectcalico.org/v3", "NetworkPolicy", "storefront", "default.dmz")).toBeTruthy();
    expect(first.sim.get("projectcalico.org/v3", "GlobalNetworkPolicy", undefined, "platform.twilio-integration")).toBeTruthy();
    expect(first.sim.pods("storefront", { app: "rogue" })).toHaveLength(1);
  }, 120_000);

  it("prints the URL, the access token and the three example queries, each as a curl line", () => {
    expect(first.text).toContain(`${first.url}/graphql`);
    expect(first.text).toContain(first.tenant.accessToken);
    for (const field of ["flowGraph(", "flowLogs(", "policyBoard(", "view: STATUS", "actions: [DENY]", "decidingPolicy { tier name ruleIndex }"]) expect(first.text).toContain(field);
    expect(first.text.match(/^ {3}curl -s .*\/graphql /gm)).toHaveLength(3);
  });

  it("stops everything it started, and a second run on the same data dir reuses the tenant and connects the cluster again", async () => {
    const kubeconfig = first.sim.kubeconfigPath;
    expect(existsSync(kubeconfig)).toBe(true);
    await demo!.stop();
    demo = null;
    expect(await fetch(`${first.url}/healthz`).then(() => "answered", () => "refused")).toBe("refused");
    expect(JSON.parse(readFileSync(path.join(dataDir, "demo", "state.json"), "utf8"))).toMatchObject({ email: first.tenant.email, clusterId: first.tenant.clusterId });

    const second = await runDemo(await freePort(), 0); // flows were shown by the first run
    expect(second.tenant).toMatchObject({ reused: true, email: first.tenant.email, clusterId: first.tenant.clusterId, accessToken: first.tenant.accessToken });
    const c = await graphql<{ cluster: { status: string } }>(second.url, `query ($id: ID!) { cluster(id: $id) { status } }`, { id: second.tenant.clusterId }, second.tenant.accessToken);
    expect(c.data?.cluster.status).toBe("CONNECTED");
  }, 120_000);
});
