// Gatehouse with its Wallet Durable Object in a second workerd process (issue 21: "gw with the
// Wallet's writes off the request's thread"). Locally the Wallet, its SQLite writes and the D1
// simulator share the Worker's one thread; in production the Wallet is another object, usually
// on another machine. Here a second Miniflare instance runs the same bundle as "gatehouse-wallet"
// and serves the Wallet class; the Gatehouse instance binds WALLET to it by script name, which
// Miniflare resolves through its dev registry (a proxy to the other process, as wrangler dev does
// for Workers in separate sessions). Everything else is as test/support/local-worker.ts sets up.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare, type WorkerOptions } from "miniflare";
import { ADMIN_TOKEN, bundleWorker, migrationStatements, ROOT } from "../../test/support/local-worker";
import { withNewWorkerd } from "./proc";
import { createBenchTenant, gatehouseTarget, UPSTREAM_API_KEY, type Target } from "./targets";

const WALLET_SCRIPT = "gatehouse-wallet";

function workerOptions(name: string, script: string, bindings: Record<string, string>, wallet: WorkerOptions["durableObjects"]): WorkerOptions {
  return {
    name,
    modules: [{ type: "ESModule", path: join(ROOT, "runtime/index.js"), contents: script }],
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
    d1Databases: { DB: "gatehouse-local" },
    kvNamespaces: { KEY_CACHE: "key-cache-local" },
    durableObjects: wallet,
    bindings: { ENVIRONMENT: "development", ADMIN_TOKEN, UPSTREAM_TIMEOUT_MS: "10000", ...bindings },
  };
}

async function migrate(mf: Miniflare): Promise<void> {
  const db = await mf.getD1Database("DB");
  for (const stmt of await migrationStatements()) await db.prepare(stmt).run();
}

export async function miniflareGatehouseWalletApart(upstreamUrl: string): Promise<Target> {
  const script = await bundleWorker();
  const registry = await mkdtemp(join(tmpdir(), "gatehouse-bench-registry-"));
  const bindings = { UPSTREAM_OPENAI_URL: `${upstreamUrl}/v1`, OPENAI_API_KEY: UPSTREAM_API_KEY };
  const walletHost = new Miniflare({
    workers: [workerOptions(WALLET_SCRIPT, script, bindings, { WALLET: { className: "Wallet", useSQLite: true } })],
    unsafeDevRegistryPath: registry,
    host: "127.0.0.1",
    port: 0,
    cf: false,
  });
  await walletHost.ready;
  await migrate(walletHost);
  const { value: mf, pid } = await withNewWorkerd(async () => {
    const m = new Miniflare({
      workers: [workerOptions("gatehouse", script, bindings, { WALLET: { className: "Wallet", scriptName: WALLET_SCRIPT, useSQLite: true } })],
      unsafeDevRegistryPath: registry,
      host: "127.0.0.1",
      port: 0,
      cf: false,
    });
    await m.ready;
    return m;
  });
  const stop = async () => {
    await mf.dispose();
    await walletHost.dispose();
  };
  try {
    await migrate(mf);
    const url = (await mf.ready).toString().replace(/\/$/, "");
    return { ...gatehouseTarget("miniflare", url, await createBenchTenant(url), stop), id: "apart", label: "Gatehouse (Wallet in another workerd)", pid };
  } catch (e) {
    await stop();
    throw e;
  }
}
