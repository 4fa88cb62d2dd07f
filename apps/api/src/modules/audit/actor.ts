import type { Actor } from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { requireUser, requireWritableUser } from "../../server/guards.ts";

/** The caller as the audit log records it; `write` refuses tenants that may no longer change anything. */
export function actorOf(ctx: Context, write = false): Actor {
  const p = write ? requireWritableUser(ctx) : requireUser(ctx);
  return { tenantId: p.tenantId, userId: p.userId, tokenId: p.tokenId, display: p.email, roles: p.roles, sourceAddress: ctx.clientAddress, requestId: ctx.requestId };
}
