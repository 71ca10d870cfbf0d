import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Three projects: plain node (translator, ledger, codegen, e2e through real processes), a real
// browser (the hosted connect page) and the Workers runtime (routes via SELF.fetch, D1, KV, Durable Objects).
export default defineConfig({
  test: {
    // Every Worker request prints its structured log line (runtime/requests/log-line.ts); the tests
    // that check it spy on console.log, elsewhere thousands of them would bury real output.
    onConsoleLog: (log) => (log.includes('"type":"gatehouse.request"') ? false : undefined),
    // Vitest's default is one worker per core but one, which on a 2-core CI machine runs every file
    // in turn while most of them wait on a child process (gen, wrangler, Prism, Chromium).
    // Two at a time: 330 s for 9,400 tests, where one at a time had taken ~390 s for 8,900.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
