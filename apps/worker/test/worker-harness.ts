import { randomBytes, randomUUID } from "node:crypto";
import { createLogger, loadConfig, type Config } from "@palisade/config";
import { createRedis, JobQueue, PubSub } from "@palisade/core";
import type { Database, PromoCode } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import type { Worker } from "bullmq";
import type { WorkerDeps } from "../src/deps.ts";
import { createMailTransport } from "../src/mail/transport.ts";
import { startWorker } from "../src/worker.ts";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const PUBLIC_URL = "https://palisade.test";

export const hex = (bytes = 4) => randomBytes(bytes).toString("hex");

/** The worker workspace's own database; every test makes its own tenants and addresses. */
export function openWorkerDatabase(): Promise<Database> {
  return openTestDatabase("palisade_test_worker").then((t) => t.db);
}

/** A config for one test file, with a Redis prefix of its own so its queue is its own. */
export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({ LOG_LEVEL: "silent", REDIS_KEY_PREFIX: `t-${randomUUID()}`, PUBLIC_URL, ...env });
}

export interface RunningWorker {
  deps: WorkerDeps;
  worker: Worker;
  stop(): Promise<void>;
}

/** The real worker (startWorker) on the test database, with the mail transport the config asks for. */
export async function startTestWorker(db: Database, config: Readonly<Config>, now: () => Date = () => new Date()): Promise<RunningWorker> {
  const redis = createRedis(REDIS_URL, "worker-test");
  const subscriber = createRedis(REDIS_URL, "worker-test-events");
  const log = createLogger("test", process.env.TEST_LOG_LEVEL ?? "silent");
  const jobs = new JobQueue(redis, config.redisKeyPrefix);
  const mail = createMailTransport(config.mail, log);
  const deps: WorkerDeps = { db, redis, jobs, events: new PubSub(redis, subscriber, config.redisKeyPrefix), config, now, log, mail };
  const worker = startWorker(deps);
  await worker.waitUntilReady();
  return {
    deps,
    worker,
    stop: async () => {
      await worker.close();
      await jobs.close();
      mail.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

/** An auto-approving promo code of the test's own. */
export function createPromo(db: Database, data: Partial<Omit<PromoCode, "id" | "code">> = {}): Promise<PromoCode> {
  // cross-tenant: promo codes are the operators'.
  return db.system.promoCode.create({ data: { code: `W-${hex().toUpperCase()}`, autoApprove: true, distributions: [], ...data } });
}

/** A valid signup from a company and address no other test uses. */
export function trialInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = hex();
  return {
    firstName: "Ada",
    lastName: "Lovelace",
    email: `ada.${id}@corp-${id}.com`,
    company: `Analytical Engines ${id}`,
    kubernetesDistribution: "EKS",
    acceptTerms: true,
    ...overrides,
  };
}
