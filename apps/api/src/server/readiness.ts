import type { Request, Response } from "express";
import type { ApiDeps } from "../deps.ts";

/**
 * GET /readyz: 200 when Postgres and Redis both answer, 503 otherwise, saying which. Each check gets
 * `timeoutMs`: the Redis client queues commands while it reconnects (BullMQ needs maxRetriesPerRequest:
 * null), so without a deadline an unreachable Redis would leave the probe hanging instead of answering 503.
 */
export function readiness(deps: Pick<ApiDeps, "db" | "redis">, timeoutMs = 2000) {
  return async (_req: Request, res: Response) => {
    const checks = await Promise.allSettled([within(deps.db.ping(), timeoutMs), within(deps.redis.ping(), timeoutMs)]);
    const [postgres, redis] = checks.map((c) => (c.status === "fulfilled" ? "ok" : `unreachable: ${(c.reason as Error).message}`));
    const ready = checks.every((c) => c.status === "fulfilled");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", postgres, redis });
  };
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => {}); // a late failure after the deadline is not an unhandled rejection
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
