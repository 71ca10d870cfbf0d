// bench:tools' production bundle figures: `wrangler deploy --dry-run --env production --outdir`
// (the bundle wrangler would upload), its gzipped size, and its global-scope startup in workerd:
// a fresh isolate imports the bundle inside a request (the clock is frozen at global scope, so the
// import is timed from a request, where workerd's clock moves in whole milliseconds) — compile
// and top-level evaluation of every module, against importing a one-line module the same way.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { ROOT } from "../../test/support/local-worker";

export interface BundleFigures {
  bytes: number;
  gzipBytes: number;
  /** Milliseconds per fresh isolate: importing the bundle, and a one-line module. */
  startup: number[];
  tiny: number[];
}

async function dryRun(dir: string): Promise<string> {
  await promisify(execFile)("npx", ["wrangler", "deploy", "--dry-run", "--env", "production", "--outdir", dir], { cwd: ROOT, timeout: 120_000, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const js = (await readdir(dir)).filter((f) => f.endsWith(".js"));
  if (js.length !== 1) throw new Error(`wrangler --outdir ${dir} wrote ${js.length} .js files (${js.join(", ")}); expected one bundle`);
  return join(dir, js[0] as string);
}

async function importTimes(dir: string, bundle: string): Promise<{ app: number; tiny: number }> {
  const mf = new Miniflare({
    modulesRoot: dir,
    modules: [
      { type: "ESModule", path: join(dir, "main.js"), contents: `export default { async fetch(req) { const t0 = performance.now(); await (new URL(req.url).pathname === "/app" ? import("./bundle.js") : import("./tiny.js")); return new Response(String(performance.now() - t0)); } };` },
      { type: "ESModule", path: join(dir, "tiny.js"), contents: "export const x = 1;" },
      { type: "ESModule", path: join(dir, "bundle.js"), contents: bundle },
    ],
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
  });
  try {
    const tiny = Number(await (await mf.dispatchFetch("http://bench/tiny")).text());
    const app = Number(await (await mf.dispatchFetch("http://bench/app")).text());
    return { app, tiny };
  } finally {
    await mf.dispose();
  }
}

export async function benchBundle(isolates: number, progress: (detail: string) => void): Promise<BundleFigures> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-bench-tools-"));
  try {
    const file = await dryRun(dir);
    const text = await readFile(file);
    progress(`wrangler deploy --dry-run --env production: ${(text.length / 1024).toFixed(0)} KiB`);
    const startup: number[] = [];
    const tiny: number[] = [];
    for (let i = 0; i < isolates; i++) {
      const t = await importTimes(dir, text.toString("utf8"));
      startup.push(t.app);
      tiny.push(t.tiny);
    }
    return { bytes: text.length, gzipBytes: gzipSync(text).length, startup, tiny };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
