import http from "node:http";
import type { AddressInfo } from "node:net";
import { deliverAlert } from "@palisade/core";
import type { Database } from "@palisade/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@palisade/db/testing";
import { buildDeps, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { createTierEditorRole, data, firstClusterId, inviteTeammate } from "../users/teammates.testing.ts";

let db: Database;
let ownerUrl: string;
let t1: RunningApi;
let t2: RunningApi;
let a: ProvisionedTenant;
let b: ProvisionedTenant;
let aCluster: string;

beforeAll(async () => {
  // The API workspace's database (as openApiDatabase opens it), with the owner's URL to play the tamperer.
  ({ db, ownerUrl } = await openTestDatabase("palisade_test_api"));
  // Two API processes on one Redis prefix, as two replicas behind a load balancer.
  const config = testConfig();
  t1 = await startApi(buildDeps(db, config));
  t2 = await startApi(buildDeps(db, config));
  const promo = await createPromo(db);
  a = await signUpProvisioned(t1, promo.code);
  b = await signUpProvisioned(t1, promo.code);
  aCluster = await firstClusterId(t1, a.token);
  data(await t1.gql(`mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { name } }`, { c: aCluster, y: "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n" }, a.token));
});
afterAll(async () => {
  await t1?.stop();
  await t2?.stop();
  await db?.close();
});

const policy = (name: string, tier = "default") =>
  `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: ${tier}.${name}}\nspec: {tier: ${tier}, order: 1, selector: all(), ingress: [{action: Allow}]}\n`;
const CREATE = `mutation ($c: ID!, $y: String!) { createResource(clusterId: $c, yaml: $y) { name } }`;

type Live = { name: string | null; tier: string | null; verb: string };

/** Subscribes through `api` and resolves once the subscription is live on the server. */
async function subscribe(api: RunningApi, token: string, filter: Record<string, unknown> = {}) {
  const received: Live[] = [];
  const ws = api.ws(token);
  const stop = ws.subscribe<{ auditEvents: Live }>(
    { query: `subscription ($f: AuditEventFilter) { auditEvents(filter: $f) { name tier verb } }`, variables: { f: filter } },
    { next: (m) => m.data && received.push(m.data.auditEvents), error: () => {}, complete: () => {} },
  );
  await new Promise<void>((resolve, reject) => ws.subscribe({ query: `{ version }` }, { next: () => resolve(), error: reject, complete: () => {} }));
  await new Promise((r) => setTimeout(r, 200));
  return { received, stop: () => (stop(), ws.dispose()) };
}

async function until(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the audit chain", () => {
  it("is append-only: the tenant role may not update, and the trigger refuses even the owner", async () => {
    await expect(db.withTenant(a.tenantId, (tx) => tx.$executeRawUnsafe(`UPDATE audit_events SET reason = 'x'`))).rejects.toThrow(/permission denied/);
    await expect(db.withTenant(a.tenantId, (tx) => tx.$executeRawUnsafe(`DELETE FROM audit_events`))).rejects.toThrow(/permission denied/);
    // cross-tenant: the owner bypasses row-level security; only the trigger stands in its way.
    await expect(db.system.$executeRawUnsafe(`UPDATE audit_events SET reason = 'x' WHERE tenant_id = '${a.tenantId}'`)).rejects.toThrow(/append-only/);
  });

  it("verifyAuditChain reports the first broken link when a row is altered behind the trigger's back", async () => {
    const c = data(await t1.gql<{ createCluster: { cluster: { id: string } } }>(`mutation { createCluster(name: "chain-${hex()}") { cluster { id } } }`, {}, b.token)).createCluster.cluster.id;
    for (const n of ["one", "two", "three"]) data(await t1.gql(CREATE, { c, y: policy(n) }, b.token));
    const VERIFY = `{ verifyAuditChain { ok checked firstBroken { seq reason } } }`;
    const before = data(await t1.gql<{ verifyAuditChain: { ok: boolean; checked: number } }>(VERIFY, {}, b.token)).verifyAuditChain;
    expect(before).toMatchObject({ ok: true, firstBroken: null });
    const victim = await db.system.auditEvent.findFirstOrThrow({ where: { tenantId: b.tenantId, name: "default.two" } });

    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
      await owner.query("UPDATE audit_events SET after_yaml = replace(after_yaml, 'Allow', 'Deny') WHERE id = $1", [victim.id]);
      await owner.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
    const after = data(await t1.gql<{ verifyAuditChain: { ok: boolean; checked: number; firstBroken: { seq: number; reason: string } } }>(VERIFY, {}, b.token)).verifyAuditChain;
    expect(after.ok).toBe(false);
    expect(after.firstBroken).toEqual({ seq: Number(victim.seq), reason: "its content does not match its hash: the event was altered" });
    expect(after.checked).toBe(Number(victim.seq) - 1);
    // Tenant A's chain is its own and still holds.
    expect(data(await t1.gql<{ verifyAuditChain: { ok: boolean } }>(VERIFY, {}, a.token)).verifyAuditChain.ok).toBe(true);
  });

  it("numbers a tenant's events without gaps even under concurrent changes", async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => t1.gql(CREATE, { c: aCluster, y: policy(`par-${i}`) }, a.token)));
    const seqs = (await db.system.auditEvent.findMany({ where: { tenantId: a.tenantId }, orderBy: { seq: "asc" }, select: { seq: true } })).map((e) => Number(e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(data(await t1.gql<{ verifyAuditChain: { ok: boolean } }>(`{ verifyAuditChain { ok } }`, {}, a.token)).verifyAuditChain.ok).toBe(true);
  });
});

describe("auditEvents", () => {
  it("pages newest first and filters by kind, name, verb, actor and time", async () => {
    const Q = `query ($f: AuditEventFilter, $n: Int, $a: String) { auditEvents(filter: $f, first: $n, after: $a) { pageInfo { hasNextPage endCursor } edges { node { seq name verb actor { display } } } } }`;
    type R = { auditEvents: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { seq: number; name: string; verb: string } }> } };
    const first = data(await t1.gql<R>(Q, { n: 2 }, a.token)).auditEvents;
    expect(first.edges).toHaveLength(2);
    expect(first.edges[0]!.node.seq).toBeGreaterThan(first.edges[1]!.node.seq);
    const next = data(await t1.gql<R>(Q, { n: 2, a: first.pageInfo.endCursor }, a.token)).auditEvents;
    expect(next.edges[0]!.node.seq).toBe(first.edges[1]!.node.seq - 1);
    const byName = data(await t1.gql<R>(Q, { f: { name: "default.par-3", verb: "create", actor: a.email, kind: "GlobalNetworkPolicy" } }, a.token)).auditEvents;
    expect(byName.edges.map((e) => e.node.name)).toEqual(["default.par-3"]);
    const future = data(await t1.gql<R>(Q, { f: { from: "2999-01-01T00:00:00Z" } }, a.token)).auditEvents;
    expect(future.edges).toEqual([]);
  });
});

describe("the auditEvents subscription", () => {
  it("delivers a change made through one API process to a subscriber on another", async () => {
    const sub = await subscribe(t2, a.token);
    try {
      data(await t1.gql(CREATE, { c: aCluster, y: policy("via-t1") }, a.token));
      await until(() => sub.received.some((e) => e.name === "default.via-t1"));
      expect(sub.received.find((e) => e.name === "default.via-t1")).toEqual({ name: "default.via-t1", tier: "default", verb: "create" });
    } finally {
      sub.stop();
    }
  });

  it("delivers only events the subscriber may see, and nothing of another tenant", async () => {
    const editor = await inviteTeammate(t1, a.token, `ed.${hex()}@example-corp.com`, [await createTierEditorRole(t1, a.token, "default")]);
    const editorSub = await subscribe(t2, editor);
    const otherTenant = await subscribe(t2, b.token);
    try {
      data(await t1.gql(CREATE, { c: aCluster, y: policy("hidden", "security") }, a.token));
      data(await t1.gql(CREATE, { c: aCluster, y: policy("shown") }, a.token));
      await until(() => editorSub.received.some((e) => e.name === "default.shown"));
      expect(editorSub.received.map((e) => e.name)).toEqual(["default.shown"]);
      expect(otherTenant.received).toEqual([]);
    } finally {
      editorSub.stop();
      otherTenant.stop();
    }
  });

  it("reads the subscriber's rights again when they change, and ends when its token is revoked", async () => {
    const issued = data(await t1.gql<{ createAccessToken: { token: string; accessToken: { id: string } } }>(`mutation { createAccessToken(name: "watcher") { token accessToken { id } } }`, {}, a.token)).createAccessToken;
    let completed = false;
    const received: unknown[] = [];
    const ws = t2.ws(issued.token);
    ws.subscribe({ query: `subscription { auditEvents { name } }` }, { next: (m) => received.push(m.data), error: () => (completed = true), complete: () => (completed = true) });
    await new Promise<void>((resolve, reject) => ws.subscribe({ query: `{ version }` }, { next: () => resolve(), error: reject, complete: () => {} }));
    await new Promise((r) => setTimeout(r, 200));
    data(await t1.gql(`mutation ($id: ID!) { revokeAccessToken(id: $id) }`, { id: issued.accessToken.id }, a.token));
    data(await t1.gql(CREATE, { c: aCluster, y: policy("after-revocation") }, a.token));
    await until(() => completed);
    expect(JSON.stringify(received)).not.toContain("after-revocation");
    await ws.dispose();
  });

  it("follows its filter", async () => {
    const sub = await subscribe(t2, a.token, { verb: "delete" });
    try {
      data(await t1.gql(CREATE, { c: aCluster, y: policy("short-lived") }, a.token));
      data(await t1.gql(`mutation ($c: ID!) { deleteResource(clusterId: $c, kind: GlobalNetworkPolicy, name: "default.short-lived") { name } }`, { c: aCluster }, a.token));
      await until(() => sub.received.length > 0);
      expect(sub.received).toEqual([{ name: "default.short-lived", tier: "default", verb: "delete" }]);
    } finally {
      sub.stop();
    }
  });
});

describe("alert rules", () => {
  it("queue a deliver-alert job per matching event; delivery POSTs the event and the attempts are visible", async () => {
    let status = 500;
    const bodies: unknown[] = [];
    const hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        bodies.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const target = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      const rule = data(await t1.gql<{ createAlertRule: { id: string } }>(`mutation ($t: String!) { createAlertRule(filter: { tier: "security", verb: "create" }, channel: WEBHOOK, target: $t) { id } }`, { t: target }, a.token)).createAlertRule;
      data(await t1.gql(CREATE, { c: aCluster, y: policy("alerted", "security") }, a.token));
      data(await t1.gql(CREATE, { c: aCluster, y: policy("not-alerted") }, a.token));
      const deliveries = await db.system.alertDelivery.findMany({ where: { ruleId: rule.id } });
      expect(deliveries).toHaveLength(1);
      const job = await t1.deps.jobs.queue.getJob(`deliver-alert-${deliveries[0]!.id}`);
      expect(job?.name).toBe("deliver-alert");
      expect(job?.opts.attempts).toBe(6);
      expect(job?.opts.backoff).toEqual({ type: "exponential", delay: 2000 });

      // What the worker's handler runs: first the webhook fails, then it answers.
      const payload = { tenantId: a.tenantId, deliveryId: deliveries[0]!.id };
      await expect(deliverAlert(t1.deps, payload)).rejects.toThrow("webhook answered HTTP 500");
      const RULES = `{ alertRules { id target deliveries { status attempts lastError deliveredAt } } }`;
      type R = { alertRules: Array<{ id: string; deliveries: Array<{ status: string; attempts: number; lastError: string | null; deliveredAt: string | null }> }> };
      const failed = data(await t1.gql<R>(RULES, {}, a.token)).alertRules.find((r) => r.id === rule.id)!;
      expect(failed.deliveries).toEqual([{ status: "PENDING", attempts: 1, lastError: "webhook answered HTTP 500", deliveredAt: null }]);
      status = 204;
      expect(await deliverAlert(t1.deps, payload)).toBe("delivered");
      expect(await deliverAlert(t1.deps, payload)).toBe("already-delivered");
      const delivered = data(await t1.gql<R>(RULES, {}, a.token)).alertRules.find((r) => r.id === rule.id)!;
      expect(delivered.deliveries[0]).toMatchObject({ status: "DELIVERED", attempts: 2, lastError: null });
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toMatchObject({ alertRuleId: rule.id, event: { name: "security.alerted", verb: "create", tier: "security", actorDisplay: a.email } });
    } finally {
      hook.close();
    }
  });

  it("refuses a target that is not a URL or an address", async () => {
    const e = onlyError(await t1.gql(`mutation { createAlertRule(channel: WEBHOOK, target: "ftp://x") { id } }`, {}, a.token));
    expect([e.extensions?.code, e.extensions?.field]).toEqual(["BAD_USER_INPUT", "target"]);
  });
});
