import http from "node:http";
import net from "node:net";
import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig } from "../../test/api-harness.ts";

let db: Database;

beforeAll(async () => {
  db = await openApiDatabase();
});
afterAll(async () => {
  await db?.close();
});

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

describe("close()", () => {
  it("lets a request that started before it finish with 200, then refuses connections", async () => {
    const t = await startApi(buildDeps(db, testConfig()));
    const body = JSON.stringify({ query: "{ version }" });
    const half = Math.floor(body.length / 2);
    const { port } = new URL(t.url);

    // The request is in flight: the server has its headers and half its body when close() is called.
    const arrived = new Promise<void>((resolve) => t.api.server.once("request", () => resolve()));
    const req = http.request({ host: "127.0.0.1", port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on("response", (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
    });
    req.write(body.slice(0, half));
    await arrived;

    const order: string[] = [];
    const closing = t.api.close().then(() => order.push("closed"));
    void response.then(() => order.push("answered"));
    req.end(body.slice(half));

    const answer = await response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { version: expect.any(String) } });
    await closing;
    expect(order).toEqual(["answered", "closed"]);
    expect(await refusesConnections(t.url)).toBe(true);
    await t.stop();
  });

  it("closes open subscriptions", async () => {
    const t = await startApi(buildDeps(db, testConfig()));
    const client = t.ws();
    const ended = new Promise<string>((resolve) => {
      client.on("closed", (e) => resolve(`closed ${(e as { code: number }).code}`));
    });
    const connected = new Promise<void>((resolve) => client.on("connected", () => resolve()));
    client.subscribe({ query: `subscription { trialRequest(id: "00000000-0000-4000-8000-00000000abcd") { status } }` }, { next: () => {}, error: () => {}, complete: () => {} });
    await connected;
    await t.api.close();
    expect(await ended).toMatch(/^closed 1001$/);
    expect(await refusesConnections(t.url)).toBe(true);
    await client.dispose();
    await t.stop();
  });
});
