import type { Database } from "@palisade/db";
import { generateSecret, hashSecret, secretPrefix } from "../secrets/tokens.ts";

/** A new operator token; the secret is returned once. */
export async function createOperatorToken(db: Database, name: string): Promise<string> {
  const token = generateSecret("opr");
  // cross-tenant: operator tokens belong to no tenant.
  await db.system.operatorToken.create({ data: { name, prefix: secretPrefix(token), hash: hashSecret(token) } });
  return token;
}
