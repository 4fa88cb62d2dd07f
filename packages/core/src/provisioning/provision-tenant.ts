import { isUniqueViolation, type Tx } from "@palisade/db";
import { createCluster } from "../clusters/clusters.ts";
import { publicUrlOf, type CoreDeps } from "../deps.ts";
import { dispatchEmails, queueEmail } from "../email/outbox.ts";
import { trialCredentials } from "../email/templates.ts";
import { announceTrialRequest } from "../signup/trial-requests.ts";
import { createAccessToken } from "../tenancy/access-tokens.ts";
import { firstFreeSlug, slugify } from "../tenancy/slugs.ts";

const MAX_SLUG_ATTEMPTS = 25;

export type ProvisionOutcome = "provisioned" | "already-provisioned" | "not-approved";

/**
 * Turns an approved trial request into a tenant: the tenant, its owner, an access token, a first cluster
 * named after the distribution with its registration token, the trial end, and the credentials email in
 * the outbox, all in one transaction. Safe to run any number of times: a crash before the commit leaves
 * nothing behind, and a run after it only makes sure the email is on its way. Runs that race (a job
 * retried while its first attempt still runs, or colleagues of one company provisioned together) neither
 * fail nor duplicate: the loser of the same request finishes, the loser of a slug takes the next one.
 */
export async function provisionTenant(deps: CoreDeps, trialRequestId: string, pause?: () => Promise<void>): Promise<ProvisionOutcome> {
  const db = deps.db.system; // cross-tenant: the tenant does not exist yet.
  const request = await db.trialRequest.findUnique({ where: { id: trialRequestId } });
  if (!request) return "not-approved";

  const existing = await db.tenant.findUnique({ where: { trialRequestId } });
  if (existing) {
    await finish(deps, trialRequestId, existing.id);
    return "already-provisioned";
  }
  if (request.status !== "APPROVED" && request.status !== "PROVISIONING") return "not-approved";
  await db.trialRequest.update({ where: { id: trialRequestId }, data: { status: "PROVISIONING", reason: null } });
  await announceTrialRequest(deps, trialRequestId);

  const now = deps.now();
  const base = slugify(request.company);
  const trialEndsAt = new Date(now.getTime() + deps.config.trialDays * 86_400_000);
  const publicUrl = publicUrlOf(deps.config);

  const create = (slug: string) => db.$transaction(
    async (tx: Tx) => {
      const tenant = await tx.tenant.create({ data: { slug, name: request.company, status: "TRIAL", trialEndsAt, trialRequestId } });
      const user = await tx.user.create({ data: { tenantId: tenant.id, email: request.email, name: `${request.firstName} ${request.lastName}` } });
      await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "owner" } });
      const { token } = await createAccessToken(tx, { tenantId: tenant.id, userId: user.id, name: "trial owner token" });
      const { cluster, registration } = await createCluster(tx, {
        tenantId: tenant.id,
        name: request.kubernetesDistribution.toLowerCase(),
        distribution: request.kubernetesDistribution,
        publicUrl,
        ttlHours: deps.config.registrationTokenTtlHours,
        now,
      });
      await pause?.();
      await queueEmail(tx, {
        tenantId: tenant.id,
        kind: "trial-credentials",
        to: request.email,
        message: trialCredentials({
          firstName: request.firstName,
          company: request.company,
          portalUrl: publicUrl,
          graphqlUrl: `${publicUrl}/graphql`,
          accessToken: token,
          clusterName: cluster.name,
          installCommand: registration.installCommand,
          registrationExpiresAt: registration.expiresAt,
          trialEndsAt,
        }),
      });
      await tx.trialRequest.update({ where: { id: trialRequestId }, data: { status: "READY", tenantId: tenant.id } });
      return tenant.id;
    },
    { timeout: 60_000 },
  );

  for (let attempt = 1; ; attempt++) {
    const taken = new Set((await db.tenant.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((t) => t.slug));
    try {
      const tenantId = await create(firstFreeSlug(base, taken));
      await finish(deps, trialRequestId, tenantId);
      return "provisioned";
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // A concurrent run of this same request committed first: it is provisioned, only finish.
      const done = await db.tenant.findUnique({ where: { trialRequestId } });
      if (done) {
        await finish(deps, trialRequestId, done.id);
        return "already-provisioned";
      }
      // A colleague's tenant took the slug meanwhile (a workshop signs up together): take the next free one.
      if (attempt >= MAX_SLUG_ATTEMPTS) throw e;
    }
  }
}

async function finish(deps: CoreDeps, trialRequestId: string, tenantId: string): Promise<void> {
  const db = deps.db.system;
  await db.trialRequest.updateMany({ where: { id: trialRequestId, status: { not: "READY" } }, data: { status: "READY", tenantId } });
  const unsent = await db.email.findMany({ where: { tenantId, kind: "trial-credentials", sentAt: null }, select: { id: true } });
  await dispatchEmails(deps.jobs, unsent.map((e) => e.id));
  await announceTrialRequest(deps, trialRequestId);
}

/** Called when the job has used up its attempts: an operator sees why and can retry. */
export async function markProvisioningFailed(deps: CoreDeps, trialRequestId: string, reason: string): Promise<void> {
  await deps.db.system.trialRequest.updateMany({
    where: { id: trialRequestId, status: { in: ["APPROVED", "PROVISIONING"] } },
    data: { status: "FAILED", reason: reason.slice(0, 2000) },
  });
  await announceTrialRequest(deps, trialRequestId);
}
