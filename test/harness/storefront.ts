import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@palisade/config";
import { Demo, type DemoOptions, type DemoRun } from "@palisade/demo";
import { freePort } from "./database.ts";
import { testEnv } from "./processes.ts";

export interface StorefrontDemo {
  demo: Demo;
  run: DemoRun;
  dataDir: string;
  ownerUrl: string;
}

/**
 * `npm run demo`'s orchestration for an e2e test: Palisade on the test's own database, Redis prefix, port and
 * data dir; a tenant signed up with the promo code; the storefront cluster connected by the install script;
 * stage E applied through the API and the rogue pod deployed. Stop it with `demo.stop()`.
 */
export async function startStorefrontDemo(database: string, options: Omit<DemoOptions, "config" | "env"> = {}): Promise<StorefrontDemo> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), `${database}-`));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...testEnv(database, { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "info" }),
    PUBLIC_URL: undefined,
    SMTP_URL: undefined,
    MAIL_DIR: undefined,
  };
  const demo = new Demo({ simClusterId: `${database}-${port}`, ...options, config: loadConfig(env), env });
  try {
    return { demo, run: await demo.start(), dataDir, ownerUrl: env.DATABASE_URL! };
  } catch (e) {
    await demo.stop();
    throw new Error(`${(e as Error).message} (the API's and the worker's logs: ${path.join(dataDir, "demo", "logs")})`);
  }
}
