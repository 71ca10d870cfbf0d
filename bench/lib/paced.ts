// bench:gateway's paced mode (issue 21): many concurrent streams at an LLM's pace — 200 streams
// of 300 events, one event every 20 ms — against each target, measuring what a relay costs per
// stream when the time goes to waiting, not to bytes: the serving process's CPU per stream, time
// to first byte, and its resident memory per open stream early and late in the streams (a relay
// that keeps anything per event grows between the two). Starts are spread over one second.
import { Agent } from "node:http";
import { ascending, once, percentile } from "./load";
import { cpuSeconds, rssBytes } from "./proc";
import type { Target } from "./targets";
import { PACED_EVENTS, PACED_INTERVAL_MS } from "./upstream-reply";

export interface PacedOptions {
  streams: number;
  /** Starts are spread evenly over this long. */
  spreadMs: number;
}

export interface PacedResult {
  label: string;
  id: Target["id"];
  streams: number;
  errors: number;
  firstError?: string;
  /** Server process CPU from the first start to the last end, per stream (µs); NaN without a pid. */
  cpuPerStreamUs: number;
  ttfbP50: number;
  ttfbP99: number;
  totalP50: number;
  /** Resident memory per open stream over the idle process (bytes), once every stream is past event ~75, and again past ~225. */
  memEarly: number;
  memLate: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The median of five RSS readings 40 ms apart (a single one catches GC and allocator swings). */
async function steadyRss(pid: number | undefined): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(40);
    xs.push(rssBytes(pid));
  }
  return xs.sort((a, b) => a - b)[2] ?? Number.NaN;
}

export async function runPaced(t: Target, opts: PacedOptions): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.streams, maxFreeSockets: opts.streams });
  const payload = t.body(true);
  const streamMs = PACED_EVENTS * PACED_INTERVAL_MS;
  await sleep(500);
  const base = await steadyRss(t.pid);
  const cpu0 = cpuSeconds(t.pid);
  let errors = 0;
  let firstError: string | undefined;
  const samples = await (async () => {
    const early = sleep(opts.spreadMs + 75 * PACED_INTERVAL_MS - 80).then(() => steadyRss(t.pid));
    const late = sleep(opts.spreadMs + 225 * PACED_INTERVAL_MS - 80).then(() => steadyRss(t.pid));
    const runs = Array.from({ length: opts.streams }, async (_, i) => {
      await sleep((i * opts.spreadMs) / opts.streams);
      try {
        return await once(agent, t, true, payload, streamMs + 30_000);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
        return undefined;
      }
    });
    const done = await Promise.all(runs);
    return { done, early: await early, late: await late };
  })();
  const cpu1 = cpuSeconds(t.pid);
  agent.destroy();
  const ok = samples.done.filter((s) => s !== undefined);
  const ttfb = ascending(ok.map((s) => s.ttfbMs));
  const total = ascending(ok.map((s) => s.totalMs));
  return {
    label: t.label,
    id: t.id,
    streams: ok.length,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    cpuPerStreamUs: ok.length ? ((cpu1 - cpu0) * 1e6) / ok.length : Number.NaN,
    ttfbP50: percentile(ttfb, 50),
    ttfbP99: percentile(ttfb, 99),
    totalP50: percentile(total, 50),
    memEarly: (samples.early - base) / opts.streams,
    memLate: (samples.late - base) / opts.streams,
  };
}
