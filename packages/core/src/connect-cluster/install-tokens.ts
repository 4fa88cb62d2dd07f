import type { Database } from "@palisade/db";
import { hashSecret, isSecretOfKind } from "../secrets/tokens.ts";

export type InstallTokenState =
  | { state: "UNKNOWN"; reason: string }
  | {
      state: "VALID" | "USED" | "EXPIRED" | "REVOKED";
      reason: string;
      tenantId: string;
      clusterId: string;
      clusterName: string;
      /** the cluster's identity once a connector registered with this token */
      kubeSystemUid: string | null;
      connected: boolean;
    };

/**
 * What a registration token in an install URL stands for. Cross-tenant: the token is the only thing the
 * caller has, so the lookup is by its hash on the owner's client.
 */
export async function inspectInstallToken(db: Database, token: string, now: Date): Promise<InstallTokenState> {
  if (!isSecretOfKind(token, "reg")) return { state: "UNKNOWN", reason: "this install link is not valid: ask for a new one in Palisade (issueRegistrationToken)" };
  // cross-tenant: resolving a registration token to its tenant
  const row = await db.system.registrationToken.findUnique({ where: { hash: hashSecret(token) }, include: { cluster: true } });
  if (!row) return { state: "UNKNOWN", reason: "this install link is not valid: ask for a new one in Palisade (issueRegistrationToken)" };
  // cross-tenant: as above
  const connection = await db.system.clusterConnection.findUnique({ where: { clusterId: row.clusterId } });
  const base = {
    tenantId: row.tenantId,
    clusterId: row.clusterId,
    clusterName: row.cluster.name,
    kubeSystemUid: connection?.kubeSystemUid ?? null,
    connected: connection?.connected ?? false,
  };
  if (row.usedAt) return { state: "USED", reason: `this install link was already used on ${row.usedAt.toISOString()}`, ...base };
  if (row.revokedAt) return { state: "REVOKED", reason: `this install link was revoked on ${row.revokedAt.toISOString()}: ask for a new one in Palisade`, ...base };
  if (row.expiresAt <= now) return { state: "EXPIRED", reason: `this install link expired on ${row.expiresAt.toISOString()}: ask for a new one in Palisade`, ...base };
  return { state: "VALID", reason: "valid", ...base };
}
