import type { Tx } from "@palisade/db";
import { generateSecret, hashSecret, secretPrefix } from "../secrets/tokens.ts";

/** Creates an access token for a user; the secret is returned once and only its hash is kept. */
export async function createAccessToken(tx: Tx, args: { tenantId: string; userId: string; name: string; expiresAt?: Date | null }) {
  const token = generateSecret("pat");
  const row = await tx.accessToken.create({
    data: { tenantId: args.tenantId, userId: args.userId, name: args.name, prefix: secretPrefix(token), hash: hashSecret(token), expiresAt: args.expiresAt ?? null },
  });
  return { token, row };
}
