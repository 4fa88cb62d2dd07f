import type { Config, Logger } from "@palisade/config";
import { createRedis, JobQueue, PubSub } from "@palisade/core";
import { Database, tenantUrlFrom } from "@palisade/db";
import type { ApiDeps } from "./deps.ts";

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/palisade";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Connects to Postgres and Redis as configured; `close` releases all of it. */
export function connect(config: Readonly<Config>, log: Logger): ApiDeps & { close(): Promise<void> } {
  const ownerUrl = config.database.url ?? DEFAULT_DATABASE_URL;
  const db = new Database({
    ownerUrl,
    tenantUrl: tenantUrlFrom(ownerUrl, config.database.appRole, config.database.appPassword),
    poolSize: config.database.poolSize,
  });
  const redisUrl = config.redisUrl ?? DEFAULT_REDIS_URL;
  const redis = createRedis(redisUrl, "palisade-api");
  const subscriber = createRedis(redisUrl, "palisade-api-events");
  const jobs = new JobQueue(redis);
  const events = new PubSub(redis, subscriber);
  return {
    db,
    redis,
    jobs,
    events,
    config,
    log,
    now: () => new Date(),
    close: async () => {
      await jobs.close();
      await db.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
