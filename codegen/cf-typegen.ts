// npm run cf-typegen [-- --check]: `Env` and the Workers runtime types from wrangler.toml and
// .dev.vars.example (`wrangler types`, offline) into generated/env/worker-configuration.d.ts.
// --check regenerates into .tmp/ and fails when the committed file differs (CI runs it).
import { spawnSync } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { checkAndRoot } from "./cli-args";
import { ENV_TYPES_CHECK_FILE, ENV_TYPES_FILE, envTypesDrift, wranglerTypesArgs } from "./env-types";

const { check, root } = checkAndRoot("cf-typegen");

const out = check ? ENV_TYPES_CHECK_FILE : ENV_TYPES_FILE;
const t0 = performance.now();
await mkdir(join(root, dirname(out)), { recursive: true });
const wrangler = spawnSync(process.execPath, [join(root, "node_modules/wrangler/bin/wrangler.js"), ...wranglerTypesArgs(out)], {
  cwd: root,
  encoding: "utf8",
  // No banner: it is what asks the npm registry for a newer wrangler (nothing here may need the internet).
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
});
if (wrangler.status !== 0) {
  console.error(wrangler.stdout + wrangler.stderr);
  console.error(`cf-typegen: wrangler types failed (exit ${wrangler.status ?? wrangler.signal}).`);
  process.exit(1);
}
const ms = `${(performance.now() - t0).toFixed(0)} ms`;
if (!check) {
  console.log(`cf-typegen ▸ wrote ${ENV_TYPES_FILE} (${ms})`);
  process.exit(0);
}

const fresh = await readFile(join(root, out), "utf8");
await rm(join(root, dirname(out)), { recursive: true, force: true });
const committed = await readFile(join(root, ENV_TYPES_FILE), "utf8").catch(() => undefined);
if (committed === undefined) {
  console.error(`cf-typegen: ${ENV_TYPES_FILE} is missing — run \`npm run cf-typegen\` and commit it.`);
  process.exit(1);
}
const drift = envTypesDrift(fresh, committed, out, ENV_TYPES_FILE);
if (drift.length > 0) {
  console.error(`  stale: ${ENV_TYPES_FILE} (${drift.length} line(s) differ, first at line ${drift[0]})`);
  console.error("cf-typegen: the committed Env types do not match wrangler.toml and .dev.vars.example — run `npm run cf-typegen` and commit the result.");
  process.exit(1);
}
console.log(`cf-typegen ▸ check    ${ENV_TYPES_FILE} is up to date (${ms})`);
