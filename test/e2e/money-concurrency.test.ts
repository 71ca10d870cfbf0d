import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, type ModelPrice } from "../../generated/providers/catalog";
import { costMicros, worstCaseMicros } from "../../runtime/gateway/pricing";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";
import { ledger, mintKey, usageEvents, waitForSettlement } from "../support/money-probe";
import { startUpstream, type RecordedCall, type Scenario, type Upstream } from "../support/upstream-server";
import { anthropicMessage, openaiCompletion, sseFromChunks } from "../support/upstream-streams";

// 200 parallel requests — both surfaces, streaming and not — through the real Worker to a real
// (local) upstream, against a key cap or a wallet balance that covers about 50 of them.
const N = 200;
const MAX_TOKENS = 1000;
const INPUT_TOKENS = 12;
let worker: LocalWorker;
let upstream: Upstream;

/** The upstream answers after a pause (so requests overlap) and reports max_tokens of output: actual ≈ worst case. */
function reply(call: RecordedCall): Scenario {
  const body = call.body as Record<string, unknown>;
  const out = Number(body.max_tokens ?? body.max_completion_tokens);
  const opts = { inputTokens: INPUT_TOKENS, outputTokens: out, includeUsage: true };
  const anthropic = call.path.endsWith("/messages");
  if (body.stream === true) return { delayMs: 250, sse: sseFromChunks(anthropic ? "anthropic" : "openai", 5, opts) };
  return { delayMs: 250, json: anthropic ? anthropicMessage("w0 w1 w2 w3 w4", opts) : openaiCompletion("w0 w1 w2 w3 w4", opts) };
}

function requestBody(i: number, model: string) {
  const stream = i % 2 === 1;
  const surface = i % 4 < 2 ? "anthropic" : "openai";
  const content = `request ${i}: say hello`;
  // The same fields are valid on both surfaces.
  const body = { model, max_tokens: MAX_TOKENS, messages: [{ role: "user", content }], ...(stream ? { stream } : {}) };
  return { surface, stream, json: JSON.stringify(body) };
}

interface Outcome {
  status: number;
  requestId: string;
  errorType: string | undefined;
  body: string;
}

async function fire(key: string, model: string): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const r = requestBody(i, model);
      const res = await fetch(`${worker.url}${r.surface === "anthropic" ? "/v1/messages" : "/v1/chat/completions"}`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: r.json,
      });
      const body = await res.text(); // streams are read to their end
      let errorType: string | undefined;
      if (res.status !== 200) {
        const err = (JSON.parse(body) as { error: { type: string; code?: string } }).error;
        errorType = r.surface === "anthropic" ? err.type : err.code;
      }
      return { status: res.status, requestId: res.headers.get("x-qlaud-request-id") ?? "", errorType, body };
    }),
  );
}

/** Bounds on how many requests can pass, from the catalog price and the gateway's worst-case formula. */
function expectedWinners(budget: number, price: ModelPrice, model: string) {
  const worst = Array.from({ length: N }, (_, i) => worstCaseMicros(requestBody(i, model).json.length, MAX_TOKENS, price));
  const actual = costMicros({ input_tokens: INPUT_TOKENS, output_tokens: MAX_TOKENS, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, price);
  // At least budget / (largest hold) pass; at most budget / (smallest charge) can ever be charged.
  return { min: Math.floor(budget / Math.max(...worst)), max: Math.floor(budget / Math.min(actual, ...worst)), worst: Math.max(...worst) };
}

/** Everything that must hold after a burst, whichever refusal the budget produced. */
async function checkBurst(t: { tenantId: string; masterKey: string }, keyId: string, outcomes: Outcome[], refusal: string, budget: number) {
  const winners = outcomes.filter((o) => o.status === 200);
  const losers = outcomes.filter((o) => o.status !== 200);
  const tally = (list: Outcome[]) => list.reduce<Record<string, number>>((m, o) => ({ ...m, [`${o.status} ${o.errorType ?? ""}`]: (m[`${o.status} ${o.errorType ?? ""}`] ?? 0) + 1 }), {});
  expect(tally(losers)).toEqual({ [`402 ${refusal}`]: losers.length });
  expect(winners.every((o) => /message_stop|\[DONE\]|"usage"/.test(o.body))).toBe(true);

  await waitForSettlement(worker, t, winners.length);
  // No upstream call for a refused request: one call per success, none more.
  expect(upstream.calls).toHaveLength(winners.length);

  const lines = await ledger(worker, t.masterKey);
  const charges = lines.filter((l) => l.type !== "credit");
  const events = await usageEvents(worker, t.tenantId);
  const spent = -charges.reduce((n, l) => n + l.amount_micros, 0);
  expect(spent).toBeLessThanOrEqual(budget);
  expect(spent).toBe(events.reduce((n, e) => n + e.cost_micros, 0));
  expect(charges.every((l) => l.key_id === keyId && l.type === "charge")).toBe(true);
  // The worst case was a true bound for every request: no charge went above its reservation.
  expect(charges.filter((l) => l.overshoot_micros !== 0)).toEqual([]);
  // One charge and one usage event per success; nothing for a refusal.
  expect(charges.map((l) => l.request_id).sort()).toEqual(winners.map((o) => o.requestId).sort());
  expect(events.map((e) => e.request_id).sort()).toEqual(winners.map((o) => o.requestId).sort());
  expect(new Set(events.map((e) => e.surface))).toEqual(new Set(["anthropic", "openai"]));
  return { winners: winners.length, spent };
}

beforeAll(async () => {
  upstream = await startUpstream();
  worker = await startLocalWorker({
    bindings: {
      UPSTREAM_OPENAI_URL: upstream.url,
      OPENAI_API_KEY: "sk-local-test",
      UPSTREAM_ANTHROPIC_URL: upstream.url,
      ANTHROPIC_API_KEY: "sk-ant-local-test",
    },
  });
}, 60_000);
afterAll(async () => {
  await worker?.dispose();
  await upstream?.close();
});

describe("200 parallel requests against a budget for about 50", () => {
  it("a key cap: never overshot, every refusal a 402 cap_exceeded with no upstream call, ledger = usage events", async () => {
    upstream.reset();
    upstream.setDefault(reply);
    const model = "anthropic/claude-haiku-4-5"; // /v1/messages passes through, /v1/chat/completions is translated
    const price = providers.anthropic?.models["claude-haiku-4-5"] as ModelPrice;
    const t = await worker.createTenant(100_000_000); // the wallet is not the limit here
    const bounds = expectedWinners(50 * expectedWinners(0, price, model).worst, price, model);
    const capMicros = 50 * bounds.worst;
    expect(bounds.min).toBe(50); // the setup really means "about 50" (the worst case is a true bound: above the actual cost)
    const key = await mintKey(worker, t.masterKey, { max_spend_usd: capMicros / 1e6 });

    const outcomes = await fire(key.secret, model);
    const { winners, spent } = await checkBurst(t, key.id, outcomes, "cap_exceeded", capMicros);
    expect(winners).toBeGreaterThanOrEqual(bounds.min);
    expect(winners).toBeLessThanOrEqual(bounds.max);
    const usage = (await (await fetch(`${worker.url}/v1/keys/${key.id}/usage`, { headers: { "x-api-key": t.masterKey } })).json()) as Record<string, number>;
    expect(usage).toMatchObject({ cost_micros: spent, cap_micros: capMicros, reserved_micros: 0, requests: winners });
  });

  it("a wallet balance (uncapped key): never overdrawn, the key's holds within its half of the wallet, every refusal a 402 insufficient_funds with no upstream call", async () => {
    upstream.reset();
    upstream.setDefault(reply);
    const model = "openai/gpt-4o-mini"; // /v1/chat/completions passes through, /v1/messages is translated
    const price = providers.openai?.models["gpt-4o-mini"] as ModelPrice;
    // One key may hold at most half of the wallet at once (so other end users are not left a
    // wallet that looks empty): its share covers 50 of the requests at a time; those that end
    // free their hold, so more may pass over the burst, never more than the wallet pays.
    const share = 50 * expectedWinners(0, price, model).worst;
    const credit = 2 * share;
    const bounds = { min: expectedWinners(share, price, model).min, max: expectedWinners(credit, price, model).max };
    expect(bounds.min).toBe(50);
    const t = await worker.createTenant(credit);
    const key = await mintKey(worker, t.masterKey, { max_spend_usd: null });

    const outcomes = await fire(key.secret, model);
    const { winners, spent } = await checkBurst(t, key.id, outcomes, "insufficient_funds", credit);
    expect(winners).toBeGreaterThanOrEqual(bounds.min);
    expect(winners).toBeLessThanOrEqual(bounds.max);
    const w = (await (await fetch(`${worker.url}/v1/wallet`, { headers: { "x-api-key": t.masterKey } })).json()) as Record<string, number>;
    expect(w).toMatchObject({ balance_micros: credit - spent, reserved_micros: 0 });
    expect(w.balance_micros).toBeGreaterThanOrEqual(0);
  });
});
