// What bench:gateway measures: the same local upstream reached directly, through a trivial
// pass-through Worker (the floor), through Gatehouse and through Portkey. Each target is an
// HTTP endpoint on 127.0.0.1 plus how to stop it; requests ask for the same reply.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ROOT, startLocalWorker } from "../../test/support/local-worker";
import type { HttpTarget } from "./load";

export type TargetId = "direct" | "floor" | "gatehouse" | "portkey";
export type Runtime = "node" | "miniflare" | "wrangler dev";

export interface Target extends HttpTarget {
  id: TargetId;
  runtime: Runtime;
  /** Row label in the table. */
  label: string;
  /** True when responses carry Gatehouse's `Server-Timing: gw;dur=…`. */
  serverTiming: boolean;
  stop(): Promise<void>;
}

export const COMPATIBILITY_DATE = "2026-04-26";
/** Enough that the wallet never refuses during a run ($1,000 of test credit). */
export const BENCH_CREDIT_MICROS = 1_000_000_000;
export const UPSTREAM_API_KEY = "sk-bench-not-a-real-key";

/** The one request every target is sent, with the model id the target expects. */
export function chatBody(model: string): (stream: boolean) => string {
  const base = { model, messages: [{ role: "user", content: "Say hello." }], max_tokens: 64 };
  const plain = JSON.stringify(base);
  const streaming = JSON.stringify({ ...base, stream: true, stream_options: { include_usage: true } });
  return (stream) => (stream ? streaming : plain);
}

export const portOf = (url: string) => Number(new URL(url).port);

export function directTarget(upstreamUrl: string): Target {
  return {
    id: "direct",
    runtime: "node",
    label: "direct",
    serverTiming: false,
    port: portOf(upstreamUrl),
    path: "/v1/chat/completions",
    headers: { authorization: `Bearer ${UPSTREAM_API_KEY}` },
    body: chatBody("gpt-4o-mini"),
    stop: async () => {},
  };
}

/** bench/floor-worker.js in workerd through Miniflare's API. */
export async function miniflareFloor(upstreamUrl: string): Promise<Target> {
  const script = await readFile(join(ROOT, "bench/floor-worker.js"), "utf8");
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { UPSTREAM: upstreamUrl },
    host: "127.0.0.1",
    port: 0,
    cf: false,
  });
  const url = (await mf.ready).toString();
  return { ...directTarget(upstreamUrl), id: "floor", runtime: "miniflare", label: "floor", port: portOf(url), stop: () => mf.dispose() };
}

/** The real Gatehouse Worker (test/support/local-worker.ts), pass-through path openai → openai. */
export async function miniflareGatehouse(upstreamUrl: string): Promise<Target> {
  const w = await startLocalWorker({
    bindings: { UPSTREAM_OPENAI_URL: `${upstreamUrl}/v1`, OPENAI_API_KEY: UPSTREAM_API_KEY },
    creditMicros: BENCH_CREDIT_MICROS,
  });
  return gatehouseTarget("miniflare", w.url, w.masterKey, () => w.dispose());
}

export function gatehouseTarget(runtime: Runtime, url: string, masterKey: string, stop: () => Promise<void>): Target {
  return {
    id: "gatehouse",
    runtime,
    label: runtime === "wrangler dev" ? "Gatehouse (wrangler dev)" : "Gatehouse",
    serverTiming: true,
    port: portOf(url),
    path: "/v1/chat/completions",
    headers: { authorization: `Bearer ${masterKey}` },
    body: chatBody("openai/gpt-4o-mini"),
    stop,
  };
}
