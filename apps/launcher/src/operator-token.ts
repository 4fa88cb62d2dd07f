/** `npm run operator:token`: prints a new operator token (migrating the database first if needed). */
import { ConfigError, loadConfig } from "@palisade/config";
import { createOperatorToken, DEFAULT_DATABASE_URL } from "@palisade/core";
import { resolvePostgres } from "./services.ts";
import { Database, migrate, tenantUrlFrom } from "@palisade/db";

try {
  const config = loadConfig();
  const postgres = await resolvePostgres(config.database.url, DEFAULT_DATABASE_URL, config.dataDir, (m) => console.error(m));
  const ownerUrl = postgres.url;
  await migrate({ ownerUrl, appRole: config.database.appRole, appPassword: config.database.appPassword });
  const db = new Database({ ownerUrl, tenantUrl: tenantUrlFrom(ownerUrl, config.database.appRole, config.database.appPassword), poolSize: 1 });
  const token = await createOperatorToken(db, process.argv[2] ?? `created ${new Date().toISOString()}`);
  await db.close();
  await postgres.stop();
  console.log(token);
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : `could not create an operator token: ${(e as Error).message}`);
  process.exit(1);
}
