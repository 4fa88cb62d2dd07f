/**
 * Prints the SQL that takes the database from one version of prisma/schema.prisma to the current one,
 * using Prisma 6.19.3's WebAssembly schema engine (Prisma 7's CLI would download an engine this machine
 * cannot reach). Usage: npm run db:diff -w @palisade/db [-- <git revision, default HEAD>]
 * Paste the output into prisma/migrations/<timestamp>_<name>/migration.sql, with any hand-written SQL.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const rev = process.argv[2] ?? "HEAD";
const work = mkdtempSync(path.join(tmpdir(), "palisade-diff-"));

// Prisma 6 needs a datasource url and a client-engine generator, both of which Prisma 7 forbids.
const forPrisma6 = (schema: string) =>
  schema
    .replace(/provider = "postgresql"/, 'provider = "postgresql"\n  url      = env("DATABASE_URL")')
    .replace(/provider\s*= "prisma-client"/, 'provider = "prisma-client"\n  engineType = "client"');

let old = "";
try {
  old = execFileSync("git", ["show", `${rev}:prisma/schema.prisma`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
} catch {
  old = "";
}
writeFileSync(path.join(work, "to.prisma"), forPrisma6(readFileSync(path.join(root, "prisma/schema.prisma"), "utf8")));
if (old) writeFileSync(path.join(work, "from.prisma"), forPrisma6(old));
const config = path.join(root, "packages/db", `.prisma6-${process.pid}.config.ts`);
writeFileSync(
  config,
  `import { defineConfig } from "prisma6/config";
import { PrismaPg } from "adapter-pg6";
export default defineConfig({ experimental: { adapter: true }, engine: "js", schema: ${JSON.stringify(path.join(work, "to.prisma"))},
  async adapter() { return new PrismaPg({ connectionString: process.env.DATABASE_URL }); } });
`,
);
try {
  const from = old ? ["--from-schema-datamodel", path.join(work, "from.prisma")] : ["--from-empty"];
  const sql = execFileSync(
    process.execPath,
    [path.join(root, "node_modules/prisma6/build/index.js"), "migrate", "diff", "--config", config, ...from, "--to-schema-datamodel", path.join(work, "to.prisma"), "--script"],
    { cwd: path.join(root, "packages/db"), encoding: "utf8", env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" } },
  );
  process.stdout.write(sql);
} finally {
  execFileSync("rm", ["-f", config]);
}
