import { Agent, request, type ClientRequestArgs } from "node:http";
import type { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Duplex } from "node:stream";

/**
 * Tunnels every connection through an HTTP proxy with CONNECT (as HTTPS_PROXY means), then speaks TLS to
 * the target for wss:// and plain HTTP for ws://. The WebSocket upgrade happens inside the tunnel, so the
 * proxy sees only host and port.
 */
export class ConnectTunnelAgent extends Agent {
  constructor(
    private readonly proxy: URL,
    private readonly secure: boolean,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, socket: Duplex) => void): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? "localhost";
    const port = Number(options.port ?? (this.secure ? 443 : 80));
    const auth = this.proxy.username ? { "proxy-authorization": `Basic ${Buffer.from(`${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`).toString("base64")}` } : {};
    const req = request({ host: this.proxy.hostname, port: Number(this.proxy.port || 80), method: "CONNECT", path: `${host}:${port}`, headers: { host: `${host}:${port}`, ...auth } });
    req.once("connect", (res, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        callback?.(new Error(`proxy ${this.proxy.host} refused CONNECT ${host}:${port}: ${res.statusCode} ${res.statusMessage}`), socket);
        return;
      }
      callback?.(null, this.secure ? tlsConnect({ socket, servername: host, ...(options as object) }) : socket);
    });
    req.once("error", (e) => callback?.(e, undefined as unknown as Duplex));
    req.end();
    return undefined;
  }
}

/** The agent for HTTPS_PROXY, or none when it is not set. */
export function proxyAgent(proxy: string | null, target: string): Agent | undefined {
  if (!proxy) return undefined;
  return new ConnectTunnelAgent(new URL(proxy.includes("://") ? proxy : `http://${proxy}`), target.startsWith("wss:") || target.startsWith("https:"));
}
