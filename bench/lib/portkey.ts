// The open-source Portkey gateway as a comparison target: installed on demand into
// bench/portkey (its own package.json and lockfile, not a project dependency), started
// with its own Node entry bound to 127.0.0.1 (bench/portkey/launch.mjs), pointed at the
// local upstream per request with x-portkey-custom-host.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../../test/support/local-worker";
import { freePort, runToEnd, startChild, waitForHttp } from "./children";
import { chatBody, UPSTREAM_API_KEY, type Target } from "./targets";

const DIR = join(ROOT, "bench/portkey");
export const PORTKEY_VERSION = "1.15.2";
const HONO_NODE_SERVER_VERSION = "1.13.5";

async function installedVersion(pkg: string): Promise<string | undefined> {
  try {
    const json = JSON.parse(await readFile(join(DIR, "node_modules", pkg, "package.json"), "utf8")) as { version?: string };
    return json.version;
  } catch {
    return undefined;
  }
}

/** Installs bench/portkey's pinned packages unless they are already there. */
export async function ensurePortkey(log: (line: string) => void): Promise<void> {
  if ((await installedVersion("@portkey-ai/gateway")) === PORTKEY_VERSION && (await installedVersion("@hono/node-server")) === HONO_NODE_SERVER_VERSION) return;
  log(`installing @portkey-ai/gateway ${PORTKEY_VERSION} into bench/portkey (once; not a project dependency)…`);
  // --ignore-scripts: its only install script is patch-package, and it ships no patches.
  const args = ["install", "--prefix", DIR, "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel", "error"];
  await runToEnd("npm install (bench/portkey)", process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd: DIR }, 180_000);
  const got = await installedVersion("@hono/node-server");
  if (got !== HONO_NODE_SERVER_VERSION) throw new Error(`@hono/node-server is ${got ?? "missing"}, expected ${HONO_NODE_SERVER_VERSION} (npm overrides)`);
}

export async function startPortkey(upstreamUrl: string): Promise<Target> {
  const port = await freePort();
  const child = startChild("portkey", process.execPath, [join(DIR, "launch.mjs"), `--port=${port}`, "--headless"], {
    cwd: DIR,
    env: { ...process.env, NODE_ENV: "production", NO_COLOR: "1" },
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 20_000, child);
  } catch (e) {
    await child.stop();
    throw e;
  }
  return {
    id: "portkey",
    runtime: "node",
    label: `Portkey ${PORTKEY_VERSION}`,
    serverTiming: false,
    port,
    path: "/v1/chat/completions",
    headers: {
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${upstreamUrl}/v1`,
      authorization: `Bearer ${UPSTREAM_API_KEY}`,
    },
    body: chatBody("gpt-4o-mini"),
    model: "gpt-4o-mini",
    ...(child.proc.pid !== undefined ? { pid: child.proc.pid } : {}),
    stop: () => child.stop(),
  };
}
