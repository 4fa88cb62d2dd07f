import {
  acceptInvitation,
  badInput,
  createRole,
  deleteRole,
  inviteUser,
  issueAccessToken,
  listAccessTokens,
  listRoles,
  listUsers,
  removeUser,
  revokeAccessToken,
  setUserRoles,
} from "@palisade/core";
import type { Context } from "../../server/context.ts";
import { actorOf } from "../audit/actor.ts";

const iso = (v: Date | null | undefined) => (v ? new Date(v).toISOString() : null);

const tokenView = (t: { id: string; name: string; prefix: string; roles: string[]; userEmail?: string; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null; createdAt: Date }, email: string) => ({
  ...t,
  userEmail: t.userEmail ?? email,
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
  revokedAt: iso(t.revokedAt),
  createdAt: iso(t.createdAt),
});

export const usersResolvers: Record<string, object> = {
  Query: {
    users: async (_: unknown, _a: unknown, ctx: Context) => (await listUsers(ctx.deps, actorOf(ctx))).map((u) => ({ ...u, createdAt: iso(u.createdAt) })),
    roles: (_: unknown, _a: unknown, ctx: Context) => listRoles(ctx.deps, actorOf(ctx)),
    accessTokens: async (_: unknown, _a: unknown, ctx: Context) => {
      const actor = actorOf(ctx);
      return (await listAccessTokens(ctx.deps, actor)).map((t) => tokenView(t, actor.display));
    },
  },
  Mutation: {
    inviteUser: async (_: unknown, a: { email: string; roleBindings: string[] }, ctx: Context) => {
      const { invitation, token } = await inviteUser(ctx.deps, actorOf(ctx, true), { email: a.email, roles: a.roleBindings });
      return { ...invitation, expiresAt: iso(invitation.expiresAt), token };
    },
    acceptInvitation: async (_: unknown, a: { token: string; name?: string | null }, ctx: Context) => {
      const r = await acceptInvitation(ctx.deps, a, { sourceAddress: ctx.clientAddress, requestId: ctx.requestId });
      return { user: { ...r.user, roles: r.roles, createdAt: iso(r.user.createdAt) }, accessToken: r.token };
    },
    removeUser: (_: unknown, a: { userId: string }, ctx: Context) => removeUser(ctx.deps, actorOf(ctx, true), a.userId),
    setUserRoles: (_: unknown, a: { userId: string; roles: string[] }, ctx: Context) => setUserRoles(ctx.deps, actorOf(ctx, true), a),
    createRole: (_: unknown, a: { name: string; rules: unknown }, ctx: Context) => createRole(ctx.deps, actorOf(ctx, true), a),
    deleteRole: (_: unknown, a: { name: string }, ctx: Context) => deleteRole(ctx.deps, actorOf(ctx, true), a.name),
    createAccessToken: async (_: unknown, a: { name: string; roles?: string[] | null; expiresAt?: string | null }, ctx: Context) => {
      const actor = actorOf(ctx, true);
      const expiresAt = a.expiresAt ? new Date(a.expiresAt) : null;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw badInput("expiresAt", "expiresAt is not an ISO time");
      const { token, row } = await issueAccessToken(ctx.deps, actor, { name: a.name, roles: a.roles ?? null, expiresAt });
      return { token, accessToken: tokenView(row, actor.display) };
    },
    revokeAccessToken: (_: unknown, a: { id: string }, ctx: Context) => revokeAccessToken(ctx.deps, actorOf(ctx, true), a.id),
  },
};
