// Starts the profiling Workers in workerd through Miniflare: bench/lib/profile-entry.ts (the
// real Worker behind an env-wrapping entry), configured as test/support/local-worker.ts
// configures the plain Worker — same bundle options, bindings and compatibility settings —
// so variants compare like for like; and bench/lib/floor-ladder-entry.ts.
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ADMIN_TOKEN, bundleWorker, migrationStatements, ROOT } from "../../test/support/local-worker";
import { BENCH_CREDIT_MICROS, COMPATIBILITY_DATE, UPSTREAM_API_KEY } from "./targets";

export interface ProfileWorker {
  port: number;
  masterKey: string;
  /** The bundled script (for mapping CPU profile lines back to source files). */
  script: string;
  stop(): Promise<void>;
}


/** `root`: another checkout of the project (bench/gateway-profile.ts --compare) to run instead of this one. */
export async function startProfileWorker(upstreamUrl: string, inspectorPort?: number, root = ROOT): Promise<ProfileWorker> {
  const script = await bundleWorker(join(root, "bench/lib/profile-entry.ts"));
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(ROOT, "bench/lib/profile-entry.js"), contents: script }],
    ...(inspectorPort ? { inspectorPort } : {}),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
    d1Databases: { DB: "gatehouse-local" },
    kvNamespaces: { KEY_CACHE: "key-cache-local" },
    durableObjects: { WALLET: { className: "Wallet", useSQLite: true } },
    bindings: { ENVIRONMENT: "development", ADMIN_TOKEN, UPSTREAM_TIMEOUT_MS: "10000", UPSTREAM_OPENAI_URL: `${upstreamUrl}/v1`, OPENAI_API_KEY: UPSTREAM_API_KEY },
    host: "127.0.0.1",
    port: 0,
    cf: false,
  });
  try {
    const url = (await mf.ready).toString().replace(/\/$/, "");
    const db = await mf.getD1Database("DB");
    for (const stmt of await migrationStatements()) await db.prepare(stmt).run();
    const res = await fetch(`${url}/v1/admin/tenants`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "profile tenant", initial_credit_micros: BENCH_CREDIT_MICROS }),
    });
    if (res.status !== 201) throw new Error(`creating a tenant failed: ${res.status} ${await res.text()}`);
    const t = (await res.json()) as { master_key: { secret: string } };
    return { port: Number(new URL(url).port), masterKey: t.master_key.secret, script, stop: () => mf.dispose() };
  } catch (e) {
    await mf.dispose();
    throw e;
  }
}

/** bench/lib/floor-ladder-entry.ts: the floor plus one piece of Gatehouse's work per mode. */
export async function startFloorLadder(upstreamUrl: string, inspectorPort?: number): Promise<{ port: number; script: string; stop(): Promise<void> }> {
  const script = await bundleWorker("bench/lib/floor-ladder-entry.ts");
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(ROOT, "bench/lib/floor-ladder-entry.js"), contents: script }],
    ...(inspectorPort ? { inspectorPort } : {}),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
    bindings: { UPSTREAM: upstreamUrl },
    host: "127.0.0.1",
    port: 0,
    cf: false,
  });
  const url = (await mf.ready).toString();
  return { port: Number(new URL(url).port), script, stop: () => mf.dispose() };
}
