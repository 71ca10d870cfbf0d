import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { ROOT } from "./project-copy";

// The README's deploy step bundles: `wrangler deploy --env production` with --dry-run (no
// network, no account) builds the Worker and lists the production bindings.
it("wrangler deploy --env production --dry-run bundles the Worker with its production bindings", async () => {
  const out = await mkdtemp(join(tmpdir(), "gatehouse-dist-"));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--env", "production", "--dry-run", "--outdir", out],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, timeout: 90_000 },
    );
    expect(stdout).toMatch(/Total Upload: [\d.]+ KiB/);
    for (const binding of ["env.WALLET (Wallet)", "env.DB", "env.KEY_CACHE", "env.ARCHIVE (gatehouse-archive)", "env.AI", 'env.ENVIRONMENT ("production")']) {
      expect(stdout).toContain(binding);
    }
    expect(stdout).toContain("--dry-run: exiting now.");
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 120_000);

// A bare `wrangler deploy` (no --env) deploys the top-level config: were its Worker named like
// production's, one forgotten flag would replace production with a development build (mock
// faults on, URL overrides honoured, the local placeholder bindings).
it("the development and production Workers have different names", () => {
  const dev = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  const production = unstable_readConfig({ config: join(ROOT, "wrangler.toml"), env: "production" });
  expect(production.name).toBe("gatehouse");
  expect(dev.name).toBe("gatehouse-dev");
  expect(dev.vars.ENVIRONMENT).toBe("development");
  expect(production.vars.ENVIRONMENT).toBe("production");
});
