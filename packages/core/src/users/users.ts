import { stringify } from "yaml";
import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, conflict, notFound } from "../errors.ts";
import { channels } from "../events/pubsub.ts";
import { read } from "../policies/access.ts";

/** The tenant's users with their roles. */
export function listUsers(deps: CoreDeps, actor: Actor) {
  return read(deps, actor, async (tx, auth) => {
    auth.require("list", "users");
    const users = await tx.user.findMany({ orderBy: { createdAt: "asc" }, include: { memberships: { select: { role: true } } } });
    return users.map((u) => ({ ...u, roles: u.memberships.map((m) => m.role).sort() }));
  });
}

/** Removes a user, its role bindings and its tokens; a user cannot remove itself or the last owner. */
export async function removeUser(deps: CoreDeps, actor: Actor, userId: string): Promise<boolean> {
  await runChange(deps, actor, { verb: "delete", kind: "User", name: userId }, async (c) => {
    c.auth.require("delete", "users");
    const user = /^[0-9a-f-]{36}$/i.test(userId) ? await c.tx.user.findUnique({ where: { id: userId }, include: { memberships: true } }) : null;
    if (!user) throw notFound(`user ${userId}`);
    c.subject.name = user.email;
    if (user.id === actor.userId) throw badInput("userId", "you cannot remove yourself");
    const roles = user.memberships.map((m) => m.role).sort();
    if (roles.includes("owner") && (await c.tx.membership.count({ where: { role: "owner" } })) === 1) throw conflict("this user is the tenant's last owner");
    await c.tx.user.delete({ where: { id: user.id } });
    c.record({ verb: "delete", kind: "User", name: user.email, beforeYaml: stringify({ email: user.email, roles }) });
  });
  await deps.events.publish(channels.authChanged(), { reason: "user removed" });
  return true;
}
