import type { Database, Tx } from "@palisade/db";
import { generateSecret, hashSecret, isSecretOfKind, secretPrefix } from "../secrets/tokens.ts";
import { ConnectRefusal } from "./refusal.ts";

export interface ConnectorIdentity {
  tenantId: string;
  clusterId: string;
  clusterName: string;
}

async function issueCredential(tx: Tx, tenantId: string, clusterId: string): Promise<string> {
  const credential = generateSecret("ccr");
  await tx.clusterCredential.create({ data: { tenantId, clusterId, prefix: secretPrefix(credential), hash: hashSecret(credential) } });
  return credential;
}

/**
 * First contact: consumes the registration token and returns the cluster's long-lived credential, in one
 * transaction, so a token can be traded once however many connectors race with it. The cluster's identity
 * (kube-system uid) is recorded; a cluster registered before under another uid is refused.
 * Cross-tenant: the token is all the connector has.
 */
export async function registerConnector(db: Database, args: { token: string; kubeSystemUid: string; now: Date }): Promise<ConnectorIdentity & { credential: string }> {
  if (!isSecretOfKind(args.token, "reg")) throw new ConnectRefusal("UNAUTHENTICATED", "the registration token is not valid");
  return db.system.$transaction(async (tx) => {
    const token = await tx.registrationToken.findUnique({ where: { hash: hashSecret(args.token) }, include: { cluster: true } });
    if (!token) throw new ConnectRefusal("UNAUTHENTICATED", "the registration token is not valid");
    if (token.usedAt) throw new ConnectRefusal("TOKEN_USED", "the registration token was already used; a connector registers once and then uses its cluster credential");
    if (token.revokedAt) throw new ConnectRefusal("TOKEN_REVOKED", "the registration token was revoked");
    if (token.expiresAt <= args.now) throw new ConnectRefusal("TOKEN_EXPIRED", `the registration token expired on ${token.expiresAt.toISOString()}`);
    const existing = await tx.clusterConnection.findUnique({ where: { clusterId: token.clusterId } });
    if (existing && existing.kubeSystemUid !== args.kubeSystemUid) {
      throw new ConnectRefusal("WRONG_CLUSTER", `cluster ${token.cluster.name} is registered to another Kubernetes cluster (kube-system uid ${existing.kubeSystemUid})`);
    }
    // the conditional update decides between racing connectors: only one sees a row change
    const used = await tx.registrationToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: args.now } });
    if (used.count !== 1) throw new ConnectRefusal("TOKEN_USED", "the registration token was already used");
    await tx.clusterConnection.upsert({
      where: { clusterId: token.clusterId },
      create: { clusterId: token.clusterId, tenantId: token.tenantId, kubeSystemUid: args.kubeSystemUid, registeredAt: args.now },
      update: {},
    });
    const credential = await issueCredential(tx, token.tenantId, token.clusterId);
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
  return issueCredential(tx, args.tenantId, args.clusterId);
}

/** Revokes every credential of the cluster; answers how many were still valid. */
export async function revokeClusterCredentials(tx: Tx, args: { clusterId: string; now: Date }): Promise<number> {
  const r = await tx.clusterCredential.updateMany({
    where: { clusterId: args.clusterId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: args.now } }] },
    data: { revokedAt: args.now },
  });
  return r.count;
}
