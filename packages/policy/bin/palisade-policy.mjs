#!/usr/bin/env node
// Runs the TypeScript CLI through tsx; paths resolve from this file, so any working directory works.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");
const r = spawnSync(process.execPath, ["--import", tsx, main, ...process.argv.slice(2)], { stdio: "inherit" });
if (r.error) {
  console.error(r.error.message);
  process.exit(2);
}
process.exit(r.status ?? 2);
