import { execFile } from "node:child_process";
import type { Database, PromoCode } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { createApi } from "../../app.ts";
import { buildDeps, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { createPromo, signUpProvisioned } from "../../../test/signups.ts";

let db: Database;
let t: RunningApi;
let promo: PromoCode;

beforeAll(async () => {
  const opened = await openTestDatabase("palisade_test_api");
  db = opened.db;
  t = await startApi(buildDeps(db, testConfig({ DATABASE_URL: opened.ownerUrl })));
  promo = await createPromo(db);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

/** `curl -s <url> | bash`, with the real bash. */
function curlBash(url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", `curl -s '${url}' | bash`], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function clusterToken(): Promise<{ token: string; clusterId: string; me: { token: string } }> {
  const me = await signUpProvisioned(t, promo.code);
  const res = await t.gql<{ createCluster: { cluster: { id: string }; registration: { token: string } } }>(
    `mutation { createCluster(name: "installed") { cluster { id } registration { token } } }`,
    {},
    me.token,
  );
  return { token: res.data!.createCluster.registration.token, clusterId: res.data!.createCluster.cluster.id, me };
}

describe("the install link", () => {
  it("answers a bash script with Palisade's address and the token filled in", async () => {
    const { token } = await clusterToken();
    const res = await fetch(`${t.url}/install/${token}--management_install.sh`);
    expect(res.status).toBe(200);
    const script = await res.text();
    expect(script.split("\n").slice(0, 4).join("\n")).toMatch(/^#!\/usr\/bin\/env bash\n.*\n.*\nset -euo pipefail$/);
    expect(script).toContain(`PALISADE_URL='https://palisade.test'`);
    expect(script).toContain(`TOKEN='${token}'`);
  });

  it("for an unknown token, answers a script that says so and exits 1", async () => {
    const run = await curlBash(`${t.url}/install/reg_${"0".repeat(40)}--management_install.sh`);
    expect(run).toEqual({ code: 1, stdout: "", stderr: "[ERROR] this install link is not valid: ask for a new one in Palisade (issueRegistrationToken)\n" });
  });

  it("for an expired or revoked token, answers a script that says which and exits 1", async () => {
    const expired = await clusterToken();
    await db.system.registrationToken.updateMany({ where: { clusterId: expired.clusterId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const a = await curlBash(`${t.url}/install/${expired.token}--management_install.sh`);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^\[ERROR\] this install link expired on .*: ask for a new one in Palisade\n$/);

    const revoked = await clusterToken();
    await t.gql(`mutation ($id: ID!) { revokeRegistrationTokens(clusterId: $id) }`, { id: revoked.clusterId }, revoked.me.token);
    const b = await curlBash(`${t.url}/install/${revoked.token}--management_install.sh`);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^\[ERROR\] this install link was revoked on /);
  });

  it("serves the manifest on its own for GitOps: namespace, service account, least-privilege roles, Secret and Deployment", async () => {
    const { token } = await clusterToken();
    const res = await fetch(`${t.url}/install/${token}/manifest.yaml`);
    expect(res.status).toBe(200);
    const docs = parseAllDocuments(await res.text()).map((d) => d.toJS() as { kind: string; metadata: { name: string }; stringData?: Record<string, string>; rules?: { verbs: string[]; resources: string[]; resourceNames?: string[] }[] });
    expect(docs.map((d) => d.kind)).toEqual(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Secret", "PersistentVolumeClaim", "Deployment"]);
    // the flow spool on a claim (it follows the pod to any node); the flow log read from the node
    const pod = (docs.find((d) => d.kind === "Deployment") as unknown as { spec: { template: { spec: { volumes: unknown[] } } } }).spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: "flowlogs", hostPath: { path: "/var/log/calico/flowlogs", type: "DirectoryOrCreate" } },
      { name: "spool", persistentVolumeClaim: { claimName: "palisade-connector-spool" } },
    ]);
    expect(docs.find((d) => d.kind === "PersistentVolumeClaim")).toMatchObject({ metadata: { name: "palisade-connector-spool", namespace: "palisade-system" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } } });
    expect(docs.find((d) => d.kind === "Secret")!.stringData).toEqual({ PALISADE_API_URL: "https://palisade.test", PALISADE_REGISTRATION_TOKEN: token });
    const clusterRole = docs.find((d) => d.kind === "ClusterRole")!;
    // cluster-wide it writes only policy kinds; secrets only its own, in its namespace
    expect(clusterRole.rules!.flatMap((r) => r.resources)).not.toContain("secrets");
    expect(docs.find((d) => d.kind === "Role")!.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], resourceNames: ["palisade-connector"], verbs: ["get", "update", "patch"] }]);
  });

  it("refuses the manifest of a token that cannot be used", async () => {
    const res = await fetch(`${t.url}/install/reg_${"1".repeat(40)}/manifest.yaml`);
    expect(res.status).toBe(404);
  });

  it("is rate-limited per client address, with a script that says when to try again", async () => {
    const deps = buildDeps(db, testConfig());
    const api = await createApi(deps, { installRequestsPerMinute: 3 });
    const url = await api.listen(0, "127.0.0.1");
    try {
      const link = `${url}/install/reg_${"2".repeat(40)}--management_install.sh`;
      for (let i = 0; i < 3; i++) expect((await fetch(link)).status).toBe(404);
      const limited = await fetch(link);
      expect(limited.status).toBe(429);
      expect(await limited.text()).toMatch(/too many install requests from this address; try again in \d+ seconds/);
    } finally {
      await api.close();
      await deps.release();
    }
  });
});
