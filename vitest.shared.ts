import { defineConfig } from "vitest/config";

// Every workspace's tests share these settings; integration tests talk to real services, so
// they get generous timeouts and run files in separate forks.
export default defineConfig({
  test: {
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "*.test.ts"],
  },
});
