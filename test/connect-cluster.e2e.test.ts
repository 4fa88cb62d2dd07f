import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startCluster, type SimCluster } from "@palisade/cluster-sim";
import { migrate } from "@palisade/db";
import { simpleParser } from "mailparser";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, root, startApp, testEnv, type Proc } from "./harness/processes.ts";
import { freePort, sql as query } from "./harness/database.ts";

const DB = "palisade_test_e2e_connect";
const ownerUrl = `postgresql://postgres@127.0.0.1:5432/${DB}`;
const tsx = path.join(root, "node_modules/.bin/tsx");

const sql = <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => query<T>(ownerUrl, text, params);

/** Runs a shell command line with the real bash, kubectl pointed at the simulator. */
function sh(command: string, kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { env: { ...process.env, KUBECONFIG: kubeconfig, PALISADE_CONNECT_TIMEOUT: "90" }, timeout: 150_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

let api: Proc;
let worker: Proc;
let sim: SimCluster;
let url: string;
let env: Record<string, string>;
let mailDir: string;
let flowLog: string;

beforeAll(async () => {
  await migrate({ ownerUrl, appRole: "palisade_app_test", appPassword: "palisade_app_test" });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const work = mkdtempSync(path.join(tmpdir(), "palisade-connect-e2e-"));
  mailDir = path.join(work, "mail");
  flowLog = path.join(work, "flowlogs", "flows.log");
  env = testEnv(DB, { PORT: String(port), PUBLIC_URL: url, MAIL_DIR: mailDir, JOB_LOCK_MS: "2000" });
  api = startApp("api", env);
  worker = startApp("worker", env);
  await Promise.all([api.waitFor(/Palisade API listening/), worker.waitFor(/Palisade worker ready/)]);
  sim = await startCluster({
    scenario: "storefront",
    port: 0,
    rate: 0,
    clusterId: `e2e-${port}`,
    flowLogPath: flowLog,
    flushIntervalMs: 3_600_000,
    runnables: {
      "palisade/connector": {
        command: tsx,
        args: ["apps/connector/src/main.ts"],
        cwd: root,
        env: { LOG_LEVEL: "info", PALISADE_BACKOFF_BASE_MS: "200", PALISADE_BACKOFF_CAP_MS: "1000", PALISADE_BATCH_MS: "200" },
      },
    },
  });
}, 90_000);

afterAll(async () => {
  await sim?.stop();
  await worker?.kill();
  await api?.kill();
});

/** SIGKILL for the API process itself: tsx runs it as its child, which a SIGKILL to tsx would leave behind. */
async function killHard(p: Proc): Promise<void> {
  const children = await new Promise<number[]>((resolve) =>
    execFile("pgrep", ["-P", String(p.child.pid)], (_e, out) => resolve(out.split("\n").filter(Boolean).map(Number))),
  );
  for (const pid of children) process.kill(pid, "SIGKILL");
  await p.kill("SIGKILL");
}

/** Signs up as a user would and reads the credentials email: the access token and the install command. */
async function signUp(): Promise<{ token: string; install: string }> {
  const id = Math.random().toString(36).slice(2, 8);
  const res = await graphql<{ requestTrial: { id: string } }>(url, `mutation($input: TrialRequestInput!) { requestTrial(input: $input) { id } }`, {
    input: {
      firstName: "Jane", lastName: "Doe", email: `jane.${id}@connect-${id}.com`, company: `Connect ${id}`,
      kubernetesDistribution: "EKS", promoCode: "PAR-AWS-EKS-WORKSHOP", acceptTerms: true,
    },
  });
  expect(res.errors).toBeUndefined();
  const text = await until("the credentials email", async () => {
    for (const f of (() => { try { return readdirSync(mailDir); } catch { return []; } })()) {
      const mail = await simpleParser(readFileSync(path.join(mailDir, f)));
      if (mail.text?.includes(`jane.${id}@`) || (mail.to && JSON.stringify(mail.to).includes(`jane.${id}@`))) return mail.text ?? "";
    }
    return null;
  });
  const token = /pat_[0-9A-Za-z]{40}/.exec(text)![0];
  const install = /curl -s \S+--management_install\.sh \| bash/.exec(text)![0];
  return { token, install };
}

const CLUSTERS = `{ clusters { id name status connection { state connectorVersion calicoVersion nodes pods kubeSystemUid connectedName } flowRecordCount } }`;
type ClusterView = { id: string; name: string; status: string; connection: { state: string; connectorVersion: string | null; calicoVersion: string | null; nodes: number; pods: number; kubeSystemUid: string | null; connectedName: string | null }; flowRecordCount: number };

describe("connecting a cluster with curl | bash", () => {
  let me: { token: string; install: string };
  let cluster: ClusterView;

  it("installs the connector, which registers and shows CONNECTED, printing the connected name and portal URL", async () => {
    me = await signUp();
    const run = await sh(me.install, sim.kubeconfigPath);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    const order = ["[INFO] Checking for kubectl", "[INFO] Checking access to the cluster", "[INFO] Checking permissions", "[INFO] Checking for installed CNI Plugin", "[INFO] Calico found: docker.io/calico/node:v3.28.0", "[INFO] Applying the Palisade connector manifest", "[WAIT] Palisade connector is Progressing", "[INFO] Palisade connector is Available", "[WAIT] Waiting for the connector to connect to Palisade", "[INFO] All Palisade Components are Available"];
    expect(lines.filter((l) => l.startsWith("["))).toEqual([expect.stringMatching(/^\[INFO\] Checking for kubectl$/), ...order.slice(1, 2), `[INFO] Cluster identity (kube-system uid): ${sim.kubeSystemUid}`, ...order.slice(2)]);
    // the simulator's API server is 127.0.0.1: its host names nothing, so the cluster's name in Palisade is used
    expect(run.stdout).toContain("Your Connected Cluster Name is \neks\n");
    expect(run.stdout).toContain(`PORTAL URL: ${url}`);

    const res = await graphql<{ clusters: ClusterView[] }>(url, CLUSTERS, {}, me.token);
    cluster = res.data!.clusters[0]!;
    expect(cluster).toMatchObject({ name: "eks", status: "CONNECTED", connection: { state: "CONNECTED", connectorVersion: "0.1.0", kubeSystemUid: sim.kubeSystemUid, connectedName: "eks" } });
  }, 180_000);

  it("leaves the credential in the connector's Secret and the registration token nowhere", async () => {
    const secret = sim.get("v1", "Secret", "palisade-system", "palisade-connector") as unknown as { data: Record<string, string> };
    expect(Object.keys(secret.data).sort()).toEqual(["PALISADE_API_URL", "PALISADE_CLUSTER_CREDENTIAL"]);
    expect(Buffer.from(secret.data.PALISADE_CLUSTER_CREDENTIAL!, "base64").toString()).toMatch(/^ccr_[0-9A-Za-z]{40}$/);
    expect(JSON.stringify(secret)).not.toContain(/reg_[0-9A-Za-z]{40}/.exec(me.install)![0]);
  });

  it("reports the cluster's Calico version and node and pod counts", async () => {
    const view = await until("the inventory", async () => {
      const c = (await graphql<{ clusters: ClusterView[] }>(url, CLUSTERS, {}, me.token)).data!.clusters[0]!;
      return c.connection.nodes > 0 ? c : null;
    });
    expect(view.connection).toMatchObject({ calicoVersion: "v3.28.0", nodes: 2 });
    expect(view.connection.pods).toBe(sim.list("v1", "Pod").length);
    const inv = await graphql<{ cluster: { inventory: { namespaces: { name: string }[]; workloads: { namespace: string; name: string; ip: string | null }[]; serviceAccounts: { name: string }[] } } }>(
      url,
      `query ($id: ID!) { cluster(id: $id) { inventory { namespaces { name labels } workloads { namespace name labels ip } serviceAccounts { namespace name } } } }`,
      { id: cluster.id },
      me.token,
    );
    expect(inv.errors).toBeUndefined();
    const { namespaces, workloads } = inv.data!.cluster.inventory;
    expect(namespaces.map((n) => n.name)).toEqual(expect.arrayContaining(sim.list("v1", "Namespace").map((n) => n.metadata.name)));
    const pod = sim.list("v1", "Pod").find((p) => p.metadata.namespace !== "palisade-system")!;
    expect(workloads).toContainEqual(expect.objectContaining({ namespace: pod.metadata.namespace, name: pod.metadata.name, ip: (pod.status as { podIP?: string }).podIP ?? null }));
  });

  it("stores every flow record the simulator writes, once", async () => {
    for (let i = 0; i < 3; i++) {
      sim.advance(5);
      sim.flush();
    }
    const written = sim.flowLogs().length;
    expect(written).toBeGreaterThan(0);
    await until("the flow records", async () => (await sql<{ n: string }>(`SELECT count(*) AS n FROM flow_logs WHERE cluster_id = $1`, [cluster.id]))[0]!.n === String(written));
    const c = (await graphql<{ clusters: ClusterView[] }>(url, CLUSTERS, {}, me.token)).data!.clusters[0]!;
    expect(c.flowRecordCount).toBe(written);
  });

  it("loses no flow record and stores none twice while the API is killed and restarted and the connector is killed and restarted", async () => {
    const traffic = setInterval(() => {
      sim.advance(2);
      sim.flush();
    }, 150);
    try {
      await sleep(1500);
      await killHard(api);
      await sleep(2000); // records keep coming; the connector spools them and retries
      api = startApp("api", env);
      await api.waitFor(/Palisade API listening/);
      await until("the connector back", async () => (await graphql<{ clusters: ClusterView[] }>(url, CLUSTERS, {}, me.token)).data?.clusters[0]?.connection.state === "CONNECTED");
      await sleep(1000);
      const pod = sim.pods("palisade-system", { "app.kubernetes.io/name": "palisade-connector" })[0]!;
      const killed = await sh(`kubectl delete pod -n palisade-system ${pod.metadata.name} --wait=false`, sim.kubeconfigPath);
      expect(killed.code).toBe(0);
      await sleep(2000);
      // the replacement pod's spool is the same directory: the connector's PersistentVolumeClaim
      const next = await until("the replacement pod", async () => sim.pods("palisade-system", { "app.kubernetes.io/name": "palisade-connector" }).find((p) => p.metadata.name !== pod.metadata.name));
      expect((next.spec as { volumes: unknown[] }).volumes).toContainEqual({ name: "spool", persistentVolumeClaim: { claimName: "palisade-connector-spool" } });
      expect(readdirSync(sim.claimDir("palisade-system", "palisade-connector-spool"))).toContain("spool");
    } finally {
      clearInterval(traffic);
    }
    sim.flush();
    const canonical = (v: unknown): string =>
      Array.isArray(v) ? `[${v.map(canonical).join(",")}]` : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}` : JSON.stringify(v);
    const written = sim.flowLogs().map(canonical).sort();
    await until("every record stored", async () => (await sql<{ n: string }>(`SELECT count(*) AS n FROM flow_logs WHERE cluster_id = $1`, [cluster.id]))[0]!.n === String(written.length), 90_000);
    const stored = (await sql<{ record: unknown }>(`SELECT record FROM flow_logs WHERE cluster_id = $1`, [cluster.id])).map((r) => canonical(r.record)).sort();
    expect(stored.length).toBe(written.length);
    expect(stored).toEqual(written);
  }, 180_000);

  it("puts a policy created through GraphQL into the cluster, labelled as Palisade's, and reports the revision applied", async () => {
    const yaml = [
      "apiVersion: projectcalico.org/v3",
      "kind: GlobalNetworkPolicy",
      "metadata:",
      "  name: default.e2e-allow-dns",
      "spec:",
      "  tier: default",
      "  order: 500",
      "  selector: all()",
      "  types: [Egress]",
      "  egress:",
      "    - action: Allow",
      "      protocol: UDP",
      "      destination:",
      "        ports: [53]",
    ].join("\n");
    const res = await graphql(url, `mutation ($id: ID!, $yaml: String!) { createResource(clusterId: $id, yaml: $yaml) { name revision } }`, { id: cluster.id, yaml }, me.token);
    expect(res.errors).toBeUndefined();
    const applied = await until("the policy in the cluster", async () => sim.get("projectcalico.org/v3", "GlobalNetworkPolicy", undefined, "default.e2e-allow-dns") as unknown as { metadata: { labels: Record<string, string> }; spec: { order: number } } | undefined);
    expect(applied.metadata.labels["app.kubernetes.io/managed-by"]).toBe("palisade");
    expect(applied.spec.order).toBe(500);
    const sync = await until("the revision acknowledged", async () => {
      const r = await graphql<{ cluster: { sync: { desiredRevision: string; appliedRevision: string; errors: unknown[] } } }>(url, `query ($id: ID!) { cluster(id: $id) { sync { desiredRevision appliedRevision errors { name message } } } }`, { id: cluster.id }, me.token);
      const s = r.data!.cluster.sync;
      return s.appliedRevision === s.desiredRevision ? s : null;
    });
    expect(sync.errors).toEqual([]);
  }, 60_000);

  it("restores Palisade's policy changed with kubectl and records DRIFT_CORRECTED", async () => {
    const run = await sh(`kubectl patch globalnetworkpolicy.projectcalico.org default.e2e-allow-dns --type merge -p '{"spec":{"order":1}}'`, sim.kubeconfigPath);
    expect(run.code).toBe(0);
    await until("the order restored", async () => (sim.get("projectcalico.org/v3", "GlobalNetworkPolicy", undefined, "default.e2e-allow-dns") as unknown as { spec: { order: number } }).spec.order === 500);
    const events = await until("the audit event", async () => {
      const rows = await sql<{ verb: string; name: string; reason: string; actor_kind: string }>(`SELECT verb, name, reason, actor_kind FROM audit_events WHERE cluster_id = $1 AND verb = 'DRIFT_CORRECTED'`, [cluster.id]);
      return rows.length > 0 ? rows : null;
    });
    expect(events[0]).toMatchObject({ actor_kind: "cluster", name: "default.e2e-allow-dns", reason: expect.stringMatching(/changed in the cluster outside Palisade and has been restored/) });
  }, 60_000);

  it("mirrors a policy created with kubectl into Palisade with origin CLUSTER, which a user may adopt", async () => {
    const policy = JSON.stringify({ apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkSet", metadata: { name: "e2e-blocklist", labels: { list: "blocked" } }, spec: { nets: ["198.51.100.0/24"] } });
    const run = await sh(`echo '${policy}' | kubectl apply -f -`, sim.kubeconfigPath);
    expect(run.code).toBe(0);
    const row = await until("the mirrored row", async () => {
      const rows = await sql<{ origin: string; name: string }>(`SELECT origin, name FROM policy_resources WHERE cluster_id = $1 AND kind = 'GlobalNetworkSet' AND name = 'e2e-blocklist'`, [cluster.id]);
      return rows.length > 0 ? rows[0] : null;
    });
    expect(row).toEqual({ origin: "CLUSTER", name: "e2e-blocklist" });
    const gql = await graphql<{ networkSets: { edges: { node: { name: string; origin: string } }[] } }>(url, `query ($id: ID!) { networkSets(clusterId: $id) { edges { node { name origin } } } }`, { id: cluster.id }, me.token);
    expect(gql.data?.networkSets.edges.map((e) => e.node)).toContainEqual({ name: "e2e-blocklist", origin: "CLUSTER" });

    const adopted = await graphql<{ adoptClusterResource: { origin: string } }>(url, `mutation ($id: ID!) { adoptClusterResource(clusterId: $id, kind: GlobalNetworkSet, name: "e2e-blocklist") { origin } }`, { id: cluster.id }, me.token);
    expect(adopted.errors).toBeUndefined();
    expect(adopted.data?.adoptClusterResource.origin).toBe("PALISADE");
    // once adopted, the connector manages it: labelled as Palisade's in the cluster
    await until("the adopted set labelled", async () => (sim.get("projectcalico.org/v3", "GlobalNetworkSet", undefined, "e2e-blocklist") as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels["app.kubernetes.io/managed-by"] === "palisade");
  }, 60_000);

  it("says the cluster is already connected when run again, and changes nothing", async () => {
    const before = sim.get("v1", "Secret", "palisade-system", "palisade-connector") as unknown as { metadata: { resourceVersion: string } };
    const run = await sh(me.install, sim.kubeconfigPath);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("[INFO] This cluster is already connected to Palisade as eks; nothing to change");
    const after = sim.get("v1", "Secret", "palisade-system", "palisade-connector") as unknown as { metadata: { resourceVersion: string } };
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  }, 60_000);

  it("refuses the same install link on another cluster (a different kube-system uid)", async () => {
    const other = await startCluster({ scenario: "empty", port: 0, rate: 0, clusterId: "another-one" });
    try {
      const run = await sh(me.install, other.kubeconfigPath);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("[ERROR] this registration token was already used by another cluster");
      expect(other.list("v1", "Namespace").map((n) => n.metadata.name)).not.toContain("palisade-system");
    } finally {
      await other.stop();
    }
  }, 60_000);

  it("--uninstall removes what it installed and revokes the credential", async () => {
    const run = await sh(`${me.install} -s -- --uninstall`, sim.kubeconfigPath);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("[INFO] Revoking this cluster's credential in Palisade");
    expect(run.stdout).toContain("[INFO] Palisade connector removed");
    expect(sim.list("v1", "Namespace").map((n) => n.metadata.name)).not.toContain("palisade-system");
    expect(sim.list("rbac.authorization.k8s.io/v1", "ClusterRole").map((n) => n.metadata.name)).not.toContain("palisade-connector");
    const creds = await sql<{ valid: string }>(`SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS valid FROM cluster_credentials WHERE cluster_id = $1`, [cluster.id]);
    expect(creds[0]!.valid).toBe("0");
    const c = await until("the cluster to leave CONNECTED", async () => {
      const v = (await graphql<{ clusters: ClusterView[] }>(url, CLUSTERS, {}, me.token)).data!.clusters[0]!;
      return v.status !== "CONNECTED" ? v : null;
    });
    expect(c.connection.state).toBe("PENDING");
  }, 60_000);
});
