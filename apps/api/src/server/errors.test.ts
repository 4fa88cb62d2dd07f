import { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../test/api-harness.ts";
import { onlyError } from "../../test/graphql-client.ts";
import { trialInput, REQUEST_TRIAL } from "../../test/signups.ts";

let db: Database;
let t: RunningApi;
/** tiny limits: depth 2, cost 10, bodies of 2 KiB */
let strict: RunningApi;
/** an API whose database does not exist, so every query of it fails inside the server */
let broken: RunningApi;
let missing: Database;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig()));
  strict = await startApi(buildDeps(db, testConfig({ MAX_QUERY_DEPTH: "2", MAX_QUERY_COST: "10", MAX_BODY_BYTES: "2048" })));
  const url = `postgresql://postgres@127.0.0.1:5432/palisade_test_missing_${process.pid}`;
  missing = new Database({ ownerUrl: url, tenantUrl: url, poolSize: 1 });
  broken = await startApi(buildDeps(missing, testConfig()));
});
afterAll(async () => {
  await Promise.all([t?.stop(), strict?.stop(), broken?.stop()]);
  await missing?.close();
  await db?.close();
});

function expectNoInternals(body: string) {
  expect(body).not.toMatch(/stack|stacktrace|\.ts:\d+|at [\w.]+ \(|prisma|SELECT|INSERT|palisade_test_missing/i);
}

describe("unexpected failures", () => {
  it("answer INTERNAL with the request id, and no stack trace or SQL, when a resolver fails", async () => {
    const res = await fetch(`${broken.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: REQUEST_TRIAL, variables: { input: trialInput() } }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions).toEqual({ code: "INTERNAL", requestId });
    expect(body.errors[0]!.message).toBe(`internal error (request ${requestId})`);
    expectNoInternals(text);
  });

  it("keep the caller's X-Request-Id, so a report can be matched to the log", async () => {
    const res = await broken.gql(REQUEST_TRIAL, { input: trialInput() }, undefined, { "x-request-id": "support-ticket-4711" });
    expect(res.headers.get("x-request-id")).toBe("support-ticket-4711");
    expect(onlyError(res).extensions).toEqual({ code: "INTERNAL", requestId: "support-ticket-4711" });
  });

  it("answer INTERNAL with the request id when authentication itself cannot run", async () => {
    const res = await broken.gql(`{ me { roles } }`, {}, `pat_${"a".repeat(40)}`);
    const requestId = res.headers.get("x-request-id");
    const error = onlyError(res);
    expect(res.status).toBe(500);
    expect(error.extensions).toEqual({ code: "INTERNAL", requestId });
    expect(error.message).toBe(`internal error (request ${requestId})`);
    expectNoInternals(JSON.stringify(res.errors));
  });
});

describe("over WebSocket (graphql-ws)", () => {
  async function firstResult(api: RunningApi, query: string, variables: Record<string, unknown>) {
    const client = api.ws();
    try {
      for await (const result of client.iterate({ query, variables })) return result;
      throw new Error("no result");
    } finally {
      await client.dispose();
    }
  }

  it("an error a resolver raises keeps its code and field", async () => {
    const result = await firstResult(t, REQUEST_TRIAL, { input: trialInput({ acceptTerms: false }) });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.acceptTerms" });
  });

  it("a call that needs a token says UNAUTHENTICATED", async () => {
    const result = await firstResult(t, `{ me { roles } }`, {});
    expect(result.errors![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("the depth limit applies there too", async () => {
    const client = strict.ws();
    try {
      const refused = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: `{ me { user { id } } }` }, { next: () => resolve("answered"), error: resolve, complete: () => resolve("completed") });
      });
      expect(refused).toEqual([expect.objectContaining({ message: expect.stringMatching(/the limit is 2/), extensions: { code: "BAD_USER_INPUT" } })]);
    } finally {
      await client.dispose();
    }
  });

  it("an unexpected failure is INTERNAL with a request id, and shows no internals", async () => {
    const result = await firstResult(broken, REQUEST_TRIAL, { input: trialInput() });
    const error = result.errors![0]!;
    expect(error.extensions).toEqual({ code: "INTERNAL", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(error.message).toBe(`internal error (request ${String(error.extensions!.requestId)})`);
    expectNoInternals(JSON.stringify(result));
  });
});

describe("request limits", () => {
  it("refuses a body over MAX_BODY_BYTES with 413 and a JSON error", async () => {
    const res = await fetch(`${strict.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ version }`, variables: { padding: "x".repeat(4096) } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0]!.message).toMatch(/2048 bytes/);
  });

  it("takes a body under the limit", async () => {
    const res = await strict.gql<{ version: string }>(`{ version }`, { padding: "x".repeat(1024) });
    expect(res.data?.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("refuses a query deeper than MAX_QUERY_DEPTH before running it, naming the limit", async () => {
    const error = onlyError(await strict.gql(`{ me { user { id } } }`));
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).toMatch(/nested 3 levels deep; the limit is 2/);
  });

  it("counts depth through fragments", async () => {
    const error = onlyError(await strict.gql(`query { ...Q } fragment Q on Query { me { ...M } } fragment M on Me { tenant { id } }`));
    expect(error.message).toMatch(/the limit is 2/);
  });

  it("refuses a query costlier than MAX_QUERY_COST before running it, naming the limit", async () => {
    const fields = Array.from({ length: 11 }, (_, i) => `v${i}: version`).join(" ");
    const error = onlyError(await strict.gql(`{ ${fields} }`));
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).toMatch(/costs 11; the limit is 10/);
    const cheap = Array.from({ length: 10 }, (_, i) => `v${i}: version`).join(" ");
    expect((await strict.gql(`{ ${cheap} }`)).errors).toBeUndefined();
  });

  it("refuses a deeply recursive introspection query", async () => {
    const error = onlyError(await t.gql(`{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`));
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("answers the introspection the GraphQL IDE sends", async () => {
    const { getIntrospectionQuery } = await import("graphql");
    const res = await t.gql<{ __schema: { queryType: { name: string } } }>(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    expect(res.data?.__schema.queryType.name).toBe("Query");
  });
});

describe("malformed requests", () => {
  it("answers malformed JSON with 400 and a JSON error", async () => {
    const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"query": "{ version }"` });
    expect(res.status).toBe(400);
    const text = await res.text();
    const body = JSON.parse(text) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("BAD_USER_INPUT");
    expectNoInternals(text);
  });

  it("answers a GraphQL syntax error with BAD_USER_INPUT", async () => {
    const res = await t.gql(`{ me { roles }`);
    const error = onlyError(res);
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).toMatch(/Syntax Error/);
    expect(res.data ?? null).toBeNull();
  });

  it("answers an unknown field with BAD_USER_INPUT", async () => {
    const error = onlyError(await t.gql(`{ tenants { id } }`));
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).toMatch(/tenants/);
  });

  it("answers a body without a query with 400", async () => {
    const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"variables": {}}` });
    expect(res.status).toBe(400);
  });

  it("keeps serving after all of that", async () => {
    const res = await t.gql<{ version: string }>(`{ version }`);
    expect(res.status).toBe(200);
    expect(res.data?.version).toBeTruthy();
  });
});
