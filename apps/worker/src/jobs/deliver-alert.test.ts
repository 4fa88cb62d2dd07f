import http from "node:http";
import type { AddressInfo } from "node:net";
import { createAlertRule, createCluster, createResource, type Actor } from "@palisade/core";
import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpSink, type SmtpSink } from "../../test/smtp-sink.ts";
import { hex, openWorkerDatabase, startTestWorker, testConfig, type RunningWorker } from "../../test/worker-harness.ts";

let db: Database;
let smtp: SmtpSink;
let w: RunningWorker;
let actor: Actor;
let clusterId: string;

beforeAll(async () => {
  db = await openWorkerDatabase();
  smtp = await startSmtpSink();
  w = await startTestWorker(db, testConfig({ SMTP_URL: smtp.url }));
  // cross-tenant: the test sets up its tenant as the owner.
  const tenant = await db.system.tenant.create({ data: { slug: `alerts-${hex()}`, name: "Alerts", status: "ACTIVE" } });
  const user = await db.system.user.create({ data: { tenantId: tenant.id, email: `sec.${hex()}@alerts-corp.com`, name: "Sec" } });
  await db.system.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "owner" } });
  const token = await db.system.accessToken.create({ data: { tenantId: tenant.id, userId: user.id, name: "t", prefix: "pat_x", hash: Buffer.from(hex(32)) } });
  clusterId = (await db.system.$transaction((tx) => createCluster(tx, { tenantId: tenant.id, name: "prod", publicUrl: "http://x", ttlHours: 1, now: new Date() }))).cluster.id;
  actor = { tenantId: tenant.id, userId: user.id, tokenId: token.id, display: user.email, roles: ["owner"], sourceAddress: null, requestId: null };
});
afterAll(async () => {
  await w?.stop();
  await smtp?.close();
  await db?.close();
});

const policy = (name: string) =>
  `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: default.${name}}\nspec: {order: 1, selector: all(), ingress: [{action: Allow}]}\n`;

describe("deliver-alert", () => {
  it("retries a failing webhook with backoff until it answers, counting every attempt", async () => {
    let calls = 0;
    const bodies: Array<{ event: { name: string } }> = [];
    const hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        calls++;
        bodies.push(JSON.parse(body));
        res.writeHead(calls === 1 ? 503 : 200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    try {
      const rule = await createAlertRule(w.deps, actor, { filter: { name: "default.webhooked" }, channel: "WEBHOOK", target: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` });
      await createResource(w.deps, actor, { clusterId, yaml: policy("webhooked") });
      await expect.poll(async () => (await db.system.alertDelivery.findFirst({ where: { ruleId: rule.id } }))?.status, { timeout: 20_000 }).toBe("DELIVERED");
      const delivery = await db.system.alertDelivery.findFirstOrThrow({ where: { ruleId: rule.id } });
      expect(delivery).toMatchObject({ attempts: 2, lastError: null });
      expect(calls).toBe(2);
      expect(bodies[1]!.event.name).toBe("default.webhooked");
    } finally {
      hook.close();
    }
  });

  it("mails an EMAIL alert through the outbox", async () => {
    const target = `alerts.${hex()}@alerts-corp.com`;
    const rule = await createAlertRule(w.deps, actor, { filter: { name: "default.mailed" }, channel: "EMAIL", target });
    await createResource(w.deps, actor, { clusterId, yaml: policy("mailed") });
    await expect.poll(() => smtp.to(target).length, { timeout: 20_000 }).toBe(1);
    expect(smtp.to(target)[0]!.subject).toBe(`Palisade alert: ${actor.display} create GlobalNetworkPolicy default.mailed (ALLOWED)`);
    expect((await db.system.alertDelivery.findFirstOrThrow({ where: { ruleId: rule.id } })).status).toBe("DELIVERED");
  });
});
