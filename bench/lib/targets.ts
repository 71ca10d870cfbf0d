// What bench:gateway measures: the same local upstream reached directly, through a trivial
// pass-through Worker (the floor), through the reading floor (the same, reading every chunk of a
// stream on a tee'd branch), through Gatehouse (as shipped, and with the opt-in native pipe) and
// through Portkey. Each target is an HTTP endpoint on 127.0.0.1 plus how to stop it and which
// process serves it (for CPU and memory); requests ask for the same reply.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ADMIN_TOKEN, ROOT, startLocalWorker } from "../../test/support/local-worker";
import type { HttpTarget } from "./load";
import { withNewWorkerd } from "./proc";

export type TargetId = "direct" | "floor" | "reading" | "gatehouse" | "native" | "apart" | "portkey";
export type Runtime = "node" | "miniflare" | "wrangler dev";

export interface Target extends HttpTarget {
  id: TargetId;
  runtime: Runtime;
  /** Row label in the table. */
  label: string;
  /** True when responses carry Gatehouse's `Server-Timing: gw;dur=…`. */
  serverTiming: boolean;
  /** The process that serves it (workerd for Miniflare targets), for CPU and memory; unset when unknown. */
  pid?: number;
  /** The model a request names (the paced mode asks for another one). */
  model: string;
  stop(): Promise<void>;
}

export const COMPATIBILITY_DATE = "2026-04-26";
/** Enough that the wallet never refuses during a run ($1,000 of test credit). */
export const BENCH_CREDIT_MICROS = 1_000_000_000;
export const UPSTREAM_API_KEY = "sk-bench-not-a-real-key";

/** The one request every target is sent, with the model id the target expects. */
export function chatBody(model: string, maxTokens = 64): (stream: boolean) => string {
  const base = { model, messages: [{ role: "user", content: "Say hello." }], max_tokens: maxTokens };
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
    model: "gpt-4o-mini",
    stop: async () => {},
  };
}

/** The same target asking for model `model` (the upstream paces its stream for the paced mode). */
export function withModel(t: Target, model: string, maxTokens: number): Target {
  const prefixed = t.model.startsWith("openai/") ? `openai/${model}` : model;
  return { ...t, model: prefixed, body: chatBody(prefixed, maxTokens) };
}

/** bench/floor-worker.js in workerd through Miniflare's API; `reading`: the reading floor. */
export async function miniflareFloor(upstreamUrl: string, reading = false): Promise<Target> {
  const script = await readFile(join(ROOT, "bench/floor-worker.js"), "utf8");
  const { value: mf, pid } = await withNewWorkerd(async () => {
    const m = new Miniflare({
      modules: true,
      script,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { UPSTREAM: upstreamUrl, READING: reading ? "1" : "0" },
      host: "127.0.0.1",
      port: 0,
      cf: false,
    });
    await m.ready;
    return m;
  });
  const url = (await mf.ready).toString();
  const id: TargetId = reading ? "reading" : "floor";
  return { ...directTarget(upstreamUrl), id, runtime: "miniflare", label: reading ? "reading floor" : "floor", port: portOf(url), pid, stop: () => mf.dispose() };
}

/**
 * The real Gatehouse Worker (test/support/local-worker.ts), pass-through path openai → openai;
 * `nativePipe`: with STREAM_NATIVE_PIPE=on (runtime/gateway/native-pipe.ts, off by default).
 */
export async function miniflareGatehouse(upstreamUrl: string, nativePipe = false): Promise<Target> {
  const { value: w, pid } = await withNewWorkerd(() =>
    startLocalWorker({
      bindings: { UPSTREAM_OPENAI_URL: `${upstreamUrl}/v1`, OPENAI_API_KEY: UPSTREAM_API_KEY, ...(nativePipe ? { STREAM_NATIVE_PIPE: "on" } : {}) },
      creditMicros: BENCH_CREDIT_MICROS,
    }),
  );
  const t = gatehouseTarget("miniflare", w.url, w.masterKey, () => w.dispose());
  return nativePipe ? { ...t, id: "native", label: "Gatehouse (native pipe, opt-in)", pid } : { ...t, pid };
}

/** Creates the bench tenant (BENCH_CREDIT_MICROS of credit) through the admin API at `url`; its master key's secret. */
export async function createBenchTenant(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/admin/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench tenant", initial_credit_micros: BENCH_CREDIT_MICROS }),
  });
  if (res.status !== 201) throw new Error(`creating the bench tenant failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { master_key: { secret: string } }).master_key.secret;
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
    model: "openai/gpt-4o-mini",
    stop,
  };
}
