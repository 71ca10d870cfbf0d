// Runs the Gatehouse Worker in workerd through Miniflare's API (the runtime `wrangler dev`
// uses, without its dev proxy): a bundle of runtime/index.ts, local D1/KV/Durable Objects,
// migrations applied, and a tenant with a master key. For node tests and benchmarks.
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build, type BuildOptions, type Plugin } from "esbuild";
import { Miniflare, type WorkerOptions } from "miniflare";

export const ROOT = resolve(import.meta.dirname, "../..");
export const ADMIN_TOKEN = "adm_local_worker_admin_token_for_tests_only";

export interface LocalWorker {
  url: string;
  mf: Miniflare;
  masterKey: string;
  tenantId: string;
  /** Creates another tenant (with credit) through the admin API. */
  createTenant(creditMicros: number): Promise<{ tenantId: string; masterKey: string }>;
  dispose(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/** esbuild options that bundle for workerd as wrangler does (add an entry: entryPoints or stdin). */
export const WORKERD_BUNDLE = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*", "node:*"],
  write: false,
  logLevel: "silent",
} as const satisfies BuildOptions;

/**
 * Bundles a Worker entry (default: the Gatehouse Worker; a path relative to the project root,
 * or an absolute one) the way wrangler does before starting workerd; cached per entry for the
 * process. Plugins (e.g. a bench variant that stubs a module) bypass the cache.
 */
export function bundleWorker(entry = "runtime/index.ts", plugins: Plugin[] = []): Promise<string> {
  const build_ = async () => {
    const out = await build({ ...WORKERD_BUNDLE, entryPoints: [resolve(ROOT, entry)], plugins });
    return out.outputFiles[0]?.text ?? "";
  };
  if (plugins.length > 0) return build_();
  let cached = bundles.get(entry);
  if (!cached) bundles.set(entry, (cached = build_()));
  return cached;
}

/** Every statement of every D1 migration, in order. */
export async function migrationStatements(): Promise<string[]> {
  const dir = join(ROOT, "runtime/db/migrations");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const out: string[] = [];
  for (const f of files) {
    const sql = (await readFile(join(dir, f), "utf8")).replaceAll(/--.*$/gm, "");
    out.push(...splitStatements(sql));
  }
  return out;
}

/**
 * A migration's statements: split at `;`, except inside a trigger's `BEGIN … END` body (whose
 * statements end in `;` too) and inside quoted strings.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  let quote: string | null = null;
  const words = sql.split(/(\s+|;|'|")/);
  for (const w of words) {
    if (quote !== null) {
      current += w;
      if (w === quote) quote = null;
      continue;
    }
    if (w === "'" || w === '"') quote = w;
    else if (/^(begin|case)$/i.test(w)) depth++; // a CASE … END closes with END too
    else if (/^end$/i.test(w) && depth > 0) depth--;
    if (w === ";" && depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else current += w;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

export async function startLocalWorker(
  opts: {
    bindings?: Record<string, string>;
    creditMicros?: number;
    port?: number;
    /** A bundle to run instead of runtime/index.ts (benchmarks). */
    script?: string;
    /** More Workers beside Gatehouse (named "gatehouse" for their service bindings), reached with mf.getWorker(name). */
    workers?: WorkerOptions[];
  } = {},
): Promise<LocalWorker> {
  const script = opts.script ?? (await bundleWorker());
  const gatehouse: WorkerOptions = {
    name: "gatehouse",
    modules: [{ type: "ESModule", path: join(ROOT, "runtime/index.js"), contents: script }],
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
    d1Databases: { DB: "gatehouse-local" },
    kvNamespaces: { KEY_CACHE: "key-cache-local" },
    r2Buckets: { ARCHIVE: "gatehouse-archive" },
    durableObjects: { WALLET: { className: "Wallet", useSQLite: true } },
    // As wrangler.toml: the search index's queue, consumed by this same Worker.
    queueProducers: { SEARCH_QUEUE: { queueName: "gatehouse-search-index" } },
    queueConsumers: { "gatehouse-search-index": { maxBatchSize: 50, maxBatchTimeout: 1, maxRetries: 5, deadLetterQueue: "gatehouse-search-index-dlq" } },
    bindings: { ENVIRONMENT: "development", ADMIN_TOKEN, UPSTREAM_TIMEOUT_MS: "10000", ...opts.bindings },
  };
  const mf = new Miniflare({
    workers: [gatehouse, ...(opts.workers ?? [])],
    host: "127.0.0.1",
    port: opts.port ?? 0,
    cf: false,
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const db = await mf.getD1Database("DB");
  for (const stmt of await migrationStatements()) await db.prepare(stmt).run();

  const createTenant = async (creditMicros: number) => {
    const res = await fetch(`${url}/v1/admin/tenants`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "test tenant", initial_credit_micros: creditMicros }),
    });
    if (res.status !== 201) throw new Error(`creating a tenant failed: ${res.status} ${await res.text()}`);
    const t = (await res.json()) as { id: string; master_key: { secret: string } };
    return { tenantId: t.id, masterKey: t.master_key.secret };
  };
  const first = await createTenant(opts.creditMicros ?? 100_000_000);
  return { url, mf, ...first, createTenant, dispose: () => mf.dispose() };
}
