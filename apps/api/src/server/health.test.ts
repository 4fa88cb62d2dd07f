import { Database } from "@palisade/db";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../test/api-harness.ts";

let db: Database;
let t: RunningApi;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe("health", () => {
  it("/healthz answers 200 while the process is up", async () => {
    expect(await getJson(`${t.url}/healthz`)).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("/readyz answers 200 when Postgres and Redis both answer", async () => {
    expect(await getJson(`${t.url}/readyz`)).toEqual({ status: 200, body: { status: "ready", postgres: "ok", redis: "ok" } });
  });

  it("/readyz answers 503 naming Redis when Redis is unreachable", async () => {
    // the settings Palisade's own clients use (maxRetriesPerRequest: null), on a port where nothing listens
    const unreachable = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => 200 });
    unreachable.on("error", () => {});
    const api = await startApi(buildDeps(db, testConfig(), { redis: unreachable }));
    try {
      const { status, body } = await getJson(`${api.url}/readyz`);
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: "not ready", postgres: "ok" });
      expect(body.redis).toMatch(/^unreachable/);
      // the process itself is still up
      expect((await getJson(`${api.url}/healthz`)).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  it("/readyz answers 503 naming Postgres when the database cannot be reached", async () => {
    const url = "postgresql://postgres@127.0.0.1:1/palisade";
    const nowhere = new Database({ ownerUrl: url, tenantUrl: url, poolSize: 1 });
    const api = await startApi(buildDeps(nowhere, testConfig()));
    try {
      const { status, body } = await getJson(`${api.url}/readyz`);
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: "not ready", redis: "ok" });
      expect(body.postgres).toMatch(/^unreachable/);
    } finally {
      await api.stop();
      await nowhere.close();
    }
  });
});
