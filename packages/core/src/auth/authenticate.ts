import type { Config } from "@palisade/config";
import type { Database } from "@palisade/db";
import { unauthenticated } from "../errors.ts";
import { hashSecret, isSecretOfKind, secretsEqual } from "../secrets/tokens.ts";
import type { Principal } from "./principal.ts";
import type { PrincipalCache } from "./principal-cache.ts";

const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves a bearer token to its principal, or throws UNAUTHENTICATED saying why. Tokens are looked up by
 * their SHA-256 (a unique index), so the secret itself is never compared or stored.
 */
export async function authenticate(db: Database, config: Readonly<Config>, token: string, now: Date, cache?: PrincipalCache): Promise<Principal> {
  if (config.operatorToken && secretsEqual(token, config.operatorToken)) return { kind: "operator", tokenId: "OPERATOR_TOKEN" };
  const hash = hashSecret(token);
  const key = Buffer.from(hash).toString("base64");
  const cached = cache?.get(key, now.getTime());
  if (cached) return cached;
  const principal = await lookup(db, token, hash, now);
  cache?.set(key, principal, now.getTime());
  return principal;
}

async function lookup(db: Database, token: string, hash: Uint8Array<ArrayBuffer>, now: Date): Promise<Principal> {
  if (isSecretOfKind(token, "opr")) {
    // cross-tenant: operator tokens belong to no tenant.
    const op = await db.system.operatorToken.findUnique({ where: { hash } });
    if (!op || op.revokedAt) throw unauthenticated("the operator token is unknown or revoked");
    return { kind: "operator", tokenId: op.id };
  }
  if (!isSecretOfKind(token, "pat")) throw unauthenticated("the bearer token is not a Palisade access token");
  // cross-tenant: authentication finds the tenant from the token.
  const row = await db.system.accessToken.findUnique({
    where: { hash },
    include: { tenant: { select: { status: true } }, user: { select: { email: true, memberships: { select: { role: true } } } } },
  });
  if (!row) throw unauthenticated("the access token is unknown");
  if (row.revokedAt) throw unauthenticated("the access token has been revoked");
  if (row.expiresAt && row.expiresAt <= now) throw unauthenticated("the access token has expired");
  if (row.tenant.status === "SUSPENDED") throw unauthenticated("the tenant is suspended");
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    void db.system.accessToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => {});
  }
  return {
    kind: "user",
    tenantId: row.tenantId,
    tenantStatus: row.tenant.status,
    userId: row.userId,
    email: row.user.email,
    tokenId: row.id,
    roles: [...new Set(row.user.memberships.map((m) => m.role))],
  };
}
