// npm run bench:threads — what threads cost as they grow, on this machine (127.0.0.1 only,
// workerd and local D1 via Miniflare): appending a turn, reading a page of messages, and
// searching, on a thread (and a tenant's corpus) of 1,000, 10,000 and 100,000 messages.
//
// Baseline, in the same run: GET /v1/threads/:id (authentication plus one primary-key read),
// the cheapest authenticated read of the same room; every row prints its ratio to it, and each
// size its ratio to the 1,000-message figure (how the cost grows). Seeding goes through a bench
// route (bench/threads/bench-worker.ts) that writes and indexes messages in bulk inside workerd.
// Bounded to about three minutes.
import { bundleWorker, startLocalWorker, type LocalWorker } from "../test/support/local-worker";
import { benchClock } from "./lib/progress";
import { writeResults } from "./lib/readme";
import { rng, skewedWord, word } from "./threads/corpus";
import { stats, type Stats } from "./wallet/stats";

const SIZES = [1_000, 10_000, 100_000] as const;
const SEED_CHUNK = 5_000;
const PAGE_READS = 300;
const TURNS = 100;
const SEARCHES = 200;
const FLOOR_READS = 300;
const DEADLINE_MS = 240_000;
const TARGETS = { append: 15, page: 10, search: 50 } as const;

const { progress, checkDeadline } = benchClock("threads", DEADLINE_MS, 8);

interface Ctx {
  w: LocalWorker;
  master: string;
}

async function call(c: Ctx, path: string, init: RequestInit & { key?: string } = {}): Promise<{ res: Response; body: unknown; ms: number }> {
  const s = performance.now();
  const res = await fetch(`${c.w.url}${path}`, {
    ...init,
    headers: { "x-api-key": init.key ?? c.master, "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) },
  });
  const text = await res.text();
  const ms = performance.now() - s;
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return { res, body: text ? JSON.parse(text) : null, ms };
}

async function newThread(c: Ctx, endUser: string): Promise<string> {
  const { body } = await call(c, "/v1/threads", { method: "POST", body: JSON.stringify({ end_user_id: endUser }) });
  return (body as { id: string }).id;
}

async function seed(c: Ctx, thread: string, n: number, salt: number): Promise<void> {
  for (let done = 0; done < n; done += SEED_CHUNK) {
    const chunk = Math.min(SEED_CHUNK, n - done);
    await call(c, `/__bench/seed?tenant=${c.w.tenantId}&thread=${thread}&n=${chunk}&salt=${salt}`, { method: "POST" });
  }
}

/** The Worker's own time for a request (its `server-timing: gw;dur=`), without the client and the loopback. */
function workerMs(res: Response): number {
  const dur = /gw;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
  if (dur === undefined) throw new Error("an answer has no server-timing gw;dur");
  return Number(dur);
}

/** A search of one to three corpus words, skewed like the corpus. */
function queries(count: number, seed: number): string[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => word(skewedWord(r))).join(" "));
}

interface Row {
  what: string;
  size: number;
  s: Stats;
  target?: number;
}

async function main() {
  progress("bundle", "the Worker with the seeding route");
  const w = await startLocalWorker({ script: await bundleWorker("bench/threads/bench-worker.ts"), creditMicros: 1_000_000_000_000 });
  const c: Ctx = { w, master: w.masterKey };
  const rows: Row[] = [];
  try {
    const floorThread = await newThread(c, "bench-floor");
    for (let i = 0; i < 30; i++) await call(c, `/v1/threads/${floorThread}`);
    const floor: number[] = [];
    for (let i = 0; i < FLOOR_READS; i++) floor.push((await call(c, `/v1/threads/${floorThread}`)).ms);
    const floorStats = stats(floor);
    rows.push({ what: "baseline: GET /v1/threads/:id", size: 0, s: floorStats });
    progress("floor", `${FLOOR_READS} thread reads`);

    let corpus = 0;
    for (const [i, size] of SIZES.entries()) {
      const thread = await newThread(c, `bench-user-${size}`);
      const s0 = performance.now();
      await seed(c, thread, size, i + 1);
      corpus += size;
      progress("seed", `${size.toLocaleString("en")} messages in one thread, written and indexed in ${((performance.now() - s0) / 1000).toFixed(1)} s (tenant corpus ${corpus.toLocaleString("en")})`);
      checkDeadline();

      const r = rng(size);
      const page: number[] = [];
      const pageWorker: number[] = [];
      for (let k = 0; k < PAGE_READS; k++) {
        const before = 2 + Math.floor(r() * size);
        const { ms, res } = await call(c, `/v1/threads/${thread}/messages?limit=50&before_seq=${before}`);
        page.push(ms);
        pageWorker.push(workerMs(res));
      }
      rows.push({ what: "page: 50 messages at a random place", size, s: stats(page), target: TARGETS.page });
      rows.push({ what: "  the page: the Worker's own time (server-timing gw)", size, s: stats(pageWorker) });
      progress("page", `${PAGE_READS} pages of 50`);

      const persist: number[] = [];
      const turn: number[] = [];
      for (let k = 0; k < TURNS; k++) {
        const { res, ms } = await call(c, `/v1/threads/${thread}/messages`, {
          method: "POST",
          body: JSON.stringify({ model: "mock/echo", max_tokens: 32, content: `benchmark turn ${k}: ${word(k)}` }),
        });
        const dur = /persist;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
        if (dur === undefined) throw new Error("a turn's answer has no server-timing persist;dur");
        persist.push(Number(dur));
        turn.push(ms);
      }
      rows.push({ what: "append: a turn's store (server-timing persist)", size, s: stats(persist), target: TARGETS.append });
      rows.push({ what: "  the whole turn (mock/echo model, context load)", size, s: stats(turn) });
      progress("append", `${TURNS} turns`);
      checkDeadline();

      const search: number[] = [];
      const searchWorker: number[] = [];
      const slowest: { q: string; ms: number; hits: number }[] = [];
      for (const q of queries(SEARCHES, size)) {
        const { ms, body, res } = await call(c, `/v1/search?q=${encodeURIComponent(q)}&limit=10`);
        search.push(ms);
        searchWorker.push(workerMs(res));
        slowest.push({ q, ms, hits: (body as { data: unknown[] }).data.length });
      }
      slowest.sort((a, b) => b.ms - a.ms);
      const showSlow = slowest.slice(0, 3).map((x) => `"${x.q}" ${x.ms.toFixed(1)} ms`).join(", ");
      rows.push({ what: `search: the tenant's ${corpus.toLocaleString("en")} messages`, size, s: stats(search), target: TARGETS.search });
      rows.push({ what: "  the search: the Worker's own time (server-timing gw)", size, s: stats(searchWorker) });
      progress("search", `${SEARCHES} queries of 1–3 words; slowest: ${showSlow}`);
      checkDeadline();
    }

    const md = report(rows, floorStats);
    console.log(`\n${md}`);
    const file = await writeResults(md, "threads");
    progress("done", `results written to ${file}`);
    if (rows.some((row) => row.target !== undefined && row.size === 100_000 && row.s.p99 > row.target)) process.exitCode = 1;
  } finally {
    await w.dispose();
  }
}

function report(rows: readonly Row[], floor: Stats): string {
  const first = new Map<string, number>();
  for (const r of rows) if (!first.has(keyOf(r.what))) first.set(keyOf(r.what), r.s.p99);
  const lines = [
    "| measurement | messages | n | p50 ms | p99 ms | p99 ÷ baseline | p99 ÷ at 1,000 | target p99 |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const growth = r.size > 0 ? `${(r.s.p99 / (first.get(keyOf(r.what)) ?? r.s.p99)).toFixed(2)}×` : "";
    const target = r.target === undefined ? "" : `≤ ${r.target} ms ${r.s.p99 <= r.target ? "✓" : "✗"}`;
    lines.push(
      `| ${r.what} | ${r.size ? r.size.toLocaleString("en") : ""} | ${r.s.n} | ${r.s.p50.toFixed(2)} | ${r.s.p99.toFixed(2)} | ${(r.s.p99 / floor.p99).toFixed(2)}× | ${growth} | ${target} |`,
    );
  }
  lines.push("", `${new Date().toISOString().slice(0, 10)}, \`npm run bench:threads\`, ${process.platform} ${process.arch}, node ${process.version}; latencies are the client's, over 127.0.0.1, one request at a time, except "append" (the Worker's own time to store the turn) and the "Worker's own time" rows (workerd's clock: whole milliseconds).`);
  return lines.join("\n");
}

const keyOf = (what: string) => what.replace(/[\d,]+ messages/, "N messages");

await main();
