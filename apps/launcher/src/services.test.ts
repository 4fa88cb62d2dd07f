import { mkdtempSync } from "node:fs";
import { chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { resolvePostgres, resolveRedis, ServiceUnavailable, type Service } from "./services.ts";

const started: Service[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

function dataDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "palisade-launcher-"));
  chmodSync(dir, 0o755); // the embedded Postgres runs as an unprivileged user that must reach it
  return dir;
}

describe("finding Postgres", () => {
  it("uses the local default address when it answers", async () => {
    const s = await resolvePostgres(undefined, "postgresql://postgres@127.0.0.1:5432/palisade", dataDir(), () => {});
    expect(s.origin).toBe("local");
  });

  it("starts an embedded Postgres in the data folder when nothing answers", async () => {
    const dir = dataDir();
    const said: string[] = [];
    const s = await resolvePostgres(undefined, "postgresql://postgres@127.0.0.1:1/palisade", dir, (m) => said.push(m));
    started.push(s);
    expect(s.origin).toBe("started");
    expect(said.join("\n")).toContain(path.join(dir, "postgres"));
    const client = new pg.Client({ connectionString: s.url.replace(/\/palisade$/, "/postgres") });
    await client.connect();
    expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    await client.end();
  }, 120_000);

  it("refuses a configured DATABASE_URL that does not answer, saying so", async () => {
    await expect(resolvePostgres("postgresql://postgres@127.0.0.1:1/x", "postgresql://postgres@127.0.0.1:5432/palisade", dataDir(), () => {})).rejects.toThrow(
      ServiceUnavailable,
    );
    await expect(resolvePostgres("postgresql://postgres@127.0.0.1:1/x", "postgresql://postgres@127.0.0.1:5432/palisade", dataDir(), () => {})).rejects.toThrow(
      /DATABASE_URL does not answer/,
    );
  });
});

describe("finding Redis", () => {
  it("starts redis-server from PATH when nothing answers at the default address", async () => {
    const dir = dataDir();
    const s = await resolveRedis(undefined, "redis://127.0.0.1:1", dir, () => {});
    started.push(s);
    expect(s.origin === "started" || s.origin === "local").toBe(true);
    const r = new Redis(s.url);
    expect(await r.ping()).toBe("PONG");
    r.disconnect();
  });

  it("refuses a configured REDIS_URL that does not answer, saying so", async () => {
    await expect(resolveRedis("redis://127.0.0.1:1", "redis://127.0.0.1:6379", dataDir(), () => {})).rejects.toThrow(/REDIS_URL does not answer/);
  });
});
