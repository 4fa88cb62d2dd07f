import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

export interface Proc {
  child: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs apps/<name>/src/main.ts as its own process, the way `npm start` does. */
export function startApp(name: "api" | "worker", env: Record<string, string>): Proc {
  const child = spawn(tsx, [path.join(root, `apps/${name}/src/main.ts`)], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const m = out.match(pattern);
        if (m) return m[0];
        if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before printing ${pattern}:\n${out}`);
        await sleep(50);
      }
      throw new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${out}`);
    },
    async kill(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await exited;
    },
  };
}

/** Environment shared by the processes of one test: its own database, Redis prefix and port. */
export function testEnv(database: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${database}`,
    REDIS_URL: "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: `e2e-${randomUUID().slice(0, 8)}`,
    DATABASE_APP_ROLE: "palisade_app_test",
    DATABASE_APP_PASSWORD: "palisade_app_test",
    SIGNUP_LIMIT_PER_ADDRESS: "1000",
    ...extra,
  };
}

export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}
