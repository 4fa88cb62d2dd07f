import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../test/api-harness.ts";

let db: Database;
let t: RunningApi;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

describe("the GraphQL IDE", () => {
  it("is an HTML page at /ide that loads only assets served by the API itself", async () => {
    const res = await fetch(`${t.url}/ide`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) expect(ref).toMatch(/^\/ide\/assets\/[\w.-]+$/);
    expect(html).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);

    for (const ref of refs) {
      const asset = await fetch(`${t.url}${ref}`);
      expect(asset.status, ref).toBe(200);
      const body = await asset.text();
      expect(body.length, ref).toBeGreaterThan(1000);
      expect(asset.headers.get("content-type"), ref).toMatch(ref.endsWith(".css") ? /text\/css/ : /javascript/);
      if (ref.endsWith(".css")) expect(body, ref).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
    }
  });

  it("is where / leads", async () => {
    const res = await fetch(`${t.url}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/ide");
  });

  it("answers 404 for an asset it does not serve", async () => {
    expect((await fetch(`${t.url}/ide/assets/evil.js`)).status).toBe(404);
  });
});
