// The floor and Gatehouse under `wrangler dev`, reported in their own rows: same workerd as
// the Miniflare rows, plus wrangler's dev proxy in front. Each gets a temp dir (state, env
// file, logs) removed when it stops; the project's .dev.vars and .wrangler/state are not used.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, ROOT } from "../../test/support/local-worker";
import { freePort, onCleanup, runToEnd, startChild, trackTempDir, waitForHttp, type Child } from "./children";
import { COMPATIBILITY_DATE, createBenchTenant, directTarget, gatehouseTarget, UPSTREAM_API_KEY, type Target } from "./targets";

const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

function wranglerEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_LOG_PATH: join(dir, "logs"),
    CI: "true",
    NO_COLOR: "1",
  };
}

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-bench-"));
  const untrack = trackTempDir(dir);
  const remove = async () => (untrack(), await rm(dir, { recursive: true, force: true, maxRetries: 3 }));
  const forget = onCleanup(remove);
  return { dir, remove: async () => (forget(), await remove()) };
}

/** `wrangler dev` on a free port, ready once `probePath` answers. */
async function wranglerDev(name: string, dir: string, cwd: string, args: string[], probePath: string): Promise<{ child: Child; url: string }> {
  const [port, inspector] = [await freePort(), await freePort()];
  const child = startChild(name, process.execPath, [
    WRANGLER, "dev", ...args,
    "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
    "--show-interactive-dev-session=false", "--log-level", "warn",
  ], { cwd, env: wranglerEnv(dir) });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${probePath}`, 90_000, child);
  } catch (e) {
    await child.stop();
    throw e;
  }
  return { child, url };
}

export async function wranglerFloor(upstreamUrl: string): Promise<Target> {
  const tmp = await tempDir();
  const config = join(tmp.dir, "wrangler.toml");
  await writeFile(config, [
    `name = "gatehouse-bench-floor"`,
    `main = ${JSON.stringify(join(ROOT, "bench/floor-worker.js"))}`,
    `compatibility_date = "${COMPATIBILITY_DATE}"`,
    `send_metrics = false`,
  ].join("\n"));
  const { child, url } = await wranglerDev("floor (wrangler dev)", tmp.dir, tmp.dir, [
    "--config", config, "--persist-to", join(tmp.dir, "state"), "--var", `UPSTREAM:${upstreamUrl}`,
  ], "/");
  return {
    ...directTarget(upstreamUrl),
    id: "floor",
    runtime: "wrangler dev",
    label: "floor (wrangler dev)",
    port: Number(new URL(url).port),
    stop: async () => (await child.stop(), await tmp.remove()),
  };
}

/** Gatehouse from the project's wrangler.toml, with local D1 migrated in a temp state dir. */
export async function wranglerGatehouse(upstreamUrl: string): Promise<Target> {
  const tmp = await tempDir();
  const state = join(tmp.dir, "state");
  const env = wranglerEnv(tmp.dir);
  await runToEnd("wrangler d1 migrations apply", process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env }, 120_000);
  // Secrets from our own env file, so the developer's .dev.vars is not read.
  const envFile = join(tmp.dir, "bench.env");
  await writeFile(envFile, `ADMIN_TOKEN=${ADMIN_TOKEN}\nOPENAI_API_KEY=${UPSTREAM_API_KEY}\n`);
  const { child, url } = await wranglerDev("Gatehouse (wrangler dev)", tmp.dir, ROOT, [
    "--persist-to", state, "--env-file", envFile, "--var", `UPSTREAM_OPENAI_URL:${upstreamUrl}/v1`, "--var", "UPSTREAM_TIMEOUT_MS:10000",
  ], "/v1/health");
  const stop = async () => (await child.stop(), await tmp.remove());
  try {
    return gatehouseTarget("wrangler dev", url, await createBenchTenant(url), stop);
  } catch (e) {
    await stop();
    throw e;
  }
}
