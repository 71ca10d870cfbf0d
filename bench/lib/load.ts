// The load generator: C closed loops over keep-alive HTTP/1.1 connections (node:http, which
// costs the client less than fetch), a short warm-up, then a fixed time window. Per request
// it records time to the first body byte and to the end of the body; a response counts only
// when it is a 200 whose body is complete (a stream must end with `data: [DONE]`).
import { Agent, request } from "node:http";

export interface HttpTarget {
  port: number;
  path: string;
  /** POST (default) with `body(stream)`, or GET with no body. */
  method?: "GET" | "POST";
  headers: Record<string, string>;
  body(stream: boolean): string;
}

export interface Sample {
  totalMs: number;
  ttfbMs: number;
  /** The `Server-Timing` entries of the response, by name (ms). */
  timing: Record<string, number>;
}

export interface CellResult {
  samples: Sample[];
  errors: number;
  firstError?: string;
  elapsedMs: number;
}

export interface CellOptions {
  warmupMs: number;
  durationMs: number;
  /** Stop early after this many responses (bounds memory and time on fast targets). */
  maxRequests: number;
  timeoutMs?: number;
  /** Called right before and right after the measured window (for CPU accounting). */
  onWindow?: (edge: "start" | "end") => void;
}

const DONE = "data: [DONE]";

/** One request; rejects unless it is a complete 200. */
export function once(agent: Agent, t: HttpTarget, stream: boolean, payload: string, timeoutMs: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port: t.port,
        path: t.path,
        method: t.method ?? "POST",
        headers: t.method === "GET" ? t.headers : { ...t.headers, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let ttfb = 0;
        let tail = "";
        res.on("data", (chunk: Buffer) => {
          if (ttfb === 0) ttfb = performance.now() - t0;
          tail = (tail + chunk.toString("latin1")).slice(-96);
        });
        res.on("error", reject);
        res.on("end", () => {
          const totalMs = performance.now() - t0;
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${tail}`));
          if (stream ? !tail.includes(DONE) : tail.length === 0) return reject(new Error(`incomplete body, ends with ${JSON.stringify(tail)}`));
          resolve({ totalMs, ttfbMs: ttfb, timing: parseServerTiming(res.headers["server-timing"]) });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(t.method === "GET" ? undefined : payload);
  });
}

/** Runs `conc` loops against `t`: warm-up (discarded), then the measured window. */
export async function runCell(t: HttpTarget, stream: boolean, conc: number, opts: CellOptions): Promise<CellResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: conc, maxFreeSockets: conc });
  const payload = t.body(stream);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const result: CellResult = { samples: [], errors: 0, elapsedMs: 0 };
  const loops = async (until: number, keep: boolean) => {
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (performance.now() < until && result.samples.length < opts.maxRequests) {
          try {
            const s = await once(agent, t, stream, payload, timeoutMs);
            if (keep) result.samples.push(s);
          } catch (e) {
            result.errors++;
            result.firstError ??= (e as Error).message;
            // A target that only fails must not spin: give up once failures dominate.
            if (result.errors > 20 && result.errors > result.samples.length) return;
          }
        }
      }),
    );
  };
  try {
    await loops(performance.now() + opts.warmupMs, false);
    result.errors = 0;
    result.firstError = undefined;
    opts.onWindow?.("start");
    const start = performance.now();
    await loops(start + opts.durationMs, true);
    result.elapsedMs = performance.now() - start;
    opts.onWindow?.("end");
  } finally {
    agent.destroy();
  }
  return result;
}

/** `gw;dur=0.40, upstream;dur=3.10` → { gw: 0.4, upstream: 3.1 }. */
export function parseServerTiming(header: string | string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const entry of text.split(",")) {
    const [name, ...params] = entry.trim().split(";");
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith("dur="));
    if (name && dur) out[name] = Number(dur.slice(4));
  }
  return out;
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
