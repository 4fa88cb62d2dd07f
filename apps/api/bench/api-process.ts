import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function waitUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (await fetch(url).then((r) => r.status < 500, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** The API as its own process on the benchmark database, as `npm start` runs it; resolves once it answers. */
export async function startApiProcess(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "apps/api/src/main.ts")], {
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: "warn",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/palisade_bench",
      DATABASE_APP_ROLE: "palisade_app_test",
      DATABASE_APP_PASSWORD: "palisade_app_test",
      DATABASE_POOL_SIZE: "20",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitUp(`http://127.0.0.1:${port}/healthz`, child);
  return { child, port };
}
