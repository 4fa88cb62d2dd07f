import { AppError, forbidden, unauthenticated, type Principal } from "@palisade/core";
import type { Context } from "./context.ts";

export type UserPrincipal = Extract<Principal, { kind: "user" }>;

export function requireUser(ctx: Context): UserPrincipal {
  if (!ctx.principal) throw unauthenticated();
  if (ctx.principal.kind !== "user") throw forbidden("this operation acts within a tenant; operator tokens cannot use it");
  return ctx.principal;
}

/** A user whose tenant may still change things: an expired trial reads but does not write. */
export function requireWritableUser(ctx: Context): UserPrincipal {
  const p = requireUser(ctx);
  if (p.tenantStatus === "EXPIRED") throw new AppError("FORBIDDEN", "the trial of this tenant has ended: its data can be read but no longer changed");
  return p;
}

export function requireRole(p: UserPrincipal, ...roles: string[]): void {
  if (!p.roles.some((r) => roles.includes(r))) throw forbidden(`user ${p.email} needs one of the roles ${roles.join(", ")}`);
}

export function requireOperator(ctx: Context): void {
  if (!ctx.principal) throw unauthenticated();
  if (ctx.principal.kind !== "operator") throw forbidden("only operators may do this");
}
