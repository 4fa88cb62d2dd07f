import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Config, Logger } from "@palisade/config";
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, publicUrlOf } from "@palisade/core";
import { migrate } from "@palisade/db";
import { resolvePostgres, resolveRedis, type Service } from "./services.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export type PalisadeApp = "api" | "worker";

export interface PalisadeOptions {
  config: Readonly<Config>;
  log: Pick<Logger, "info">;
  /** the children's environment before DATABASE_URL and REDIS_URL are set (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** where the API's and the worker's output goes: the terminal (default), or `<logDir>/<app>.log` */
  logDir?: string;
  /** the API or the worker stopped while Palisade was not being stopped */
  onUnexpectedExit?: (app: PalisadeApp, code: number | null, signal: NodeJS.Signals | null) => void;
}

/**
 * Palisade on this machine, as `npm start` runs it: finds (or starts) Postgres and Redis, applies the
 * migrations, runs the API and the worker as child processes. `stop()` may be called at any moment,
 * also while `start()` is still under way; it ends whatever was started so far.
 */
export class Palisade {
  readonly url: string;
  readonly services: Service[] = [];
  readonly children: ChildProcess[] = [];
  postgres: Service | null = null;
  redis: Service | null = null;
  private stopping = false;

  constructor(private readonly o: PalisadeOptions) {
    this.url = publicUrlOf(o.config);
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Resolves once the API answers /healthz: true; false when stopped first or the API never answered. */
  async start(): Promise<boolean> {
    const { config, log } = this.o;
    const postgres = await resolvePostgres(config.database.url, DEFAULT_DATABASE_URL, config.dataDir, (m) => log.info(m));
    this.postgres = postgres;
    this.services.push(postgres);
    const redis = await resolveRedis(config.redisUrl, DEFAULT_REDIS_URL, config.dataDir, (m) => log.info(m));
    this.redis = redis;
    this.services.push(redis);
    const applied = await migrate({ ownerUrl: postgres.url, appRole: config.database.appRole, appPassword: config.database.appPassword, log: (m) => log.info(m) });
    log.info({ postgres: postgres.origin, redis: redis.origin, migrationsApplied: applied.length }, "database ready");
    if (this.stopping) return false;

    const env = { ...(this.o.env ?? process.env), DATABASE_URL: postgres.url, REDIS_URL: redis.url };
    const tsx = path.join(root, "node_modules/.bin/tsx");
    if (this.o.logDir) mkdirSync(this.o.logDir, { recursive: true });
    for (const app of ["api", "worker"] as const) {
      const out = this.o.logDir ? openSync(path.join(this.o.logDir, `${app}.log`), "a") : "inherit";
      const child = spawn(tsx, [path.join(root, `apps/${app}/src/main.ts`)], { env, stdio: out === "inherit" ? "inherit" : ["ignore", out, out] });
      child.on("exit", (code, signal) => {
        if (!this.stopping) this.o.onUnexpectedExit?.(app, code, signal);
      });
      this.children.push(child);
    }
    for (let i = 0; i < 600 && !this.stopping; i++) {
      if (await fetch(`${this.url}/healthz`).then((r) => r.ok, () => false)) return true;
      await sleep(200);
    }
    return false;
  }

  /** Stops the API and the worker (SIGTERM, waiting for them), then the services it started. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await Promise.all(this.children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    for (const s of [...this.services].reverse()) await s.stop().catch(() => {});
    this.services.length = 0;
  }
}
