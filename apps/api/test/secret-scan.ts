import type { Database } from "@palisade/db";

/** Names of the tables in which some row, read as text, contains `secret`: proof that only hashes are kept. */
export async function tablesContaining(db: Database, secret: string): Promise<string[]> {
  // cross-tenant: the scan reads every table as the owner.
  const tables = await db.system.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await db.system.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}" r WHERE strpos(r::text, $1) > 0`,
      secret,
    );
    if (Number(rows[0]?.n ?? 0) > 0) found.push(name);
  }
  return found;
}
