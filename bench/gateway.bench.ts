// npm run bench:gateway — one run, one table: the same local upstream reached directly,
// through a trivial pass-through Worker (the floor), through the reading floor (the same, reading
// every chunk of a stream on a tee'd branch: issue 21's target), through Gatehouse (as shipped,
// and with the opt-in native pipe) and through Portkey; non-streaming and 50-chunk streams; 1 and
// 16 connections; p50/p99, time to first byte, throughput, the ratios to both floors and the
// serving process's CPU per request; Gatehouse's Server-Timing gw distribution; then the paced
// mode (200 concurrent streams of 300 events at 20 ms). Workers run in workerd through
// Miniflare's API; the floor and Gatehouse also under `wrangler dev` (its dev proxy in front),
// in rows of their own. 127.0.0.1 only; every process started here is stopped at the end, on
// error and on Ctrl-C.
//
//   npm run bench:gateway [-- --seconds=4 --wrangler-seconds=3 --prewarm-seconds=3 --paced-streams=200 --no-paced --no-wallet-apart --no-wrangler --no-portkey --no-readme]
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT } from "../test/support/local-worker";
import { onCleanup, startChild, stopAll, useScratchTmpdir } from "./lib/children";
import { runCell } from "./lib/load";
import { runPaced, type PacedResult } from "./lib/paced";
import { cpuSeconds } from "./lib/proc";
import { ensurePortkey, PORTKEY_VERSION, startPortkey } from "./lib/portkey";
import { probe } from "./lib/probe";
import { writeResults } from "./lib/readme";
import { renderMarkdown, renderText, stats, verdicts, type Cell } from "./lib/report";
import { directTarget, miniflareFloor, miniflareGatehouse, withModel, type Target } from "./lib/targets";
import { PACED_EVENTS, PACED_INTERVAL_MS, PACED_MODEL, STREAM_CHUNKS } from "./lib/upstream-reply";
import { miniflareGatehouseWalletApart } from "./lib/wallet-apart";
import { wranglerFloor, wranglerGatehouse } from "./lib/wrangler-dev";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const num = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SECONDS = num("seconds", 4);
const WRANGLER_SECONDS = num("wrangler-seconds", 3);
const WARMUP_MS = 500;
/**
 * Before any cell, every target serves this long of each mode at 16 connections, unmeasured:
 * JIT warm-up, the same for every target. Measured (2026-12-05): Gatehouse's workerd CPU per
 * request settles only after ≈ 3 s of such load (≈ 1,000 → 600 µs on JSON, second by second),
 * so with the per-cell warm-up alone its first cells measured code still being compiled.
 */
const PREWARM_SECONDS = num("prewarm-seconds", 3);
const MAX_REQUESTS = 100_000;
const CONNECTIONS = [1, 16];
const PACED_STREAMS = num("paced-streams", 200);
const PACED_SPREAD_MS = 1000;

const t0 = performance.now();
const log = (line: string) => console.log(`gateway ▸ ${line} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

async function startUpstreamChild(): Promise<string> {
  const child = startChild("upstream", process.execPath, ["--import", "tsx", join(ROOT, "bench/lib/upstream-child.ts")], { cwd: ROOT });
  const line = await child.waitForLine(/^\{"url"/, 20_000);
  return (JSON.parse(line) as { url: string }).url;
}

/** The code measured: commit, and whether runtime/ had uncommitted changes. */
function codeVersion(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "runtime", "generated"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
    return `${head}${dirty ? " + uncommitted runtime/generated changes" : ""}`;
  } catch {
    return "unknown commit";
  }
}

/** Starts a target and checks its replies; a target that cannot start is skipped, loudly. */
async function bring(name: string, start: () => Promise<Target>, skipped: string[]): Promise<Target | undefined> {
  const began = performance.now();
  let t: Target | undefined;
  try {
    t = await start();
    onCleanup(() => (t as Target).stop());
    await probe(t);
    log(`${t.label} ready on 127.0.0.1:${t.port}, replies checked (${((performance.now() - began) / 1000).toFixed(1)} s to start)`);
    return t;
  } catch (e) {
    await t?.stop().catch(() => {});
    skipped.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
    log(`SKIPPED ${name}: ${(e as Error).message}`);
    return undefined;
  }
}

async function main() {
  useScratchTmpdir();
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, ${process.platform}`;
  const loadBefore = loadavg()[0]?.toFixed(1) ?? "?";
  log(`machine: ${machine}; load average ${loadBefore} (other work on the machine lowers every row: compare rows of one run)`);
  const upstream = await startUpstreamChild();
  log(`upstream on ${upstream} (own process): chat completion, or ${STREAM_CHUNKS}-chunk stream with usage`);

  const skipped: string[] = [];
  const targets: Target[] = [directTarget(upstream)];
  const add = (t: Target | undefined) => t && targets.push(t);
  add(await bring("floor (Miniflare)", () => miniflareFloor(upstream), skipped));
  add(await bring("reading floor (Miniflare)", () => miniflareFloor(upstream, true), skipped));
  add(await bring("Gatehouse (Miniflare)", () => miniflareGatehouse(upstream), skipped));
  add(await bring("Gatehouse, native pipe (Miniflare)", () => miniflareGatehouse(upstream, true), skipped));
  if (!flag("no-wallet-apart")) add(await bring("Gatehouse, Wallet in another workerd (Miniflare)", () => miniflareGatehouseWalletApart(upstream), skipped));
  if (!flag("no-portkey")) {
    add(await bring(`Portkey ${PORTKEY_VERSION}`, async () => (await ensurePortkey(log), startPortkey(upstream)), skipped));
  }
  if (!flag("no-wrangler")) {
    add(await bring("floor (wrangler dev)", () => wranglerFloor(upstream), skipped));
    add(await bring("Gatehouse (wrangler dev)", () => wranglerGatehouse(upstream), skipped));
  }

  for (const t of targets) {
    const seconds = t.runtime === "wrangler dev" ? Math.min(1, PREWARM_SECONDS) : PREWARM_SECONDS;
    if (seconds <= 0) break;
    for (const stream of [false, true]) await runCell(t, stream, 16, { warmupMs: 0, durationMs: seconds * 1000, maxRequests: MAX_REQUESTS });
    log(`${t.label} warmed up: ${seconds} s of each mode at 16 connections, not measured`);
  }

  // Cell-major order (each mode × connections across all targets) so drift over the run
  // does not favour whichever target happened to go first.
  const cells: Cell[] = [];
  const total = 2 * CONNECTIONS.length * targets.length;
  for (const stream of [false, true]) {
    for (const conc of CONNECTIONS) {
      for (const t of targets) {
        const seconds = t.runtime === "wrangler dev" ? WRANGLER_SECONDS : SECONDS;
        let [c0, c1] = [Number.NaN, Number.NaN];
        const result = await runCell(t, stream, conc, {
          warmupMs: WARMUP_MS,
          durationMs: seconds * 1000,
          maxRequests: MAX_REQUESTS,
          onWindow: (edge) => (edge === "start" ? (c0 = cpuSeconds(t.pid)) : (c1 = cpuSeconds(t.pid))),
        });
        const cell: Cell = { id: t.id, runtime: t.runtime, label: t.label, stream, conc, result, cpu: c1 - c0 };
        cells.push(cell);
        const s = stats(cell);
        const unit = stream ? "streams/s" : "req/s";
        const ttfb = stream ? `, TTFB p50 ${s.ttfbP50.toFixed(2)} ms` : "";
        const errs = s.errors ? `, ${s.errors} errors (first: ${result.firstError})` : "";
        const cpu = Number.isNaN(s.cpuUs) ? "" : `, ${s.cpuUs.toFixed(0)} µs CPU/req`;
        log(`[${cells.length}/${total}] ${t.label} ${stream ? "stream" : "json"} ×${conc}: p50 ${s.p50.toFixed(2)} ms${ttfb}, ${s.perSecond.toFixed(0)} ${unit}${cpu}${errs}`);
        await new Promise((r) => setTimeout(r, 250)); // let settle()/waitUntil work drain between cells
      }
    }
  }
  // Paced mode: an LLM's pace, many streams open at once (not for the wrangler dev rows).
  const paced: PacedResult[] = [];
  if (!flag("no-paced")) {
    for (const t of targets.filter((x) => x.runtime !== "wrangler dev" && x.id !== "apart")) {
      const r = await runPaced(withModel(t, PACED_MODEL, PACED_EVENTS + 100), { streams: PACED_STREAMS, spreadMs: PACED_SPREAD_MS });
      paced.push(r);
      log(`paced ${t.label}: ${r.streams} streams of ${PACED_EVENTS} events at ${PACED_INTERVAL_MS} ms, ${r.cpuPerStreamUs.toFixed(0)} µs CPU/stream, TTFB p50 ${r.ttfbP50.toFixed(1)} ms, ${(r.memEarly / 1024).toFixed(1)} → ${(r.memLate / 1024).toFixed(1)} KiB/stream${r.errors ? `, ${r.errors} errors (first: ${r.firstError})` : ""}`);
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  log("stopping the targets");
  await stopAll();

  const load = `load average ${loadBefore} before, ${loadavg()[0]?.toFixed(1) ?? "?"} after`;
  const text = renderText(cells, paced);
  const checks = verdicts(cells, paced);
  console.log(`\n${machine}; ${load}\n\n${text}\n\nTargets\n${checks.map((c) => `  ${c}`).join("\n")}`);
  if (skipped.length) console.log(`\nSkipped\n${skipped.map((s) => `  ${s}`).join("\n")}`);

  if (!flag("no-readme")) {
    const md = [
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC at ${codeVersion()}, on ${machine} (${load}); ${SECONDS} s per cell${flag("no-wrangler") ? " (wrangler dev rows not run)" : ` (wrangler dev rows ${WRANGLER_SECONDS} s)`} after ${PREWARM_SECONDS} s of unmeasured load per target and mode and a ${WARMUP_MS} ms warm-up per cell${paced.length ? `; paced mode ${PACED_STREAMS} streams × ${PACED_EVENTS} events at ${PACED_INTERVAL_MS} ms, starts spread over ${PACED_SPREAD_MS} ms` : ""}; whole run ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
      "",
      renderMarkdown(cells, paced),
      "",
      checks.map((c) => `- ${c}`).join("\n"),
      ...(skipped.length ? ["", `Skipped: ${skipped.join("; ")}`] : []),
    ].join("\n");
    log(`results written to ${await writeResults(md)}`);
  }
  log("done");
}

main()
  .catch((e: Error) => {
    console.error(`bench:gateway failed: ${e.stack ?? e.message}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
