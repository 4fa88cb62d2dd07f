/**
 * `npm start`: brings Palisade up on this machine. Finds (or starts) Postgres and Redis, applies the
 * migrations, then runs the API and the worker as child processes until Ctrl-C or SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, loadConfigOrExit } from "@palisade/config";
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, publicUrlOf } from "@palisade/core";
import { migrate } from "@palisade/db";
import { resolvePostgres, resolveRedis, ServiceUnavailable, type Service } from "./services.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const config = loadConfigOrExit();
const log = createLogger("palisade", config.logLevel);
const services: Service[] = [];
const children: ChildProcess[] = [];
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  log.info("stopping Palisade");
  await shutdown(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function shutdown(code: number) {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  for (const s of services.reverse()) await s.stop().catch(() => {});
  process.exit(code);
}

try {
  const postgres = await resolvePostgres(config.database.url, DEFAULT_DATABASE_URL, config.dataDir, (m) => log.info(m));
  services.push(postgres);
  const redis = await resolveRedis(config.redisUrl, DEFAULT_REDIS_URL, config.dataDir, (m) => log.info(m));
  services.push(redis);
  const applied = await migrate({ ownerUrl: postgres.url, appRole: config.database.appRole, appPassword: config.database.appPassword, log: (m) => log.info(m) });
  log.info({ postgres: postgres.origin, redis: redis.origin, migrationsApplied: applied.length }, "database ready");

  const env = { ...process.env, DATABASE_URL: postgres.url, REDIS_URL: redis.url };
  const tsx = path.join(root, "node_modules/.bin/tsx");
  for (const app of ["api", "worker"]) {
    const child = spawn(tsx, [path.join(root, `apps/${app}/src/main.ts`)], { env, stdio: "inherit" });
    child.on("exit", (code, signal) => {
      if (!stopping) {
        log.error({ app, code, signal }, `the ${app} process stopped; stopping Palisade`);
        void stop(1);
      }
    });
    children.push(child);
  }
  const url = publicUrlOf(config);
  for (let i = 0; i < 600 && !stopping; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) {
      console.log(
        `\nPalisade is running.\n  GraphQL API:  ${url}/graphql (HTTP and WebSocket)\n  GraphQL IDE:  ${url}/ide\n` +
          `  Operator token: npm run operator:token\n  Mail without SMTP_URL goes to ${config.mail.dir}\nCtrl-C stops it.\n`,
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
} catch (e) {
  if (e instanceof ServiceUnavailable) {
    log.error(e.message);
    await shutdown(1);
  }
  throw e;
}
