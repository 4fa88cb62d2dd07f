import { randomUUID } from "node:crypto";
import { createLogger, loadConfig, type Config } from "@palisade/config";
import { createRedis, JobQueue, PubSub } from "@palisade/core";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import type { Redis } from "ioredis";
import { createApi, type Api } from "../src/app.ts";
import type { ApiDeps } from "../src/deps.ts";
import { graphqlClient, type GraphqlClient } from "./graphql-client.ts";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const PUBLIC_URL = "https://palisade.test";

/** The API workspace's own database; every test makes its own tenants and addresses, so files share it. */
export function openApiDatabase(): Promise<Database> {
  return openTestDatabase("palisade_test_api").then((t) => t.db);
}

/**
 * A config for one test file: its own Redis prefix (queues, rate limits and channels never collide) and
 * signup limits high enough that only the tests about limits meet them.
 */
export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    LOG_LEVEL: "silent",
    REDIS_KEY_PREFIX: `t-${randomUUID()}`,
    PUBLIC_URL,
    SIGNUP_LIMIT_PER_ADDRESS: "100000",
    SIGNUP_LIMIT_PER_DOMAIN: "100000",
    ...env,
  });
}

export interface TestDeps extends ApiDeps {
  /** closes this process's Redis connections and queue; the database stays open for the file */
  release(): Promise<void>;
}

/** What main.ts builds from the config, but on the test database; `now` can be moved by the caller. */
export function buildDeps(db: Database, config: Readonly<Config>, options: { now?: () => Date; redis?: Redis; subscriber?: Redis } = {}): TestDeps {
  const redis = options.redis ?? createRedis(REDIS_URL, "api-test");
  const subscriber = options.subscriber ?? createRedis(REDIS_URL, "api-test-events");
  const jobs = new JobQueue(redis, config.redisKeyPrefix);
  return {
    db,
    redis,
    jobs,
    events: new PubSub(redis, subscriber, config.redisKeyPrefix),
    config,
    now: options.now ?? (() => new Date()),
    log: createLogger("test", process.env.TEST_LOG_LEVEL ?? "silent"),
    release: async () => {
      await jobs.close().catch(() => {});
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

export interface RunningApi extends GraphqlClient {
  api: Api;
  url: string;
  deps: TestDeps;
  /** stops the API (if still running) and releases its connections */
  stop(): Promise<void>;
}

/** An API on a free port of 127.0.0.1, over real HTTP and WebSocket. */
export async function startApi(deps: TestDeps): Promise<RunningApi> {
  const api = await createApi(deps);
  const url = await api.listen(0, "127.0.0.1");
  let stopped = false;
  return {
    ...graphqlClient(url),
    api,
    url,
    deps,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await api.close().catch(() => {});
      await deps.release();
    },
  };
}

/**
 * What any code path that revokes a token or changes a tenant's status must do after its write: tell every
 * API process, so principals they hold for a few seconds are dropped. Tests that write such changes
 * directly to the database call it too.
 */
export async function announceAuthChange(deps: TestDeps): Promise<void> {
  await deps.events.publish("auth-changed", { by: "test" });
}
