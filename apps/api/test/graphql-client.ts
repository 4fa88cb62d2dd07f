import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GraphqlResponse<T> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: GraphqlError[] | undefined;
}

export interface GraphqlClient {
  /** POSTs a GraphQL document as JSON; `token` goes in `Authorization: Bearer` */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphqlResponse<T>>;
  /** a graphql-ws client on the same path, the token in connectionParams */
  ws(token?: string): Client;
}

export function graphqlClient(url: string): GraphqlClient {
  return {
    gql: async <T>(query: string, variables?: Record<string, unknown>, token?: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T | null; errors?: GraphqlError[] };
      return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
    },
    ws: (token?: string) =>
      createClient({
        url: `${url.replace(/^http/, "ws")}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      }),
  };
}

/** The one error of a response; fails the test when there is none or several. */
export function onlyError(res: GraphqlResponse<unknown>): GraphqlError {
  if (!res.errors || res.errors.length !== 1) throw new Error(`expected exactly one error, got ${JSON.stringify(res.errors ?? res.data)}`);
  return res.errors[0]!;
}
