import { defineConfig } from "vitest/config";

// Three projects: plain node (translator, ledger, codegen, e2e through real processes), a real
// browser (the hosted connect page) and the Workers runtime (routes via SELF.fetch, D1, KV, Durable Objects).
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
      {
        // A real Chromium against the Worker under Miniflare (test/support/browser.ts); skipped with a message when no Chromium is found.
        test: {
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      "./vitest.workers.config.ts",
    ],
  },
});
