import { stringify } from "yaml";
import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, notFound } from "../errors.ts";
import { channels } from "../events/pubsub.ts";
import { read } from "../policies/access.ts";
import { createAccessToken } from "../tenancy/access-tokens.ts";
import { checkGrantable } from "./roles.ts";

/**
 * A new access token of the caller, for itself or for automation; `roles` bind it to roles of its own, so it
 * acts only where both they and the caller's roles allow (and they may not allow more than the caller).
 */
export function issueAccessToken(deps: CoreDeps, actor: Actor, a: { name: string; roles?: string[] | null; expiresAt?: Date | null }) {
  return runChange(deps, actor, { verb: "create", kind: "AccessToken", name: a.name }, async (c) => {
    const name = a.name.trim();
    if (name.length < 1 || name.length > 100) throw badInput("name", "a token name is 1 to 100 characters");
    if (a.expiresAt && a.expiresAt <= c.at) throw badInput("expiresAt", "expiresAt must be in the future");
    const roles = [...new Set(a.roles ?? [])];
    if (roles.length > 0) await checkGrantable(c.tx, c.auth, roles);
    const { token, row } = await createAccessToken(c.tx, { tenantId: actor.tenantId, userId: actor.userId, name, expiresAt: a.expiresAt ?? null });
    if (roles.length > 0) await c.tx.tokenRoleBinding.createMany({ data: roles.map((role) => ({ tenantId: actor.tenantId, accessTokenId: row.id, role })) });
    c.record({ verb: "create", kind: "AccessToken", name: `${name} (${row.prefix})`, afterYaml: stringify({ name, prefix: row.prefix, user: actor.display, roles, expiresAt: row.expiresAt?.toISOString() ?? null }) });
    return { token, row: { ...row, roles } };
  });
}

/** The caller's tokens; with `list users` every user's. Secrets are never shown again, only prefixes. */
export function listAccessTokens(deps: CoreDeps, actor: Actor) {
  return read(deps, actor, async (tx, auth) => {
    const all = auth.allows("list", "users");
    const rows = await tx.accessToken.findMany({ where: all ? {} : { userId: actor.userId }, orderBy: { createdAt: "asc" }, include: { user: { select: { email: true } } } });
    const bindings = await tx.tokenRoleBinding.findMany({ where: { accessTokenId: { in: rows.map((r) => r.id) } } });
    return rows.map((r) => ({ ...r, userEmail: r.user.email, roles: bindings.filter((b) => b.accessTokenId === r.id).map((b) => b.role) }));
  });
}

/** Revokes a token (the caller's own, or anyone's with `delete users`); every API process forgets it at once. */
export async function revokeAccessToken(deps: CoreDeps, actor: Actor, tokenId: string): Promise<boolean> {
  await runChange(deps, actor, { verb: "delete", kind: "AccessToken", name: tokenId }, async (c) => {
    const row = /^[0-9a-f-]{36}$/i.test(tokenId) ? await c.tx.accessToken.findUnique({ where: { id: tokenId } }) : null;
    if (!row || (row.userId !== actor.userId && !c.auth.allows("delete", "users"))) throw notFound(`access token ${tokenId}`);
    c.subject.name = `${row.name} (${row.prefix})`;
    if (!row.revokedAt) await c.tx.accessToken.update({ where: { id: row.id }, data: { revokedAt: c.at } });
    c.record({ verb: "delete", kind: "AccessToken", name: `${row.name} (${row.prefix})`, beforeYaml: stringify({ name: row.name, prefix: row.prefix }) });
  });
  await deps.events.publish(channels.authChanged(), { reason: "token revoked" });
  return true;
}
