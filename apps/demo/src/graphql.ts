/** A GraphQL call over HTTP, as any client makes it. */
export interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function graphql<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphqlAnswer<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphqlAnswer<T>;
}

/** The data, or an error naming what was asked and every message the API gave. */
export async function must<T>(what: string, url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const r = await graphql<T>(url, query, variables, token);
  if (r.errors?.length || !r.data) throw new Error(`${what} failed: ${(r.errors ?? []).map((e) => e.message).join("; ") || "no data"}`);
  return r.data;
}
