// complete(), the one LLM call, with no HTTP: a fake send layer (the seam: sendUpstream) that
// answers with real recordings, and a fake Wallet over the real Ledger. What it yields is
// checked against the recorded IR event files in fixtures/complete/; what it bills against
// the recording's usage at the catalog's prices.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { providers, type ModelPrice } from "../../../generated/providers/catalog";
import type { KeyRecord } from "../../../runtime/auth/key-store";
import { ApiError } from "../../../runtime/errors";
import type { RequestContext } from "../../../runtime/http/context";
import { complete, type Completion, type CompletionRequest } from "../../../runtime/gateway/complete";
import { leases } from "../../../runtime/gateway/leases";
import { costMicros } from "../../../runtime/gateway/pricing";
import type { Candidate } from "../../../runtime/gateway/resolve-model";
import type { sendUpstream } from "../../../runtime/gateway/send";
import type { IrStreamEvent, WireFormat } from "../../../runtime/translate";
import { FakeWallet } from "./fake-wallet";

const FIXTURES = join(__dirname, "../../../fixtures/complete");
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const irOf = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as IrStreamEvent[];
const USD = 1_000_000;

type Send = typeof sendUpstream;
interface SentCall {
  provider: string;
  format: WireFormat;
  body: Record<string, unknown>;
}

/** A send layer that answers each call with the next scripted Response (or a failed connection). */
function fakeSend(...answers: Array<(() => Response) | "fail">): { send: Send; calls: SentCall[]; aborted: () => number } {
  const calls: SentCall[] = [];
  let aborts = 0;
  const send: Send = async (_ctx, c: Candidate, format, body) => {
    calls.push({ provider: c.provider.id, format, body: body.json });
    const next = answers.shift();
    if (next === undefined || next === "fail") return { kind: "failed", reason: "connection failed (scripted)" };
    return { kind: "ok", response: next(), abort: () => void aborts++ };
  };
  return { send, calls, aborted: () => aborts };
}

const sse = (bytes: Uint8Array) => () => new Response(bytes, { headers: { "content-type": "text/event-stream" } });
const json = (bytes: Uint8Array | string, status = 200) => () => new Response(bytes, { status, headers: { "content-type": "application/json" } });

let wallet: FakeWallet;
let tenant = 0;
let pending: Promise<unknown>[];
let ctx: RequestContext;
let key: KeyRecord;

beforeEach(() => {
  wallet = new FakeWallet();
  wallet.ledger.credit(100 * USD, "seed");
  tenant++;
  key = { id: `key_c${tenant}`, tenant_id: `tc${tenant}`, scope: "standard", end_user_id: null } as unknown as KeyRecord;
  wallet.ledger.upsertKey(key.id, 10 * USD);
  pending = [];
  const exec = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
  ctx = { env: wallet.env(), exec, req: new Request("http://gatehouse.test/v1", { method: "POST" }), requestId: `req_c${tenant}`, caller: { key }, startedAt: 0 } as unknown as RequestContext;
});

function request(surface: WireFormat, body: Record<string, unknown>): CompletionRequest {
  return { surface, body, bodyBytes: new TextEncoder().encode(JSON.stringify(body)).byteLength, key };
}

async function eventsOf(done: Completion): Promise<IrStreamEvent[]> {
  if (done.kind !== "answer" || done.answer.kind !== "events") throw new Error(`expected events, got ${JSON.stringify(done)}`);
  const all: IrStreamEvent[] = [];
  for await (const batch of done.answer.events) all.push(...batch);
  return all;
}

/** The settled draws, once every waitUntil ran and the lease flushed. */
async function settledDraws() {
  await Promise.all(pending);
  await leases.flushTenant(ctx.env, key.tenant_id);
  return wallet.draws;
}

const price = (provider: string, model: string) => providers[provider]?.models[model] as ModelPrice;
const ask = [{ role: "user", content: "What is the population of Crumpet?" }];

describe("complete(): the recorded answer as IR events, billed at its usage", () => {
  it("an Anthropic tool-use stream, asked in the OpenAI shape: the recorded IR events, in order", async () => {
    const up = fakeSend(sse(fixture("anthropic-tool-use-stream.sse")));
    const done = await complete(request("openai", { model: "anthropic/claude-sonnet-4-5", stream: true, max_tokens: 1000, messages: ask }), ctx, { send: up.send });
    expect(done).toMatchObject({ kind: "answer", provider: "anthropic", stream: true });
    expect(await eventsOf(done)).toEqual(irOf("anthropic-tool-use-stream.ir.json"));
    const billed = await (done as Extract<Completion, { kind: "answer" }>).billed;
    const usage = irOf("anthropic-tool-use-stream.ir.json").filter((e) => e.type === "usage").at(-1);
    expect(usage?.type === "usage" && billed.usage).toEqual(usage?.type === "usage" && usage.usage);
    expect(billed).toMatchObject({ outcome: "ok", costMicros: costMicros(billed.usage, price("anthropic", "claude-sonnet-4-5")) });
    const [draw] = await settledDraws();
    expect(draw?.actual_micros).toBe(billed.costMicros);
    expect(draw?.reserved_micros).toBeGreaterThanOrEqual(billed.costMicros);
    // The upstream was spoken to in its own format, the output limit forwarded.
    expect(up.calls[0]).toMatchObject({ provider: "anthropic", format: "anthropic", body: { max_tokens: 1000, stream: true } });
  });

  it("an OpenAI stream with usage, asked in the Anthropic shape: the recorded IR events", async () => {
    const up = fakeSend(sse(fixture("openai-include-usage-stream.sse")));
    const done = await complete(request("anthropic", { model: "openai/gpt-4o-mini", stream: true, max_tokens: 100, messages: ask }), ctx, { send: up.send });
    expect(await eventsOf(done)).toEqual(irOf("openai-include-usage-stream.ir.json"));
    // Gatehouse always asks an OpenAI upstream for the usage chunk: it is what is billed.
    expect(up.calls[0]?.body).toMatchObject({ stream_options: { include_usage: true } });
    const [draw] = await settledDraws();
    expect(draw?.actual_micros).toBeGreaterThan(0);
  });

  it("a whole OpenAI answer: one batch of the recorded IR events, billed before complete() returns", async () => {
    const up = fakeSend(json(fixture("openai-tool-calls.json")));
    const done = await complete(request("anthropic", { model: "openai/gpt-4o-mini", max_tokens: 100, messages: ask }), ctx, { send: up.send });
    expect(done).toMatchObject({ kind: "answer", stream: false });
    expect(await eventsOf(done)).toEqual(irOf("openai-tool-calls.ir.json"));
    const billed = await (done as Extract<Completion, { kind: "answer" }>).billed;
    expect(billed.usage).toMatchObject({ input_tokens: 92, output_tokens: 17 });
    expect(billed.costMicros).toBe(costMicros(billed.usage, price("openai", "gpt-4o-mini")));
  });

  it("same shape with passThrough: the upstream's bytes untouched (not IR), still billed from the tap", async () => {
    const bytes = fixture("openai-include-usage-stream.sse");
    const up = fakeSend(sse(bytes));
    const done = await complete(request("openai", { model: "openai/gpt-4o-mini", stream: true, stream_options: { include_usage: true }, max_tokens: 100, messages: ask }), ctx, { send: up.send, passThrough: true });
    if (done.kind !== "answer" || done.answer.kind !== "bytes") throw new Error("expected bytes");
    expect(await new Response(done.answer.body).text()).toBe(new TextDecoder().decode(bytes));
    expect((await done.billed).usage.output_tokens).toBeGreaterThan(0);
  });

  it("same shape without passThrough (an agent loop): IR events all the same", async () => {
    const up = fakeSend(sse(fixture("openai-include-usage-stream.sse")));
    const done = await complete(request("openai", { model: "openai/gpt-4o-mini", stream: true, max_tokens: 100, messages: ask }), ctx, { send: up.send });
    expect(await eventsOf(done)).toEqual(irOf("openai-include-usage-stream.ir.json"));
  });
});

describe("complete(): fallback, refusals, hang-ups", () => {
  it("a provider that cannot be reached, then one that answers: the next candidate serves, one charge", async () => {
    const up = fakeSend("fail", sse(fixture("openai-include-usage-stream.sse")));
    const done = await complete(request("anthropic", { model: "llama-3.3-70b", stream: true, max_tokens: 100, messages: ask }), ctx, { send: up.send });
    expect(up.calls.map((c) => c.provider)).toEqual(["together", "fireworks"]);
    expect(done).toMatchObject({ kind: "answer", provider: "fireworks" });
    await eventsOf(done);
    expect(await settledDraws()).toHaveLength(1);
  });

  it("a 400 of the provider's own: refused, in the IR error vocabulary, nothing charged", async () => {
    const up = fakeSend(json('{"error":{"message":"messages: too short","type":"invalid_request_error"}}', 400));
    const done = await complete(request("anthropic", { model: "openai/gpt-4o-mini", max_tokens: 100, messages: ask }), ctx, { send: up.send });
    expect(done).toEqual({ kind: "refused", provider: "openai", status: 400, error: { type: "invalid_request_error", message: "messages: too short", retryable: false } });
    const draws = await settledDraws();
    expect(draws.every((d) => d.actual_micros === 0)).toBe(true);
  });

  it("the only provider overloaded (recorded 529): its error is relayed, nothing charged", async () => {
    const up = fakeSend(json(fixture("anthropic-error-529-overloaded.json"), 529));
    const done = await complete(request("openai", { model: "anthropic/claude-sonnet-4-5", max_tokens: 100, messages: ask }), ctx, { send: up.send });
    expect(done).toMatchObject({ kind: "refused", status: 529, error: { type: "overloaded_error" } });
  });

  it("a client gone before the first call: no provider is called, a 502, nothing charged", async () => {
    const gone = new AbortController();
    gone.abort();
    ctx = { ...ctx, req: new Request("http://gatehouse.test/v1", { method: "POST", signal: gone.signal }) };
    const up = fakeSend(sse(fixture("openai-include-usage-stream.sse")));
    await expect(complete(request("anthropic", { model: "openai/gpt-4o-mini", stream: true, max_tokens: 100, messages: ask }), ctx, { send: up.send })).rejects.toBeInstanceOf(ApiError);
    expect(up.calls).toHaveLength(0);
    expect((await settledDraws()).every((d) => d.actual_micros === 0)).toBe(true);
  });

  it("a reader that stops after the first content: the upstream is stopped, billed the estimate as a disconnect", async () => {
    const up = fakeSend(sse(fixture("anthropic-tool-use-stream.sse").subarray(0, 900)));
    const done = await complete(request("openai", { model: "anthropic/claude-sonnet-4-5", stream: true, max_tokens: 1000, messages: ask }), ctx, { send: up.send });
    if (done.kind !== "answer" || done.answer.kind !== "events") throw new Error("expected events");
    for await (const batch of done.answer.events) if (batch.some((e) => e.type === "block_start")) break; // return(): the reader is gone
    const billed = await done.billed;
    expect(billed.outcome).toMatch(/client_disconnected|upstream_error/);
    expect(billed.costMicros).toBeGreaterThan(0); // accepted work is never billed as nothing
  });

  it("no output limit from the client: the limit forwarded is what the held amount pays for (issue 12's rule)", async () => {
    wallet.ledger.upsertKey(key.id, 0.05 * USD); // a cap far below claude-sonnet's whole output window
    const up = fakeSend(sse(fixture("anthropic-tool-use-stream.sse")));
    const done = await complete(request("openai", { model: "anthropic/claude-sonnet-4-5", stream: true, messages: ask }), ctx, { send: up.send });
    await eventsOf(done);
    const forwarded = Number(up.calls[0]?.body.max_tokens);
    expect(forwarded).toBeGreaterThan(0);
    expect(forwarded).toBeLessThan(price("anthropic", "claude-sonnet-4-5").max_output_tokens ?? Infinity);
    const [draw] = await settledDraws();
    expect(draw?.reserved_micros).toBeLessThanOrEqual(0.05 * USD);
  });
});
