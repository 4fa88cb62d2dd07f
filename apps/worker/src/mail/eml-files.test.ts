import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { requestTrial } from "@palisade/core";
import type { Database } from "@palisade/db";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPromo, openWorkerDatabase, PUBLIC_URL, startTestWorker, testConfig, trialInput, type RunningWorker } from "../../test/worker-harness.ts";

let db: Database;
let dir: string;
let w: RunningWorker;

beforeAll(async () => {
  db = await openWorkerDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "palisade-mail-"));
  // no SMTP_URL: mail goes to MAIL_DIR
  w = await startTestWorker(db, testConfig({ MAIL_DIR: dir }));
});
afterAll(async () => {
  await w?.stop();
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("without SMTP_URL", () => {
  it("writes the credentials mail as an .eml file in MAIL_DIR, readable only by its owner", async () => {
    const promo = await createPromo(db);
    const request = await requestTrial(w.deps, trialInput({ promoCode: promo.code }), "127.0.0.1");
    await expect.poll(async () => (await readdir(dir)).filter((f) => f.endsWith(".eml")).length, { timeout: 20_000 }).toBe(1);

    const [file] = (await readdir(dir)).filter((f) => f.endsWith(".eml"));
    const mail = await simpleParser(await readFile(path.join(dir, file!)));
    expect(mail.subject).toBe("Your Palisade trial credentials");
    expect(Array.isArray(mail.to) ? null : mail.to?.value[0]?.address).toBe(request.email);
    expect(mail.text).toMatch(/pat_[0-9A-Za-z]{40}/);
    expect(mail.text).toContain(`curl -s ${PUBLIC_URL}/install/`);
    expect((await stat(path.join(dir, file!))).mode & 0o777).toBe(0o600);

    const tenant = await db.system.tenant.findUniqueOrThrow({ where: { trialRequestId: request.id } });
    await expect.poll(async () => (await db.system.email.findFirstOrThrow({ where: { tenantId: tenant.id } })).text).toBeNull();
  });
});
