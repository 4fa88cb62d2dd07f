import type { Database, Tx } from "@palisade/db";
import { generateSecret, hashSecret, isSecretOfKind, secretPrefix } from "../secrets/tokens.ts";
import { ConnectRefusal } from "./refusal.ts";

export interface ConnectorIdentity {
  tenantId: string;
  clusterId: string;
  clusterName: string;
}

/**
 * How long after a registration the same cluster may present the token again while the credential it was
 * given has never been used: a connector that died before saving it to its Secret registers again.
 */
export const REGISTRATION_RETRY_SECONDS = 600;

async function issueCredential(tx: Tx, tenantId: string, clusterId: string, now: Date): Promise<string> {
  const credential = generateSecret("ccr");
  await tx.clusterCredential.create({ data: { tenantId, clusterId, prefix: secretPrefix(credential), hash: hashSecret(credential), createdAt: now } });
  return credential;
}

/**
 * A used token presented again: allowed (answered by the credentials it may revoke) only from the cluster
 * that used it, within the retry window, while no credential issued since has been used (a connector uses
 * its credential only once it has saved it). Otherwise refused.
 */
async function retryRegistration(
  tx: Tx,
  token: { clusterId: string; usedAt: Date; cluster: { name: string } },
  existing: { kubeSystemUid: string } | null,
  args: { kubeSystemUid: string; now: Date },
): Promise<void> {
  if (!existing || existing.kubeSystemUid !== args.kubeSystemUid) {
    throw new ConnectRefusal("TOKEN_USED", "the registration token was already used by another cluster (a different kube-system uid)");
  }
  const used = "the registration token was already used; a connector registers once and then uses its cluster credential";
  if (args.now.getTime() - token.usedAt.getTime() > REGISTRATION_RETRY_SECONDS * 1000) throw new ConnectRefusal("TOKEN_USED", used);
  const since = { clusterId: token.clusterId, createdAt: { gte: token.usedAt } };
  if ((await tx.clusterCredential.count({ where: { ...since, lastUsedAt: { not: null } } })) > 0) throw new ConnectRefusal("TOKEN_USED", used);
  // the credential given before was never saved (or never used): it will not be, so it stops working
  await tx.clusterCredential.updateMany({ where: { ...since, revokedAt: null }, data: { revokedAt: args.now } });
}

/**
 * First contact: consumes the registration token and returns the cluster's long-lived credential, in one
 * transaction, so a token can be traded once however many connectors race with it. The cluster's identity
 * (kube-system uid) is recorded; a cluster registered before under another uid is refused. The same cluster
 * may trade the token again for a short while if its credential was never used (see retryRegistration).
 * Cross-tenant: the token is all the connector has.
 */
export async function registerConnector(db: Database, args: { token: string; kubeSystemUid: string; now: Date }): Promise<ConnectorIdentity & { credential: string }> {
  if (!isSecretOfKind(args.token, "reg")) throw new ConnectRefusal("UNAUTHENTICATED", "the registration token is not valid");
  return db.system.$transaction(async (tx) => {
    const found = await tx.registrationToken.findUnique({ where: { hash: hashSecret(args.token) }, select: { id: true } });
    if (!found) throw new ConnectRefusal("UNAUTHENTICATED", "the registration token is not valid");
    // the row lock decides between racing connectors (and retries): one at a time, each seeing the last one's use
    await tx.$queryRaw`SELECT id FROM registration_tokens WHERE id = ${found.id}::uuid FOR UPDATE`;
    const token = await tx.registrationToken.findUniqueOrThrow({ where: { id: found.id }, include: { cluster: true } });
    if (token.revokedAt) throw new ConnectRefusal("TOKEN_REVOKED", "the registration token was revoked");
    const existing = await tx.clusterConnection.findUnique({ where: { clusterId: token.clusterId } });
    if (token.usedAt) {
      await retryRegistration(tx, { ...token, usedAt: token.usedAt }, existing, args);
    } else {
      if (token.expiresAt <= args.now) throw new ConnectRefusal("TOKEN_EXPIRED", `the registration token expired on ${token.expiresAt.toISOString()}`);
      if (existing && existing.kubeSystemUid !== args.kubeSystemUid) {
        throw new ConnectRefusal("WRONG_CLUSTER", `cluster ${token.cluster.name} is registered to another Kubernetes cluster (kube-system uid ${existing.kubeSystemUid})`);
      }
      await tx.registrationToken.update({ where: { id: token.id }, data: { usedAt: args.now } });
      await tx.clusterConnection.upsert({
        where: { clusterId: token.clusterId },
        create: { clusterId: token.clusterId, tenantId: token.tenantId, kubeSystemUid: args.kubeSystemUid, registeredAt: args.now },
        update: {},
      });
    }
    const credential = await issueCredential(tx, token.tenantId, token.clusterId, args.now);
    return { tenantId: token.tenantId, clusterId: token.clusterId, clusterName: token.cluster.name, credential };
  });
}

/** Every later connection: the credential and the cluster identity it was issued for. Cross-tenant by credential. */
export async function authenticateConnector(db: Database, args: { credential: string; kubeSystemUid: string; now: Date }): Promise<ConnectorIdentity> {
  if (!isSecretOfKind(args.credential, "ccr")) throw new ConnectRefusal("UNAUTHENTICATED", "the cluster credential is not valid");
  // cross-tenant: resolving a cluster credential to its tenant
  const row = await db.system.clusterCredential.findUnique({ where: { hash: hashSecret(args.credential) } });
  if (!row) throw new ConnectRefusal("UNAUTHENTICATED", "the cluster credential is not valid");
  if (row.revokedAt) throw new ConnectRefusal("UNAUTHENTICATED", `the cluster credential was revoked on ${row.revokedAt.toISOString()}`);
  if (row.expiresAt && row.expiresAt <= args.now) throw new ConnectRefusal("UNAUTHENTICATED", `the cluster credential was rotated and expired on ${row.expiresAt.toISOString()}`);
  // cross-tenant: as above
  const connection = await db.system.clusterConnection.findUnique({ where: { clusterId: row.clusterId } });
  if (!connection || connection.kubeSystemUid !== args.kubeSystemUid) {
    throw new ConnectRefusal("WRONG_CLUSTER", "the cluster credential belongs to another Kubernetes cluster (kube-system uid differs)");
  }
  // cross-tenant: as above
  const cluster = await db.system.cluster.findUniqueOrThrow({ where: { id: row.clusterId } });
  await db.system.clusterCredential.update({ where: { id: row.id }, data: { lastUsedAt: args.now } });
  return { tenantId: row.tenantId, clusterId: row.clusterId, clusterName: cluster.name };
}

/**
 * A new credential for the cluster; the current ones stay valid for `overlapSeconds` so the connector can
 * save the new one before the old stops working.
 */
export async function rotateClusterCredential(tx: Tx, args: { tenantId: string; clusterId: string; now: Date; overlapSeconds: number }): Promise<string> {
  const until = new Date(args.now.getTime() + args.overlapSeconds * 1000);
  await tx.clusterCredential.updateMany({ where: { clusterId: args.clusterId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: until } }] }, data: { expiresAt: until } });
  return issueCredential(tx, args.tenantId, args.clusterId, args.now);
}

/** Revokes every credential of the cluster; answers how many were still valid. */
export async function revokeClusterCredentials(tx: Tx, args: { clusterId: string; now: Date }): Promise<number> {
  const r = await tx.clusterCredential.updateMany({
    where: { clusterId: args.clusterId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: args.now } }] },
    data: { revokedAt: args.now },
  });
  return r.count;
}
