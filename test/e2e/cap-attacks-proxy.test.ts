// Requests a hostile end user can send with one standard key, driven through the real proxy()
// and leases in-process against the real Ledger (a fake Wallet namespace over an in-memory
// store) and a local upstream (127.0.0.1) that reports the most usage each request allows.
// Each draw the isolate settles says what was held (reserved_micros) and what the provider
// billed (actual_micros): the cap is a true bound when actual ≤ reserved, always.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aliases, providers, type ModelPrice } from "../../generated/providers/catalog";
import type { KeyRecord } from "../../runtime/auth/key-store";
import { leases } from "../../runtime/gateway/leases";
import { costMicros, worstCaseMicros } from "../../runtime/gateway/pricing";
import { proxy } from "../../runtime/gateway/proxy";
import { requestFields } from "../../runtime/gateway/request-cost-fields";
import { Ledger } from "../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../runtime/wallet/memory-store";
import type { LeaseDraw } from "../../runtime/wallet/types";
import { providerBindings } from "../support/gateway-harness";
import { startUpstream, type RecordedCall, type Scenario, type Upstream } from "../support/upstream-server";

const USD = 1_000_000;

class FakeWallet {
  readonly ledger = new Ledger(new MemoryLedgerStore());
  readonly draws: LeaseDraw[] = [];
  async leaseGrow(leaseId: string, keyId: string, worst: number, room: number, want: number) {
    return this.ledger.leaseGrow(leaseId, keyId, worst, room, want, Date.now(), 600_000);
  }
  async leaseSettle(leaseId: string, seq: number, draws: LeaseDraw[], inflight: number, close: boolean) {
    const res = this.ledger.leaseSettle(leaseId, seq, draws, inflight, close, Date.now(), 600_000);
    if (res.ok && res.applied) this.draws.push(...draws);
    return res;
  }
}

let up: Upstream;
let wallet: FakeWallet;
let env: Env;
let tenant = 0;

beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up?.close();
});
beforeEach(() => {
  up.reset();
  wallet = new FakeWallet();
  wallet.ledger.credit(1_000 * USD, "seed");
  env = { ...providerBindings(up.url), WALLET: { idFromName: (n: string) => n, get: () => wallet } } as unknown as Env;
});

interface Run {
  status: number;
  text: string;
  draw: LeaseDraw | undefined;
  sent: Record<string, unknown> | undefined;
}

/** One request through proxy() with a standard key capped at `capUsd` (default: $100). */
async function run(surface: "anthropic" | "openai", body: Record<string, unknown>, opts: { capUsd?: number; raw?: string } = {}): Promise<Run> {
  const tenantId = `t${++tenant}`;
  const key = { id: `key_${tenant}`, tenant_id: tenantId, scope: "standard", end_user_id: null } as unknown as KeyRecord;
  wallet.ledger.upsertKey(key.id, (opts.capUsd ?? 100) * USD);
  const raw = opts.raw ?? JSON.stringify(body);
  const pending: Promise<unknown>[] = [];
  const exec = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
  const requestId = `req_${tenant}`;
  const ctx = { env, exec, req: new Request("http://gatehouse.test/v1", { method: "POST" }), requestId, caller: { key }, startedAt: 0 };
  let status: number;
  let text: string;
  try {
    const res = await proxy({ surface, body, bodyBytes: new TextEncoder().encode(raw).byteLength, key, ctx });
    status = res.status;
    text = await res.text();
  } catch (e) {
    status = (e as { status?: number }).status ?? 500;
    text = (e as Error).message;
  }
  await Promise.all(pending);
  await leases.flushTenant(env, tenantId);
  const draw = wallet.draws.find((d) => d.request_id === requestId);
  return { status, text, draw, sent: up.calls.at(-1)?.body as Record<string, unknown> | undefined };
}

const limitOf = (b: Record<string, unknown>) => Math.max(Number(b.max_tokens ?? 0), Number(b.max_completion_tokens ?? 0));
const priceOf = (id: string) => {
  const [p, ...m] = id.split("/");
  return providers[p as string]?.models[m.join("/")] as ModelPrice;
};

/** An OpenAI reply reporting `n` choices of the longest output the forwarded body allows, plus what `extra` adds. */
function openaiMax(call: RecordedCall, prompt: number, extra: Record<string, unknown> = {}): Scenario {
  const b = call.body as Record<string, unknown>;
  const n = Number(b.n ?? 1);
  const completion = limitOf(b) * n;
  return { json: { id: "c", object: "chat.completion", model: b.model, choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: "length" }], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }, ...extra } };
}

/** An Anthropic reply writing the whole forwarded max_tokens, with `usage` on top. */
function anthropicMax(call: RecordedCall, usage: Record<string, unknown>): Scenario {
  const b = call.body as Record<string, unknown>;
  return { json: { id: "m", type: "message", role: "assistant", model: b.model, content: [{ type: "text", text: "x" }], stop_reason: "max_tokens", usage: { input_tokens: 0, output_tokens: limitOf(b), ...usage } } };
}

const ask = [{ role: "user", content: "Summarise this." }];

describe("the cap's worst case is an upper bound of what the provider bills", () => {
  it("n=8 on gpt-4o: eight choices of output are held, not one", async () => {
    up.setDefault((c) => openaiMax(c, 20));
    const r = await run("openai", { model: "openai/gpt-4o", n: 8, max_completion_tokens: 1000, messages: ask });
    expect(r.status).toBe(200);
    expect(r.draw?.actual_micros).toBe(costMicros({ input_tokens: 20, output_tokens: 8000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, priceOf("openai/gpt-4o")));
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("n=1000 (more than OpenAI's 128, to a host that takes it): every choice asked for is held, none waved through", async () => {
    up.setDefault((c) => openaiMax(c, 20));
    const r = await run("openai", { model: "openai/gpt-4o", n: 1000, max_completion_tokens: 10, messages: ask });
    expect(r.status).toBe(200);
    expect(r.draw?.actual_micros).toBe(costMicros({ input_tokens: 20, output_tokens: 10_000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, priceOf("openai/gpt-4o")));
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("an astronomical n is refused with a 402 before any upstream call, never a 500", async () => {
    const r = await run("openai", { model: "openai/gpt-4o", n: 1e300, max_completion_tokens: 10, messages: ask });
    expect(r.status).toBe(402);
    expect(up.calls).toHaveLength(0);
  });

  it("max_completion_tokens:1 + max_tokens:16000: one limit goes upstream in both fields, and it is the one held", async () => {
    up.setDefault((c) => openaiMax(c, 20)); // a host that honours the largest field
    const r = await run("openai", { model: "openai/gpt-4o", max_completion_tokens: 1, max_tokens: 16000, messages: ask });
    expect(r.sent?.max_tokens).toBe(r.sent?.max_completion_tokens);
    expect(r.draw?.actual_micros).toBeGreaterThanOrEqual(costMicros({ input_tokens: 0, output_tokens: 16000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, priceOf("openai/gpt-4o")));
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("a document by URL on claude-opus-4-5 (a 208-byte body) holds the model's whole context window of input", async () => {
    up.setDefault((c) => anthropicMax(c, { input_tokens: 200_000 }));
    const body = { model: "anthropic/claude-opus-4-5", max_tokens: 64, messages: [{ role: "user", content: [{ type: "document", source: { type: "url", url: "https://example.com/a.pdf" } }] }] };
    const r = await run("anthropic", body);
    expect(JSON.stringify(body).length).toBeLessThan(210);
    expect(r.draw?.actual_micros).toBeGreaterThan(1_000_000); // ≈ $1.00 of input
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("web_search server tool: per-use fees are held and billed, and max_uses is forwarded so the uses are bounded", async () => {
    up.setDefault((c) => {
      const tool = ((c.body as { tools: Record<string, unknown>[] }).tools[0] ?? {}) as { max_uses?: number };
      return anthropicMax(c, { input_tokens: 200_000, server_tool_use: { web_search_requests: tool.max_uses ?? 1_000 } });
    });
    const r = await run("anthropic", { model: "anthropic/claude-opus-4-5", max_tokens: 1024, tools: [{ type: "web_search_20250305", name: "web_search" }], messages: ask });
    const uses = (r.sent?.tools as { max_uses?: number }[])[0]?.max_uses;
    expect(uses).toBe(providers.anthropic?.server_tools.web_search?.default_max_uses);
    const tokens = costMicros({ input_tokens: 200_000, output_tokens: 1024, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, priceOf("anthropic/claude-opus-4-5"));
    expect(r.draw?.actual_micros).toBe(tokens + (uses ?? 0) * 10_000); // $10 per 1,000 searches
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it('service_tier "priority" is held and billed at the priority price', async () => {
    up.setDefault((c) => openaiMax(c, 20, { service_tier: "priority" }));
    const r = await run("openai", { model: "openai/gpt-4o", service_tier: "priority", max_completion_tokens: 1000, messages: ask });
    const p = priceOf("openai/gpt-4o");
    expect(r.draw?.actual_micros).toBe(costMicros({ input_tokens: 20, output_tokens: 1000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, p, { tier: "priority", serverTools: [] }));
    expect(r.draw?.actual_micros).toBeGreaterThan(costMicros({ input_tokens: 20, output_tokens: 1000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, p));
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("an OpenRouter models list is held at its dearest model and billed at the model that answered", async () => {
    up.setDefault((c) => openaiMax(c, 20, { model: "anthropic/claude-sonnet-4.5" }));
    const body = { model: "openrouter/openai/gpt-4o-mini", models: ["anthropic/claude-sonnet-4.5"], route: "fallback", max_tokens: 1000, messages: ask };
    const r = await run("openai", body);
    expect(r.draw?.actual_micros).toBe(costMicros({ input_tokens: 20, output_tokens: 1000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, priceOf("openrouter/anthropic/claude-sonnet-4.5")));
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("an OpenRouter models list naming a model the catalog cannot price is a 400 before any upstream call", async () => {
    const r = await run("openai", { model: "openrouter/openai/gpt-4o-mini", models: ["openai/o1-pro"], max_tokens: 10, messages: ask });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/models\[0\] "openai\/o1-pro" is not a openrouter model/);
    expect(up.calls).toHaveLength(0);
  });

  it("an alias holds its most expensive candidate's worst case, not its first one's", async () => {
    const body = { model: "llama-3.3-70b", max_tokens: 20_000, messages: ask };
    const bytes = JSON.stringify(body).length;
    const each = (aliases["llama-3.3-70b"] ?? []).map((t) => {
      const p = priceOf(t);
      return worstCaseMicros(bytes, Math.min(20_000, p.max_output_tokens), p);
    });
    const r = await run("openai", body);
    expect(new Set(each).size).toBeGreaterThan(1);
    expect(r.draw?.reserved_micros).toBe(Math.max(...each));
  });

  it("no output limit on a $1-capped key (the README's example) is served, with the limit the hold pays for forwarded", async () => {
    up.setDefault((c) => openaiMax(c, 20));
    const r = await run("openai", { model: "openai/gpt-5", messages: ask }, { capUsd: 1 });
    expect(r.status).toBe(200);
    const limit = Number(r.sent?.max_completion_tokens);
    expect(limit).toBeGreaterThanOrEqual(1024);
    expect(limit).toBeLessThan(priceOf("openai/gpt-5").max_output_tokens);
    expect(r.draw?.reserved_micros).toBeLessThanOrEqual(USD);
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });

  it("Anthropic cache writes are billed at 1.25× input (5 minutes) and 2× (1 hour), within what was held", async () => {
    up.setDefault((c) => anthropicMax(c, { input_tokens: 10, cache_creation_input_tokens: 300, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 } }));
    const system = [{ type: "text", text: "x".repeat(1200), cache_control: { type: "ephemeral", ttl: "1h" } }];
    const r = await run("anthropic", { model: "anthropic/claude-sonnet-4-5", max_tokens: 100, system, messages: ask });
    // $3 in, $15 out: 10 × 3 + 100 × 3.75 + 200 × 6 + 100 × 15 micro-dollars per million tokens.
    expect(r.draw?.actual_micros).toBe(Math.ceil((10 * 3 + 100 * 3.75 + 200 * 6 + 100 * 15) / 1));
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });
});

/**
 * Per cost-raising effect: a request that uses a field with it, and the most usage a host
 * could report for that request (as sent upstream). Every non-neutral field of the table
 * must have one, so a field added to the table without a scenario fails here.
 */
/** As many input tokens as the forwarded body has bytes: the most a text request can be read as. */
const bodyTokens = (c: RecordedCall) => JSON.stringify(c.body).length;
const MEDIA = [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }];
const hostile: Record<string, { surface: "anthropic" | "openai"; model: string; body: Record<string, unknown>; reply: (c: RecordedCall) => Scenario }> = {
  output_limit: { surface: "openai", model: "openai/gpt-4o", body: { max_tokens: 16000, max_completion_tokens: 1 }, reply: (c) => openaiMax(c, bodyTokens(c)) },
  choices: { surface: "openai", model: "openai/gpt-4o", body: { n: 128, max_completion_tokens: 100 }, reply: (c) => openaiMax(c, bodyTokens(c)) },
  service_tier: { surface: "openai", model: "openai/gpt-4o", body: { service_tier: "priority", max_tokens: 100 }, reply: (c) => openaiMax(c, bodyTokens(c)) },
  content: { surface: "openai", model: "openai/gpt-4o", body: { messages: MEDIA, max_tokens: 100 }, reply: (c) => openaiMax(c, 128_000) },
  tools: { surface: "anthropic", model: "anthropic/claude-opus-4-5", body: { tools: [{ type: "web_search_20250305", name: "web_search" }], max_tokens: 100 }, reply: (c) => anthropicMax(c, { input_tokens: 200_000, server_tool_use: { web_search_requests: 5 } }) },
  server_tool: { surface: "openai", model: "openai/gpt-4o", body: { web_search_options: {}, max_tokens: 100 }, reply: (c) => openaiMax(c, 128_000) },
  fallback_models: { surface: "openai", model: "openrouter/openai/gpt-4o-mini", body: { models: ["anthropic/claude-sonnet-4.5"], max_tokens: 100 }, reply: (c) => openaiMax(c, bodyTokens(c), { model: "anthropic/claude-sonnet-4.5" }) },
  prediction: { surface: "openai", model: "openai/gpt-4o", body: { prediction: { type: "content", content: "p".repeat(3000) }, max_tokens: 100 }, reply: (c) => openaiMax(c, 0, { usage: { prompt_tokens: bodyTokens(c), completion_tokens: 3100, total_tokens: bodyTokens(c) + 3100 } }) },
  whole_context: { surface: "openai", model: "openai/gpt-4o", body: { modalities: ["text", "audio"], max_tokens: 100 }, reply: (c) => openaiMax(c, 128_000) },
};

describe("zero overshoots for every documented field", () => {
  const fields = Object.entries(requestFields).flatMap(([surface, table]) =>
    Object.entries(table ?? {}).filter(([, rule]) => rule.effect !== "neutral").map(([field, rule]) => [surface, field, rule.effect] as const),
  );
  it.each(fields)("%s %s (%s): actual ≤ reserved when the host reports the most it allows", async (surface, field, effect) => {
    const s = hostile[effect];
    expect(s, `no hostile scenario for the effect ${effect}`).toBeDefined();
    if (!s) return;
    up.setDefault(s.reply);
    const body = { model: s.model, messages: ask, ...s.body };
    if (!(field in body)) body[field as keyof typeof body] = (surface === "anthropic" ? { max_tokens: 100, messages: MEDIA, system: MEDIA[0]?.content, container: "c1", mcp_servers: [{ type: "url", url: "https://mcp.example" }] } : { max_tokens: 100, max_completion_tokens: 100, functions: [{ name: "f" }], audio: { voice: "alloy", format: "wav" }, plugins: [{ id: "web" }] })[field as never];
    const r = await run(s.surface, body);
    expect(r.status).toBe(200);
    expect(r.draw).toBeDefined();
    expect(r.draw?.actual_micros).toBeLessThanOrEqual(r.draw?.reserved_micros ?? 0);
  });
});
