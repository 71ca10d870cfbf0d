import { defineConfig } from "vitest/config";

// Two projects: plain node (translator, ledger, codegen, e2e through real processes)
// and the Workers runtime (routes via SELF.fetch, D1, KV, Durable Objects).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/unit/**/*.test.ts", "test/codegen/**/*.test.ts", "test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      "./vitest.workers.config.ts",
    ],
  },
});
