import { Database, tenantUrlFrom } from "./clients.ts";
import { migrate } from "./migrate.ts";

/**
 * A migrated database of its own for a test suite, on the Postgres the tests run against
 * (TEST_DATABASE_URL, default the local one). Each suite makes its own tenants, so suites can share it.
 */
export async function openTestDatabase(name: string): Promise<{ db: Database; ownerUrl: string; tenantUrl: string }> {
  const base = new URL(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/${name}`;
  const ownerUrl = base.toString();
  const appRole = "palisade_app_test";
  const appPassword = "palisade_app_test";
  await migrate({ ownerUrl, appRole, appPassword });
  const tenantUrl = tenantUrlFrom(ownerUrl, appRole, appPassword);
  return { db: new Database({ ownerUrl, tenantUrl, poolSize: 5 }), ownerUrl, tenantUrl };
}
