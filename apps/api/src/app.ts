import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { AppError, authenticate, channels, PrincipalCache } from "@palisade/core";
import express from "express";
import { GraphQLError } from "graphql";
import type { ApiDeps } from "./deps.ts";
import { SignupLimiter } from "./modules/signup/rate-limit.ts";
import { clientAddress } from "./server/client-address.ts";
import type { Context } from "./server/context.ts";
import { formatError } from "./server/errors.ts";
import { ideRouter } from "./server/ide.ts";
import { queryLimits } from "./server/limits.ts";
import { readiness } from "./server/readiness.ts";
import { buildSchema } from "./server/schema.ts";
import { attachWebSocket } from "./server/websocket.ts";
import { attachConnectEndpoint, type ConnectEndpointOptions } from "./modules/connect/endpoint.ts";
import { installRouter } from "./modules/install/routes.ts";
import { flowExportsRouter } from "./modules/flows/exports-route.ts";
import { EXPORTS_PATH } from "./modules/flows/resolvers-export.ts";

export const VERSION = "0.1.0";

export interface Api {
  server: http.Server;
  listen(port: number, host: string): Promise<string>;
  /** stop accepting, finish in-flight requests, close subscriptions */
  close(): Promise<void>;
}

export async function createApi(deps: ApiDeps, options: { connect?: ConnectEndpointOptions; installRequestsPerMinute?: number } = {}): Promise<Api> {
  const app = express();
  app.disable("x-powered-by");
  const server = http.createServer(app);
  const limiter = new SignupLimiter(deps.redis, deps.config.redisKeyPrefix, deps.config.signupLimits);
  const schema = buildSchema({ limiter, version: VERSION });
  const validationRules = [queryLimits(deps.config.limits.maxQueryDepth, deps.config.limits.maxQueryCost)];
  const principals = new PrincipalCache();
  const authChanges = deps.events.iterate(channels.authChanged());
  void (async () => {
    for await (const _ of authChanges) principals.clear();
  })();
  await authChanges.ready;
  const ws = attachWebSocket(server, schema, deps, validationRules, principals);
  // connectors: one WebSocket each on /connect (issue 6)
  const connectors = attachConnectEndpoint(server, deps, options.connect);

  const requestIds: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          for (const e of response.body.singleResult.errors ?? []) {
            if (e.extensions?.code === "INTERNAL") {
              (e as { message: string }).message = `internal error (request ${contextValue.requestId})`;
              (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
  const apollo = new ApolloServer<Context>({
    schema,
    validationRules,
    formatError: formatError(deps.log),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    csrfPrevention: true,
    // main.ts owns SIGTERM; Apollo's own handler raced it and left the process waiting out the grace period.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), requestIds, { async serverWillStart() { return { drainServer: () => ws.close() }; } }],
  });
  await apollo.start();

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", readiness(deps));
  app.use("/ide", ideRouter());
  app.use("/install", installRouter(deps, { connectorVersion: VERSION, requestsPerMinute: options.installRequestsPerMinute }));
  app.use(EXPORTS_PATH, flowExportsRouter(deps, principals));
  app.get("/", (_req, res) => {
    res.redirect("/ide");
  });

  app.use(
    "/graphql",
    express.json({ limit: deps.config.limits.maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const incoming = req.headers["x-request-id"];
        const requestId = typeof incoming === "string" && /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader("x-request-id", requestId);
        const header = req.headers.authorization;
        let principal: Context["principal"] = null;
        if (header) {
          const token = header.replace(/^Bearer\s+/i, "");
          try {
            principal = await authenticate(deps.db, deps.config, token, deps.now(), principals);
          } catch (e) {
            if (e instanceof AppError) {
              throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status: 401 } } });
            }
            // Not the caller's fault (the database is down, say): INTERNAL with the request id, like a resolver failure.
            throw new GraphQLError("internal error", { originalError: e as Error, extensions: { code: "INTERNAL", requestId, http: { status: 500 } } });
          }
        }
        return { deps, principal, requestId, clientAddress: clientAddress(req, deps.config.trustProxy), log: deps.log.child({ requestId }) };
      },
    }),
  );

  // Bodies over the limit, malformed JSON: a clear 4xx, never a stack trace.
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.log.error({ err }, "unexpected HTTP error");
    const code = status === 413 ? "BAD_USER_INPUT" : status === 500 ? "INTERNAL" : "BAD_USER_INPUT";
    const message = status === 413 ? `request body is larger than ${deps.config.limits.maxBodyBytes} bytes` : status === 500 ? "internal error" : err.message;
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`);
        });
      }),
    close: async () => {
      await connectors.close();
      await apollo.stop();
      await authChanges.return?.();
    },
  };
}
