import type { Tx } from "@palisade/db";
import { badInput, conflict, notFound } from "../errors.ts";
import { isUniqueViolation } from "@palisade/db";
import { seedBuiltinTiers } from "../policies/builtin-tiers.ts";
import { generateSecret, hashSecret, secretPrefix } from "../secrets/tokens.ts";
import type { Distribution } from "../signup/input.ts";

export interface IssuedRegistrationToken {
  token: string;
  expiresAt: Date;
  installCommand: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkClusterName(name: string): void {
  if (!NAME.test(name)) {
    throw badInput("name", "name must be a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit");
  }
}

export function installCommand(publicUrl: string, token: string): string {
  return `curl -s ${publicUrl}/install/${token}--management_install.sh | bash`;
}

/** Creates a cluster and its first registration token, inside the caller's transaction. */
export async function createCluster(
  tx: Tx,
  args: { tenantId: string; name: string; distribution?: Distribution | null; publicUrl: string; ttlHours: number; now: Date },
) {
  checkClusterName(args.name);
  let cluster;
  try {
    cluster = await tx.cluster.create({ data: { tenantId: args.tenantId, name: args.name, distribution: args.distribution ?? null } });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`a cluster named "${args.name}" already exists`);
    throw e;
  }
  await seedBuiltinTiers(tx, args.tenantId, cluster.id);
  const registration = await issueRegistrationToken(tx, { ...args, clusterId: cluster.id });
  return { cluster, registration };
}

/** Revokes the cluster's open registration tokens and issues a new one. */
export async function issueRegistrationToken(
  tx: Tx,
  args: { tenantId: string; clusterId: string; publicUrl: string; ttlHours: number; now: Date },
): Promise<IssuedRegistrationToken> {
  const cluster = await tx.cluster.findUnique({ where: { id: args.clusterId } });
  if (!cluster) throw notFound(`cluster ${args.clusterId}`);
  await tx.registrationToken.updateMany({
    where: { clusterId: args.clusterId, usedAt: null, revokedAt: null },
    data: { revokedAt: args.now },
  });
  const token = generateSecret("reg");
  const expiresAt = new Date(args.now.getTime() + args.ttlHours * 3600_000);
  await tx.registrationToken.create({
    data: { tenantId: args.tenantId, clusterId: args.clusterId, prefix: secretPrefix(token), hash: hashSecret(token), expiresAt },
  });
  return { token, expiresAt, installCommand: installCommand(args.publicUrl, token) };
}

export async function revokeRegistrationTokens(tx: Tx, clusterId: string, now: Date): Promise<number> {
  const r = await tx.registrationToken.updateMany({ where: { clusterId, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
  return r.count;
}
