import type { Config } from "@palisade/config";
import { Database, tenantUrlFrom } from "@palisade/db";
import type { Redis } from "ioredis";
import type { CoreDeps } from "./deps.ts";
import { PubSub } from "./events/pubsub.ts";
import { JobQueue } from "./jobs/queue.ts";
import { createRedis } from "./redis.ts";

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/palisade";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Connects a process to Postgres and Redis as configured; `close` releases all of it. */
export function connect(config: Readonly<Config>, processName: string): CoreDeps & { redis: Redis; close(): Promise<void> } {
  const ownerUrl = config.database.url ?? DEFAULT_DATABASE_URL;
  const db = new Database({
    ownerUrl,
    tenantUrl: tenantUrlFrom(ownerUrl, config.database.appRole, config.database.appPassword),
    poolSize: config.database.poolSize,
  });
  const redisUrl = config.redisUrl ?? DEFAULT_REDIS_URL;
  const redis = createRedis(redisUrl, processName);
  const subscriber = createRedis(redisUrl, `${processName}-events`);
  const jobs = new JobQueue(redis, config.redisKeyPrefix);
  const events = new PubSub(redis, subscriber, config.redisKeyPrefix);
  return {
    db,
    redis,
    jobs,
    events,
    config,
    now: () => new Date(),
    close: async () => {
      await jobs.close();
      await db.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
