import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

// Tests that run inside workerd with the real bindings from wrangler.toml:
// routes through SELF.fetch, D1 with our migrations, KV, the Wallet Durable Object.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("runtime/db/migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./runtime/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "adm_workers_test_token",
            // Test-only vault keys (32 bytes of 0x11 / 0x22): connections seal under VAULT_KEY;
            // the rotation tests seal under the previous one and re-seal.
            VAULT_KEY: "ERERERERERERERERERERERERERERERERERERERERERE=",
            VAULT_KEY_PREVIOUS: "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=",
          },
        },
      }),
    ],
    test: {
      name: "workers",
      include: ["test/workers/**/*.test.ts"],
      setupFiles: ["./test/workers/setup/apply-migrations.ts"],
      // A local receiver for webhook tools and connector vendors (tools-*.test.ts).
      globalSetup: ["./test/workers/setup/webhook-receiver.ts"],
      testTimeout: 30_000,
    },
  };
});
