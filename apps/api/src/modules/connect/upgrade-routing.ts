import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";

/**
 * Gives upgrades on `path` to `wss` and every other upgrade to the listeners already on the server (the
 * graphql-ws server). Needed because a `ws` server attached to an HTTP server answers 400 to upgrades on
 * paths other than its own, so two of them cannot both listen.
 */
export function routeUpgrades(server: Server, path: string, wss: WebSocketServer): () => void {
  const others = server.listeners("upgrade") as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners("upgrade");
  const route = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (req.url ?? "").split("?")[0];
    if (pathname === path) wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    else for (const l of others) l.call(server, req, socket, head);
  };
  server.on("upgrade", route);
  return () => {
    server.off("upgrade", route);
    for (const l of others) server.on("upgrade", l);
  };
}
