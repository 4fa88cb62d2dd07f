import { randomBytes } from "node:crypto";
import { stringify } from "yaml";
import type { Actor } from "../audit/actor.ts";
import { appendAuditEvents } from "../audit/recorder.ts";
import { publishAuditEvents } from "../audit/events-channel.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, conflict } from "../errors.ts";
import { hashSecret, secretPrefix } from "../secrets/tokens.ts";
import { createAccessToken } from "../tenancy/access-tokens.ts";
import { checkGrantable } from "./roles.ts";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const INVITATION_TTL_DAYS = 7;

/** `inv_` and 40 characters of base64url (240 bits); only its SHA-256 is stored. */
function invitationToken(): string {
  return `inv_${randomBytes(30).toString("base64url")}`;
}

/** Invites a user by email with role bindings; the one-time token is answered once and is the link's secret. */
export function inviteUser(deps: CoreDeps, actor: Actor, a: { email: string; roles: string[] }) {
  const email = a.email.trim().toLowerCase();
  return runChange(deps, actor, { verb: "create", kind: "Invitation", name: email }, async (c) => {
    c.auth.require("create", "users");
    if (!EMAIL.test(email)) throw badInput("email", "not an email address");
    const roles = [...new Set(a.roles)];
    await checkGrantable(c.tx, c.auth, roles);
    if (await c.tx.user.findUnique({ where: { tenantId_email: { tenantId: actor.tenantId, email } } })) throw conflict(`${email} is already a user of this tenant`);
    const token = invitationToken();
    const expiresAt = new Date(c.at.getTime() + INVITATION_TTL_DAYS * 86_400_000);
    const invitation = await c.tx.invitation.create({ data: { tenantId: actor.tenantId, email, roles, prefix: secretPrefix(token), hash: hashSecret(token), expiresAt, invitedBy: actor.userId } });
    c.record({ verb: "create", kind: "Invitation", name: email, afterYaml: stringify({ email, roles, expiresAt: expiresAt.toISOString() }) });
    return { invitation, token };
  });
}

/**
 * Trades an invitation's one-time token for a user of the tenant with the invited roles and an access token
 * (answered once). A used or expired invitation is refused.
 */
export async function acceptInvitation(deps: CoreDeps, a: { token: string; name?: string | null }, from: { sourceAddress: string | null; requestId: string | null }) {
  const now = deps.now();
  // cross-tenant: the invitation's token says which tenant it belongs to.
  const invitation = /^inv_[A-Za-z0-9_-]{40}$/.test(a.token) ? await deps.db.system.invitation.findUnique({ where: { hash: hashSecret(a.token) } }) : null;
  if (!invitation) throw badInput("token", "the invitation token is unknown");
  if (invitation.acceptedAt) throw badInput("token", "the invitation has already been used");
  if (invitation.expiresAt <= now) throw badInput("token", "the invitation has expired; ask for a new one");
  let written: Awaited<ReturnType<typeof appendAuditEvents>> = [];
  const result = await deps.db.withTenant(invitation.tenantId, async (tx) => {
    const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: now } });
    if (claimed.count === 0) throw badInput("token", "the invitation has already been used");
    const user = await tx.user.create({ data: { tenantId: invitation.tenantId, email: invitation.email, name: a.name?.trim() || invitation.email } });
    await tx.membership.createMany({ data: invitation.roles.map((role) => ({ tenantId: invitation.tenantId, userId: user.id, role })) });
    const { token, row } = await createAccessToken(tx, { tenantId: invitation.tenantId, userId: user.id, name: "invitation" });
    const actor: Actor = { tenantId: invitation.tenantId, userId: user.id, tokenId: row.id, display: user.email, roles: invitation.roles, ...from };
    written = await appendAuditEvents(tx, actor, [{ verb: "create", kind: "User", name: user.email, afterYaml: stringify({ email: user.email, roles: invitation.roles }) }], now);
    return { user, token, roles: invitation.roles };
  });
  await publishAuditEvents(deps.events, invitation.tenantId, written);
  return result;
}
