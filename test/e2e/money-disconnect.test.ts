import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";
import { ledger, mintKey, usageEvents, waitForSettlement, wallet } from "../support/money-probe";
import { startUpstream, type Upstream } from "../support/upstream-server";
import { sseFromChunks } from "../support/upstream-streams";

// A client that hangs up mid-stream is billed once for what was consumed: the Worker notices
// the closed connection, stops the upstream, and settles from the usage seen so far.
const PIECES = 60;
let worker: LocalWorker;
let upstream: Upstream;

beforeAll(async () => {
  upstream = await startUpstream();
  worker = await startLocalWorker({
    bindings: { UPSTREAM_OPENAI_URL: upstream.url, OPENAI_API_KEY: "sk-local", UPSTREAM_ANTHROPIC_URL: upstream.url, ANTHROPIC_API_KEY: "sk-ant-local" },
  });
}, 60_000);
afterAll(async () => {
  await worker?.dispose();
  await upstream?.close();
});

/** Streams a slow answer and hangs up after `keep` content events have arrived. */
async function hangUpAfter(key: string, path: "/v1/messages" | "/v1/chat/completions", model: string, keep: number) {
  const controller = new AbortController();
  const res = await fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 500, stream: true, messages: [{ role: "user", content: "tell me a long story" }] }),
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const requestId = res.headers.get("x-qlaud-request-id") ?? "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while ((text.match(/w\d+ /g) ?? []).length < keep) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended before the client hung up");
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  return { requestId, seen: (text.match(/w\d+ /g) ?? []).length };
}

describe("client disconnect mid-stream", () => {
  it.each([
    ["/v1/chat/completions", "openai", "openai/gpt-4o-mini"],
    ["/v1/messages", "anthropic", "anthropic/claude-haiku-4-5"],
    ["/v1/messages", "openai", "openai/gpt-4o-mini"],
  ] as const)("%s over an %s upstream: one charge, one usage event, amount > 0, upstream stopped", async (path, shape, model) => {
    upstream.reset();
    upstream.enqueue({ sse: sseFromChunks(shape, PIECES, { inputTokens: 40, outputTokens: PIECES }), chunkDelayMs: 40 });
    const t = await worker.createTenant(10_000_000);
    const key = await mintKey(worker, t.masterKey, { max_spend_usd: 1 });

    const { requestId, seen } = await hangUpAfter(key.secret, path, model, 3);
    await waitForSettlement(worker, t, 1);
    // The Worker cancelled the upstream instead of reading the remaining pieces.
    await expect.poll(() => upstream.calls[0]?.clientAborted, { timeout: 5_000 }).toBe(true);

    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive later
    const charges = (await ledger(worker, t.masterKey)).filter((l) => l.request_id === requestId);
    const events = (await usageEvents(worker, t.tenantId)).filter((e) => e.request_id === requestId);
    expect(charges).toHaveLength(1);
    expect(events).toHaveLength(1);
    const [charge, event] = [charges[0], events[0]];
    expect(charge?.type).toBe("charge");
    // Recorded as client_disconnected or (when the upstream read is cut first) upstream_error; never ok.
    expect(event?.outcome).not.toBe("ok");
    expect(event?.cost_micros).toBeGreaterThan(0);
    expect(-(charge?.amount_micros ?? 0)).toBe(event?.cost_micros);
    // Billed for what was consumed: some output, far less than the whole answer.
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(event?.output_tokens).toBeGreaterThanOrEqual(1);
    expect(event?.output_tokens).toBeLessThan(PIECES / 2);
    expect(await wallet(worker, t.masterKey)).toMatchObject({ reserved_micros: 0, balance_micros: 10_000_000 - (event?.cost_micros ?? 0) });
  });
});
