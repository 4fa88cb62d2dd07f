import type { Server } from "node:http";
import { authenticate, AppError, type PrincipalCache } from "@palisade/core";
import { GraphQLError, parse, specifiedRules, validate, type GraphQLSchema, type ValidationRule } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { ApiDeps } from "../deps.ts";
import type { Context } from "./context.ts";
import { randomUUID } from "node:crypto";
import { clientAddress } from "./client-address.ts";
import { formatError } from "./errors.ts";

/**
 * graphql-ws on the same path as HTTP. The access token comes in the connection_init payload as
 * `{ "Authorization": "Bearer <token>" }` (browsers cannot set headers on a WebSocket); a bad one closes
 * the connection with 4403.
 */
export function attachWebSocket(httpServer: Server, schema: GraphQLSchema, deps: ApiDeps, validationRules: ValidationRule[], principals: PrincipalCache) {
  const format = formatError(deps.log);
  const wss = new WebSocketServer({ server: httpServer, path: "/graphql", maxPayload: deps.config.limits.maxBodyBytes });
  const cleanup = useServer<Record<string, unknown>, { principal?: Context["principal"] }>(
    {
      schema,
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (e) {
          return [e as GraphQLError];
        }
        const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
        if (errors.length > 0) return errors;
        const contextValue: Context = {
          deps,
          principal: ctx.extra.principal ?? null,
          requestId: randomUUID(),
          clientAddress: clientAddress(ctx.extra.request, deps.config.trustProxy),
          log: deps.log,
        };
        return { schema, document, variableValues: payload.variables ?? {}, operationName: payload.operationName ?? null, contextValue };
      },
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.Authorization ?? ctx.connectionParams?.authorization;
        if (typeof header !== "string" || header === "") {
          ctx.extra.principal = null;
          return true;
        }
        const token = header.replace(/^Bearer\s+/i, "");
        try {
          ctx.extra.principal = await authenticate(deps.db, deps.config, token, deps.now(), principals);
          return true;
        } catch (e) {
          if (e instanceof AppError) return false;
          throw e;
        }
      },
      // Errors of an execution (a resolver's AppError, a database failure) get the same formatting as over
      // HTTP: their code and field, or INTERNAL with the request id, and never the underlying message.
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const requestId = (args.contextValue as Context).requestId;
        const errors = result.errors.map((e) => format({ ...e.toJSON(), extensions: { ...e.extensions, requestId } }, e));
        return { ...result, errors };
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => {
          const original = e.originalError;
          if (original instanceof AppError) return new GraphQLError(original.message, { extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) } });
          if (original) {
            deps.log.error({ err: original }, "subscription error");
            return new GraphQLError("internal error", { extensions: { code: "INTERNAL" } });
          }
          return new GraphQLError(e.message, { extensions: { code: "BAD_USER_INPUT" } });
        }),
    },
    wss,
  );
  return {
    async close() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
