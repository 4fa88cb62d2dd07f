import type { Server } from "node:http";
import { DEFAULT_DATABASE_URL, LivePublisher } from "@palisade/core";
import { CONNECT_PATH, MAX_MESSAGE_BYTES } from "@palisade/protocol";
import { WebSocketServer } from "ws";
import type { ApiDeps } from "../../deps.ts";
import { FlowStore } from "../flows/flow-store.ts";
import { desiredStateSync, type PolicySync } from "./policy-sync.ts";
import { ConnectorSession } from "./session.ts";
import { routeUpgrades } from "./upgrade-routing.ts";

export interface ConnectEndpointOptions {
  heartbeatSeconds?: number;
  helloTimeoutMs?: number;
  policy?: PolicySync | null;
}

/**
 * `/connect`: the one WebSocket each connector dials out to. Separate from /graphql: its own protocol
 * (packages/protocol), its own authentication (registration token, then cluster credential).
 */
export function attachConnectEndpoint(server: Server, deps: ApiDeps, options: ConnectEndpointOptions = {}) {
  // a little over the protocol's limit, so an oversized message is read and refused with a reason rather
  // than cut off by the socket
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES + 64 * 1024 });
  const flows = new FlowStore(deps.db, deps.config.database.url ?? DEFAULT_DATABASE_URL, 4, new LivePublisher(deps.events, deps.redis, deps.config.redisKeyPrefix));
  const unroute = routeUpgrades(server, CONNECT_PATH, wss);
  const policy = options.policy === undefined ? desiredStateSync(deps) : options.policy;
  wss.on("connection", (ws) => {
    new ConnectorSession(ws, deps, {
      heartbeatSeconds: options.heartbeatSeconds ?? 10,
      helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
      flows,
      policy,
    });
  });
  return {
    flows,
    /** closes every connector connection (they reconnect to another replica) and the flow store */
    close: async () => {
      unroute();
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      await new Promise<void>((r) => wss.close(() => r()));
      await flows.close();
    },
  };
}
