import type { Tx } from "@palisade/db";
import type { Actor } from "../audit/actor.ts";
import { runChange } from "../audit/change.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput, conflict, forbidden, notFound } from "../errors.ts";
import { channels } from "../events/pubsub.ts";
import { read } from "../policies/access.ts";
import type { Authorizer } from "../rbac/authorizer.ts";
import { builtinRoles, isBuiltinRole } from "../rbac/builtin-roles.ts";
import { rulesOfRoles } from "../rbac/authorizer.ts";
import { roleRulesSchema, type RoleRule } from "../rbac/rules.ts";
import { stringify } from "yaml";

const ROLE_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

export interface RoleView {
  name: string;
  builtin: boolean;
  rules: RoleRule[];
}

export function parseRules(rules: unknown): RoleRule[] {
  const parsed = roleRulesSchema.safeParse(rules);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badInput(`rules.${issue.path.join(".")}`, `rules.${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data as RoleRule[];
}

/** Roles must exist, and the caller may hand out only what it may do itself. */
export async function checkGrantable(tx: Tx, auth: Authorizer, roles: readonly string[]): Promise<void> {
  if (roles.length === 0) throw badInput("roles", "give at least one role");
  const custom = roles.filter((r) => !isBuiltinRole(r));
  const found = new Set((await tx.role.findMany({ where: { name: { in: custom } }, select: { name: true } })).map((r) => r.name));
  const missing = custom.filter((r) => !found.has(r));
  if (missing.length > 0) throw badInput("roles", `unknown role${missing.length === 1 ? "" : "s"} ${missing.map((m) => `"${m}"`).join(", ")}`);
  if (!auth.covers(await rulesOfRoles(tx, roles))) throw forbidden(`user "${auth.subject.display}" cannot grant ${roles.join(", ")}: the roles allow more than the user may do`);
}

export function listRoles(deps: CoreDeps, actor: Actor): Promise<RoleView[]> {
  return read(deps, actor, async (tx) => [
    ...Object.entries(builtinRoles).map(([name, rules]) => ({ name, builtin: true, rules: [...rules] })),
    ...(await tx.role.findMany({ orderBy: { name: "asc" } })).map((r) => ({ name: r.name, builtin: false, rules: r.rules as unknown as RoleRule[] })),
  ]);
}

/** A custom role (a tier editor, say); the caller must hold what it grants. */
export function createRole(deps: CoreDeps, actor: Actor, a: { name: string; rules: unknown }): Promise<RoleView> {
  return runChange(deps, actor, { verb: "create", kind: "Role", name: a.name }, async (c) => {
    c.auth.require("create", "users");
    if (!ROLE_NAME.test(a.name)) throw badInput("name", "a role name is lower-case letters, digits, '-' and '.', 1 to 63 characters");
    if (isBuiltinRole(a.name)) throw conflict(`"${a.name}" is a built-in role`);
    const rules = parseRules(a.rules);
    if (!c.auth.covers(rules)) throw forbidden(`user "${actor.display}" cannot create role "${a.name}": its rules allow more than the user may do`);
    if (await c.tx.role.findUnique({ where: { tenantId_name: { tenantId: actor.tenantId, name: a.name } } })) throw conflict(`a role named "${a.name}" already exists`);
    await c.tx.role.create({ data: { tenantId: actor.tenantId, name: a.name, rules: rules as object[] } });
    c.record({ verb: "create", kind: "Role", name: a.name, afterYaml: stringify({ name: a.name, rules }) });
    return { name: a.name, builtin: false, rules };
  });
}

/** Deletes a custom role that nobody holds any more. */
export function deleteRole(deps: CoreDeps, actor: Actor, name: string): Promise<boolean> {
  return runChange(deps, actor, { verb: "delete", kind: "Role", name }, async (c) => {
    c.auth.require("delete", "users");
    if (isBuiltinRole(name)) throw badInput("name", `"${name}" is a built-in role and cannot be deleted`);
    const role = await c.tx.role.findUnique({ where: { tenantId_name: { tenantId: actor.tenantId, name } } });
    if (!role) throw notFound(`role "${name}"`);
    const held = (await c.tx.membership.count({ where: { role: name } })) + (await c.tx.tokenRoleBinding.count({ where: { role: name } }));
    if (held > 0) throw conflict(`role "${name}" is still bound ${held} time${held === 1 ? "" : "s"}`);
    await c.tx.role.delete({ where: { id: role.id } });
    c.record({ verb: "delete", kind: "Role", name, beforeYaml: stringify({ name, rules: role.rules }) });
    return true;
  });
}

/** Replaces a user's role bindings; every API process drops cached principals. */
export async function setUserRoles(deps: CoreDeps, actor: Actor, a: { userId: string; roles: string[] }): Promise<string[]> {
  const roles = await runChange(deps, actor, { verb: "update", kind: "RoleBinding", name: a.userId }, async (c) => {
    c.auth.require("update", "users");
    const user = /^[0-9a-f-]{36}$/i.test(a.userId) ? await c.tx.user.findUnique({ where: { id: a.userId }, include: { memberships: true } }) : null;
    if (!user) throw notFound(`user ${a.userId}`);
    c.subject.name = user.email;
    const roles = [...new Set(a.roles)];
    await checkGrantable(c.tx, c.auth, roles);
    const before = user.memberships.map((m) => m.role).sort();
    if (before.includes("owner") && !roles.includes("owner") && (await c.tx.membership.count({ where: { role: "owner" } })) === 1) {
      throw conflict("this user is the tenant's last owner; make someone else owner first");
    }
    await c.tx.membership.deleteMany({ where: { userId: user.id } });
    await c.tx.membership.createMany({ data: roles.map((role) => ({ tenantId: actor.tenantId, userId: user.id, role })) });
    c.record({ verb: "update", kind: "RoleBinding", name: user.email, beforeYaml: stringify({ user: user.email, roles: before }), afterYaml: stringify({ user: user.email, roles: [...roles].sort() }) });
    return roles;
  });
  await deps.events.publish(channels.authChanged(), { reason: "roles changed" });
  return roles;
}
