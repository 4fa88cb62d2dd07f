import { publicUrlOf, type CoreDeps } from "../deps.ts";
import { dispatchEmails, queueEmail } from "../email/outbox.ts";
import { trialExpired } from "../email/templates.ts";
import { channels } from "../events/pubsub.ts";

/**
 * Expires every trial whose end has passed: the tenant becomes EXPIRED (its tokens still read, but change
 * nothing) and its owners are told by email. Running it twice expires nothing twice.
 */
export async function expireTrials(deps: CoreDeps): Promise<string[]> {
  const now = deps.now();
  // cross-tenant: the daily sweep looks at every tenant.
  const due = await deps.db.system.tenant.findMany({ where: { status: "TRIAL", trialEndsAt: { lte: now } }, select: { id: true } });
  const expired: string[] = [];
  for (const { id } of due) {
    const emailIds = await deps.db.system.$transaction(async (tx) => {
      const r = await tx.tenant.updateMany({ where: { id, status: "TRIAL" }, data: { status: "EXPIRED" } });
      if (r.count === 0) return [];
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id } });
      const owners = await tx.membership.findMany({ where: { tenantId: id, role: "owner" }, include: { user: true } });
      const ids: string[] = [];
      for (const o of owners) {
        ids.push(
          await queueEmail(tx, {
            tenantId: id,
            kind: "trial-expired",
            to: o.user.email,
            message: trialExpired({ firstName: o.user.name.split(" ")[0] ?? o.user.name, company: tenant.name, portalUrl: publicUrlOf(deps.config) }),
          }),
        );
      }
      expired.push(id);
      return ids;
    });
    await dispatchEmails(deps.jobs, emailIds);
  }
  if (expired.length > 0) await deps.events.publish(channels.authChanged(), { tenants: expired });
  return expired;
}
