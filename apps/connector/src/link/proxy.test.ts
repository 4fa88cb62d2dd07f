import { createServer, type IncomingMessage } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { proxyAgent } from "./proxy.ts";

describe("HTTPS_PROXY", () => {
  it("reaches the WebSocket through the proxy with CONNECT, and only through it", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    wss.on("connection", (ws) => ws.send("welcome"));
    await new Promise((r) => wss.once("listening", r));
    const target = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/connect`;
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(req.url!);
      const [host, port] = req.url!.split(":");
      const upstream = connect(Number(port), host!, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    try {
      const agent = proxyAgent(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, target);
      const ws = new WebSocket(target, { agent });
      const first = await new Promise<string>((resolve, reject) => {
        ws.once("message", (d) => resolve(d.toString()));
        ws.once("error", reject);
      });
      expect(first).toBe("welcome");
      expect(tunnels).toEqual([`127.0.0.1:${(wss.address() as AddressInfo).port}`]);
      ws.close();
    } finally {
      proxy.close();
      wss.close();
    }
  });

  it("uses no agent when no proxy is set", () => {
    expect(proxyAgent(null, "wss://palisade.example")).toBeUndefined();
  });
});
