// The gateway end to end, for node tests: the real Worker in workerd (local-worker.ts) with
// every HTTP provider of the catalog pointed at one scripted local upstream, each under its
// own path prefix (`/<provider-id>/v1`), plus the official SDKs with only baseURL and apiKey
// changed, and helpers to read SSE, the wallet ledger, catalog prices and gateway headers.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { providers, type ModelPrice } from "../../generated/providers/catalog";
import type { LedgerEntry, LedgerPage, WalletBalance } from "../../runtime/wallet/types";
import { startLocalWorker, type LocalWorker } from "./local-worker";
import { startUpstream, type Upstream } from "./upstream-server";

export interface Gateway {
  up: Upstream;
  worker: LocalWorker;
  openai: OpenAI;
  anthropic: Anthropic;
  dispose(): Promise<void>;
}

/** The provider key the worker is configured with (what the upstream must receive). */
export const providerKey = (id: string) => `sk-${id}-test`;

/** `UPSTREAM_<ID>_URL` → `<up>/<id>/v1` and `<ID>_API_KEY` for every HTTP provider in the catalog. */
export function providerBindings(upstreamUrl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of Object.values(providers)) {
    if (p.transport !== "http") continue;
    out[p.url_override_var] = `${upstreamUrl}/${p.id}/v1`;
    if (p.auth) out[p.auth.secret] = providerKey(p.id);
  }
  return out;
}

export interface GatewayOptions {
  /** An upstream to share (the caller closes it); otherwise one is started and closed with the gateway. */
  up?: Upstream;
  /** Extra worker bindings (vars), over the provider bindings. */
  bindings?: Record<string, string>;
}

/** Starts a local upstream (unless given one) and a worker whose providers all point at it. */
export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const up = opts.up ?? (await startUpstream());
  const worker = await startLocalWorker({ bindings: { ...providerBindings(up.url), ...opts.bindings } });
  return {
    up,
    worker,
    openai: new OpenAI({ baseURL: `${worker.url}/v1`, apiKey: worker.masterKey }),
    anthropic: new Anthropic({ baseURL: worker.url, apiKey: worker.masterKey }),
    dispose: async () => {
      await worker.dispose();
      if (!opts.up) await up.close();
    },
  };
}

/**
 * The e2e setup every gateway test file shares: one gateway for the file (started before its
 * first test, disposed after its last), its upstream's script and calls reset before each test.
 * Returns the gateway to use in tests; its fields are filled in once `beforeAll` has run.
 */
export function useGateway(opts: GatewayOptions = {}): Gateway {
  // Filled in place (not returned later) so test files keep one `const gw` at the top.
  const gw = {} as Gateway;
  beforeAll(async () => {
    Object.assign(gw, await startGateway(opts));
  }, 120_000);
  afterAll(() => gw.dispose?.());
  beforeEach(() => gw.up.reset());
  return gw;
}

/** POST a JSON (or raw string) body to the worker with its master key. */
export function post(worker: LocalWorker, path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": worker.masterKey },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

/** The catalog price of `provider/model`. */
export function priceOf(model: string): ModelPrice {
  const slash = model.indexOf("/");
  const price = providers[model.slice(0, slash)]?.models[model.slice(slash + 1)];
  if (!price) throw new Error(`${model} is not in the catalog`);
  return price;
}

/** usage × catalog price in micro-dollars, rounded up (the catalog's prices are per million tokens). */
export function expectedCostMicros(model: string, usage: { input: number; output: number; cachedInput?: number }): number {
  const p = priceOf(model);
  const scaled = usage.input * p.input_micros_per_mtok + (usage.cachedInput ?? 0) * p.cached_input_micros_per_mtok + usage.output * p.output_micros_per_mtok;
  return Math.ceil(scaled / 1_000_000);
}

/** The headers every gateway answer carries: request id, provider, and gateway/upstream timing. */
export function expectGatewayHeaders(headers: Headers, provider: string): void {
  expect(headers.get("x-qlaud-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  expect(headers.get("x-qlaud-provider")).toBe(provider);
  expect(headers.get("server-timing")).toMatch(/gw;dur=\d+(\.\d+)?/);
  expect(headers.get("server-timing")).toMatch(/upstream;dur=\d+(\.\d+)?/);
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Test-side SSE reader: one entry per event (`event:` name, joined `data:` lines); comments skipped. */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((l) => l !== "" && !l.startsWith(":"));
    if (lines.length === 0) continue;
    const name = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
    const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
    out.push(name === undefined ? { data } : { event: name, data });
  }
  return out;
}

/** The text a recorded (or relayed) stream carries: OpenAI `delta.content` or Anthropic `text_delta`s. */
export function streamText(sse: string): string {
  let text = "";
  for (const e of parseSse(sse)) {
    if (e.data === "[DONE]") continue;
    const d = JSON.parse(e.data) as {
      choices?: { delta?: { content?: string | null } }[];
      type?: string;
      delta?: { type?: string; text?: string };
    };
    text += d.choices?.[0]?.delta?.content ?? "";
    if (d.type === "content_block_delta" && d.delta?.type === "text_delta") text += d.delta.text ?? "";
  }
  return text;
}

/** Resolves once `check` returns a value other than undefined/false (polling), else rejects. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface WalletRpc {
  ledger(options?: { limit?: number; after?: number }): Promise<LedgerPage>;
}

/** Every ledger entry of the worker's tenant, read from its Wallet Durable Object over RPC. */
export async function ledger(worker: LocalWorker): Promise<LedgerEntry[]> {
  // Typed by the Workers runtime types in generated/env/: miniflare's own .d.ts names
  // @cloudflare/workers-types, which this project does not install.
  const ns = (await worker.mf.getDurableObjectNamespace("WALLET")) as unknown as DurableObjectNamespace;
  const wallet = ns.get(ns.idFromName(worker.tenantId)) as unknown as WalletRpc;
  const all: LedgerEntry[] = [];
  let after = 0;
  for (;;) {
    const page = await wallet.ledger({ limit: 500, after });
    all.push(...page.data);
    if (!page.has_more || page.next_after === null) return all;
    after = page.next_after;
  }
}

/** The charge settled for one request (waits for the settlement, which runs after the response). */
export function chargeFor(worker: LocalWorker, requestId: string): Promise<LedgerEntry> {
  return waitFor(async () => (await ledger(worker)).find((e) => e.request_id === requestId), `the settlement of ${requestId}`);
}

/** `GET /v1/wallet` for the worker's tenant. */
export async function walletBalance(worker: LocalWorker): Promise<WalletBalance> {
  const res = await fetch(`${worker.url}/v1/wallet`, { headers: { "x-api-key": worker.masterKey } });
  if (!res.ok) throw new Error(`GET /v1/wallet: HTTP ${res.status}`);
  return (await res.json()) as WalletBalance;
}

/**
 * The official openai SDK with only `baseURL` changed (and the gateway's master key), remembering
 * the last answer's headers: its streams do not expose them.
 */
export function openaiSdkFor(gw: Gateway): { sdk: () => OpenAI; lastHeaders: () => Headers } {
  let last = new Headers();
  const sdk = () =>
    new OpenAI({
      baseURL: `${gw.worker.url}/v1`,
      apiKey: gw.worker.masterKey,
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        last = res.headers;
        return res;
      },
    });
  return { sdk, lastHeaders: () => last };
}
