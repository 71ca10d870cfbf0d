// Work that goes unbilled: a client that hangs up after the provider accepted its request
// must not make that work free, and must not make Gatehouse start another provider's work.
// The client is a Worker beside Gatehouse (hangup-client.ts), so its hang-up fires
// Gatehouse's request.signal as a production client's does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectedCostMicros, providerBindings } from "../support/gateway-harness";
import { callThenHangUp, hangupClientWorker } from "../support/hangup-client";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";
import { ledger, mintKey, usageEvents, waitForSettlement, wallet } from "../support/money-probe";
import { startUpstream, type Upstream } from "../support/upstream-server";
import { anthropicMessage, openaiCompletion, sseFromChunks } from "../support/upstream-streams";

let worker: LocalWorker;
let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
  worker = await startLocalWorker({ bindings: providerBindings(up.url), workers: [hangupClientWorker()] });
}, 120_000);
afterAll(async () => {
  await worker?.dispose();
  await up?.close();
});
beforeEach(() => up.reset());

// A 120k-token prompt: ≈ 400 kB of text, so the reservation (one token per 3 bytes) covers
// the 120,000 input tokens the upstream reports.
const PROMPT_TOKENS = 120_000;
const bigAsk = [{ role: "user", content: "lorem ipsum ".repeat(33_000) }];

/** A fresh tenant and key, the call, the hang-up once the upstream has the request, and the settled charge. */
async function hangUpWhileUpstreamWorks(path: string, body: Record<string, unknown>, usageCount = 1) {
  const t = await worker.createTenant(10_000_000);
  const key = await mintKey(worker, t.masterKey, { max_spend_usd: 5 });
  const call = await callThenHangUp(worker, { path, key: key.secret, body });
  await up.waitForCalls(1, 15_000);
  await call.hangUp();
  const seen = await call.result;
  await new Promise((done) => setTimeout(done, 1_500)); // a fallback call would have been made by now
  const paths = up.calls.map((c) => c.path);
  await waitForSettlement(worker, t, usageCount);
  const charges = (await ledger(worker, t.masterKey)).filter((l) => l.type !== "credit");
  const events = await usageEvents(worker, t.tenantId);
  return { seen, paths, charges, events, wallet: await wallet(worker, t.masterKey) };
}

describe("a client that hangs up after the provider accepted the request", () => {
  it("non-stream on a 120k-token prompt: the answer is read after the hang-up and its usage charged, not $0", async () => {
    up.enqueue({ path: "/openai/", json: openaiCompletion("a long considered answer", { inputTokens: PROMPT_TOKENS, outputTokens: 40 }), delayMs: 1_500 });
    const r = await hangUpWhileUpstreamWorks("/v1/chat/completions", { model: "openai/gpt-4o", max_tokens: 100, messages: bigAsk });
    expect(r.seen.status).toBe(0); // gone before the answer
    const cost = expectedCostMicros("openai/gpt-4o", { input: PROMPT_TOKENS, output: 40 });
    expect(r.charges.map((c) => [c.type, -c.amount_micros])).toEqual([["charge", cost]]);
    expect(r.events).toMatchObject([{ input_tokens: PROMPT_TOKENS, output_tokens: 40, cost_micros: cost, outcome: "client_disconnected" }]);
    expect(r.wallet.reserved_micros).toBe(0);
    expect(up.calls).toHaveLength(1);
  });

  it("non-stream, translated (Anthropic client on an OpenAI model): charged the upstream's usage", async () => {
    up.enqueue({ path: "/openai/", json: openaiCompletion("answer", { inputTokens: PROMPT_TOKENS, outputTokens: 7 }), delayMs: 1_500 });
    const r = await hangUpWhileUpstreamWorks("/v1/messages", { model: "openai/gpt-4o", max_tokens: 100, messages: bigAsk });
    expect(r.events).toMatchObject([{ input_tokens: PROMPT_TOKENS, output_tokens: 7, outcome: "client_disconnected" }]);
    expect(-(r.charges[0]?.amount_micros ?? 0)).toBe(expectedCostMicros("openai/gpt-4o", { input: PROMPT_TOKENS, output: 7 }));
  });

  it("stream, before the first content: the stream is read to its usage after the hang-up and charged, not $0", async () => {
    // The role chunk comes at once; content follows slowly, so the hang-up lands before it.
    up.enqueue({ path: "/openai/", sse: sseFromChunks("openai", 3, { inputTokens: PROMPT_TOKENS, outputTokens: 3 }), chunkDelayMs: 300 });
    const r = await hangUpWhileUpstreamWorks("/v1/chat/completions", { model: "openai/gpt-4o", max_tokens: 100, stream: true, messages: bigAsk });
    const cost = expectedCostMicros("openai/gpt-4o", { input: PROMPT_TOKENS, output: 3 });
    expect(r.charges.map((c) => [c.type, -c.amount_micros])).toEqual([["charge", cost]]);
    expect(r.events).toMatchObject([{ input_tokens: PROMPT_TOKENS, output_tokens: 3, outcome: "client_disconnected" }]);
  });

  it("stream on Anthropic, before the first content: charged the usage the stream reports", async () => {
    up.enqueue({ path: "/anthropic/", sse: sseFromChunks("anthropic", 3, { inputTokens: PROMPT_TOKENS, outputTokens: 3 }), chunkDelayMs: 300 });
    const r = await hangUpWhileUpstreamWorks("/v1/messages", { model: "anthropic/claude-sonnet-4-5", max_tokens: 100, stream: true, messages: bigAsk });
    expect(r.events).toMatchObject([{ input_tokens: PROMPT_TOKENS, output_tokens: 3, outcome: "client_disconnected" }]);
    expect(-(r.charges[0]?.amount_micros ?? 0)).toBe(expectedCostMicros("anthropic/claude-sonnet-4-5", { input: PROMPT_TOKENS, output: 3 }));
  });
});

describe("after the client is gone, no other provider is called", () => {
  it("alias llama-3.3-70b: together answers 503 after the hang-up → no call to fireworks, nothing charged", async () => {
    up.enqueue({ path: "/together/", status: 503, json: { error: { message: "busy" } }, delayMs: 1_000 });
    up.enqueue({ path: "/fireworks/", json: openaiCompletion("second provider's work", { inputTokens: PROMPT_TOKENS }) });
    const r = await hangUpWhileUpstreamWorks("/v1/chat/completions", { model: "llama-3.3-70b", max_tokens: 100, messages: bigAsk }, 0);
    expect(r.paths).toEqual(["/together/v1/chat/completions"]);
    // The 503 is the upstream's evidence that it did no work: nothing to charge.
    expect(r.charges.filter((c) => c.amount_micros !== 0)).toEqual([]);
    expect(r.wallet.reserved_micros).toBe(0);
  });

  it("alias claude-sonnet-4-5 streaming: anthropic's overloaded event after the hang-up → no call to openrouter", async () => {
    up.enqueue({ path: "/anthropic/", sse: `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`, delayMs: 1_000 });
    up.enqueue({ path: "/openrouter/", json: anthropicMessage("second provider's work") });
    const r = await hangUpWhileUpstreamWorks("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 100, stream: true, messages: bigAsk }, 0);
    expect(r.paths).toEqual(["/anthropic/v1/messages"]);
  });
});
