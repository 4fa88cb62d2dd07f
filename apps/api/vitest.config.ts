import { createRequire } from "node:module";
import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

const require = createRequire(import.meta.url);

// Node gives Apollo and graphql-tools graphql's CommonJS build; Vite would give our own files its .mjs
// build, and two copies of graphql do not recognise each other's errors or schemas (`instanceof
// GraphQLError` fails, AppErrors turn INTERNAL). Tests resolve `graphql` to the copy Node uses, as in production.
// Every file builds its own API, Redis prefix and tenants and shares no module state, so a fork may run
// several files without reloading Apollo and Prisma for each (about 4 s per file on a busy machine).
export default mergeConfig(
  shared,
  defineConfig({
    resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
    test: { isolate: false },
  }),
);
