// npm run bench:tools — what the connector runtime costs, on this machine (127.0.0.1 only):
// (1) catalog search inside workerd — over the manifests in connectors/ and over an index of the
//     whole 105-vendor catalog (../shared/connectors/catalog.json) — and POST /v1/tools/search
//     through the real Worker against GET /v1/tools (authentication and one D1 read) as baseline;
// (2) the executor: callTool against a bare fetch of the same URL at the local mock vendor;
// (3) the production bundle from `wrangler deploy --dry-run`: gzipped size and global-scope startup;
// (4) search quality: recall@3 and MRR over fixtures/tool-intents.json, named and unnamed vendors.
// Each figure prints with its target and ✓/✗; the run exits non-zero when one is missed.
// Bounded to about three minutes. How each is measured: bench/tools.md.
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { searchTools as indexedTools } from "../generated/connectors/search-index";
import { searchCatalog } from "../runtime/tools/catalog-search";
import { bundleWorker, ROOT, startLocalWorker } from "../test/support/local-worker";
import { benchClock } from "./lib/progress";
import { writeResults } from "./lib/readme";
import { benchBundle } from "./tools/bundle-size";
import { benchExecutor } from "./tools/executor";
import { intents } from "./tools/intents";
import { loadIntents, QUALITY_TARGETS, searchQuality, type QualityReport } from "./tools/search-quality";
import { asManifests, catalogVendors, searchIndexOf } from "./tools/synthetic-catalog";
import { stats, type Stats } from "./wallet/stats";

const REPS = 200;
const ROUTE_BASELINE_READS = 200;
const EXECUTOR_CALLS = 2_000;
const ISOLATES = 7;
const DEADLINE_MS = 240_000;
const TARGETS = { searchP99: 2, overheadP50: 0.5, gzipBytes: 1024 * 1024, startupMs: 50 } as const;

const { progress, checkDeadline } = benchClock("tools", DEADLINE_MS, 8);

interface Row {
  what: string;
  s?: Stats;
  /** The figure checked against the target, its text, and whether it is met. */
  verdict?: { text: string; ok: boolean };
  note?: string;
}

const fmt = (x: number) => x.toFixed(3);
const check = (value: number, limit: number, unit: string, what: string) => ({ text: `${what} ${fmt(value)} ${unit} ≤ ${limit} ${unit} ${value <= limit ? "✓" : "✗"}`, ok: value <= limit });

/** Mean ms per search for each query, timed inside workerd (see bench/tools/search-entry.ts). */
async function searchInWorkerd(queries: readonly string[], plugins: Parameters<typeof bundleWorker>[1]): Promise<number[]> {
  const script = await bundleWorker("bench/tools/search-entry.ts", plugins);
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(ROOT, "bench/tools/search-entry.js"), contents: script }],
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat"],
  });
  try {
    const run = async (qs: readonly string[], reps: number) => {
      const res = await mf.dispatchFetch("http://bench/search", { method: "POST", body: JSON.stringify({ queries: qs, reps, limit: 10 }) });
      if (!res.ok) throw new Error(`the search Worker answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return ((await res.json()) as { perQuery: number[] }).perQuery;
    };
    await run(queries, 3);
    return await run(queries, REPS);
  } finally {
    await mf.dispose();
  }
}

function searchInNode(queries: readonly string[]): number[] {
  for (const q of queries) searchCatalog(q, { limit: 10 });
  return queries.map((q) => {
    const t0 = performance.now();
    searchCatalog(q, { limit: 10 });
    return performance.now() - t0;
  });
}

async function searchRoute(queries: readonly string[]): Promise<Row[]> {
  const w = await startLocalWorker();
  try {
    const call = async (path: string, body?: unknown) => {
      const t0 = performance.now();
      const res = await fetch(`${w.url}${path}`, { method: body ? "POST" : "GET", headers: { "x-api-key": w.masterKey, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
      const gw = Number(/gw;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? NaN);
      return { ms: performance.now() - t0, gw };
    };
    for (let i = 0; i < 30; i++) await call("/v1/tools");
    const floor = [];
    for (let i = 0; i < ROUTE_BASELINE_READS; i++) floor.push((await call("/v1/tools")).ms);
    const search = [];
    for (const intent of queries) search.push(await call("/v1/tools/search", { intent, end_user_id: "bench-user", limit: 10 }));
    const [base, client, own] = [stats(floor), stats(search.map((x) => x.ms)), stats(search.map((x) => x.gw))];
    return [
      { what: "baseline: GET /v1/tools (auth, one D1 read), client", s: base },
      { what: "POST /v1/tools/search, client", s: client, note: `p50 ${(client.p50 / base.p50).toFixed(2)}× the baseline` },
      { what: "  its Worker's own time (server-timing gw, whole ms)", s: own, note: "auth, two D1 reads, the search" },
    ];
  } finally {
    await w.dispose();
  }
}

async function main() {
  const vendors = await catalogVendors();
  const queries = intents(vendors);
  const full = asManifests(vendors);
  const fullTools = full.filter((m) => m.auth.mode !== "mcp").reduce((n, m) => n + m.tools.length, 0);
  const rows: Row[] = [];

  const own = stats(await searchInWorkerd(queries, []));
  rows.push({ what: `search in workerd: connectors/ (${indexedTools.length} tools), mean of ${REPS} runs per intent`, s: own, verdict: check(own.p99, TARGETS.searchP99, "ms", "p99") });
  progress("search", `${queries.length} intents over connectors/ in workerd: p99 ${fmt(own.p99)} ms`);
  const wide = stats(await searchInWorkerd(queries, [searchIndexOf(full)]));
  rows.push({ what: `search in workerd: 105-vendor catalog (${fullTools} tools), same`, s: wide, verdict: check(wide.p99, TARGETS.searchP99, "ms", "p99") });
  progress("search", `the same over the 105-vendor catalog's index: p99 ${fmt(wide.p99)} ms`);
  rows.push({ what: "  search in node, connectors/, one run per intent", s: stats(searchInNode(queries)), note: "this process's clock (sub-ms), for reference" });
  checkDeadline();

  rows.push(...(await searchRoute(queries)));
  progress("route", `${queries.length} × POST /v1/tools/search through the Worker`);
  checkDeadline();

  const ex = await benchExecutor(EXECUTOR_CALLS);
  rows.push({ what: "bare fetch of the vendor URL (baseline)", s: ex.fetch });
  rows.push({ what: "callTool github/get_file_contents, same URL", s: ex.callTool });
  rows.push({ what: "  executor overhead: callTool − fetch, per call pair", s: ex.diff, verdict: check(ex.diff.p50, TARGETS.overheadP50, "ms", "p50") });
  progress("executor", `${EXECUTOR_CALLS} call pairs against the mock vendor: overhead p50 ${fmt(ex.diff.p50)} ms`);
  checkDeadline();

  const b = await benchBundle(ISOLATES, (d) => progress("bundle", d));
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  rows.push({ what: `production bundle: ${kib(b.bytes)}, gzipped ${kib(b.gzipBytes)}`, verdict: { text: `gzip ${kib(b.gzipBytes)} ≤ 1024 KiB ${b.gzipBytes <= TARGETS.gzipBytes ? "✓" : "✗"}`, ok: b.gzipBytes <= TARGETS.gzipBytes } });
  const start = stats(b.startup);
  rows.push({ what: `global-scope startup: import of the bundle in a fresh isolate (${ISOLATES} isolates)`, s: start, verdict: check(start.p50, TARGETS.startupMs, "ms", "p50"), note: `a one-line module: p50 ${fmt(stats(b.tiny).p50)} ms; slowest isolate ${fmt(Math.max(...b.startup))} ms` });
  progress("bundle", `gzip ${kib(b.gzipBytes)}, startup p50 ${fmt(start.p50)} ms`);

  const quality = searchQuality(loadIntents());
  const qualityOk = quality.named.recallAt3 >= QUALITY_TARGETS.namedRecallAt3 && quality.unnamed.recallAt3 >= QUALITY_TARGETS.unnamedRecallAt3;
  progress("quality", `recall@3 named ${quality.named.recallAt3.toFixed(3)}, unnamed ${quality.unnamed.recallAt3.toFixed(3)} (${quality.named.n + quality.unnamed.n} intents)`);

  const md = `${report(rows)}\n\n${qualityReport(quality)}`;
  console.log(`\n${md}`);
  const file = await writeResults(md, "tools");
  progress("done", `results written to ${file}`);
  if (rows.some((r) => r.verdict && !r.verdict.ok) || !qualityOk) process.exitCode = 1;
}

/** Search quality over fixtures/tool-intents.json: the figures, their targets, and what missed. */
function qualityReport(q: QualityReport): string {
  const row = (what: string, f: QualityReport["named"], target: number) =>
    `| ${what} | ${f.n} | ${f.recallAt3.toFixed(3)} | ${f.mrr.toFixed(3)} | recall@3 ≥ ${target} ${f.recallAt3 >= target ? "✓" : "✗"} |`;
  const lines = [
    "Search quality (fixtures/tool-intents.json, the catalog search over connectors/; a hit is any of an intent's expected tools):",
    "",
    "| intents | n | recall@3 | MRR | target |",
    "|---|---:|---:|---:|---|",
    row("vendor named (\"open a Linear ticket\")", q.named, QUALITY_TARGETS.namedRecallAt3),
    row("vendor not named (\"send an SMS\")", q.unnamed, QUALITY_TARGETS.unnamedRecallAt3),
    "",
    `${q.skipped} intent(s) skipped (their connectors are not in connectors/)${q.stale.length ? `; stale expectations: ${q.stale.join(", ")}` : ""}.`,
  ];
  if (q.misses.length > 0) {
    lines.push("", "Misses (not in the first three):", "");
    for (const m of q.misses) lines.push(`- "${m.intent}": wanted ${m.expect.join(" or ")}; got ${m.got.join(", ") || "nothing"}`);
  }
  return lines.join("\n");
}

function report(rows: readonly Row[]): string {
  const lines = ["| measurement | n | p50 ms | p99 ms | target | note |", "|---|---:|---:|---:|---|---|"];
  for (const r of rows) lines.push(`| ${r.what} | ${r.s?.n ?? ""} | ${r.s ? fmt(r.s.p50) : ""} | ${r.s ? fmt(r.s.p99) : ""} | ${r.verdict?.text ?? ""} | ${r.note ?? ""} |`);
  lines.push("", `${new Date().toISOString().slice(0, 10)}, \`npm run bench:tools\`, ${process.platform} ${process.arch}, node ${process.version}; client latencies over 127.0.0.1, one request at a time; workerd's clock moves in whole milliseconds (hence the means of ${REPS} runs).`);
  return lines.join("\n");
}

await main();
