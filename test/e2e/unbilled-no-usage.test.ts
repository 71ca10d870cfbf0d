// Work that goes unbilled: an answer the upstream accepted and completed (or that Gatehouse
// had to cut) but that carries no usage is charged an estimate, never $0. Also the stream
// deadlines and caps through the real Worker: an error event for the client, the upstream
// stopped, and a charge for what the upstream was asked to do.
import { describe, expect, it } from "vitest";
import { chargeFor, expectedCostMicros, parseSse, post, useGateway, waitFor } from "../support/gateway-harness";
import { usageEvents } from "../support/money-probe";
import { openaiCompletion, sseFromChunks } from "../support/upstream-streams";

const gw = useGateway({ bindings: { STREAM_IDLE_TIMEOUT_MS: "400", STREAM_MAX_EVENT_BYTES: "65536", UPSTREAM_MAX_BODY_BYTES: "65536" } });

const MODEL = "openai/gpt-4o-mini";
const request = (more: Record<string, unknown> = {}) => ({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "Name a llama" }], ...more });
/** The gateway's estimate: one token per 3 bytes (of the request for input, of the answer for output). */
const tokensIn = (bytes: number) => Math.ceil(bytes / 3);

async function send(body: Record<string, unknown>) {
  const res = await post(gw.worker, "/v1/chat/completions", body);
  const text = await res.text();
  const requestId = res.headers.get("x-qlaud-request-id") ?? "";
  const charge = await chargeFor(gw.worker, requestId);
  // Usage rows reach D1 in batches after the charge.
  const event = await waitFor(async () => (await usageEvents(gw.worker, gw.worker.tenantId)).find((e) => e.request_id === requestId), `the usage row of ${requestId}`);
  return { res, text, charged: -charge.amount_micros, event };
}

describe("a completed answer without usage is charged an estimate, not $0", () => {
  it("non-stream: input from the request's size, output from the answer's", async () => {
    const { usage: _dropped, ...answer } = openaiCompletion("Lima the llama, who lives in the high Andes.");
    gw.up.enqueue({ path: "/openai/", json: answer });
    const body = request();
    const { res, charged, event } = await send(body);
    expect(res.status).toBe(200);
    const usage = { input: tokensIn(JSON.stringify(body).length), output: tokensIn(JSON.stringify(answer).length) };
    expect(event).toMatchObject({ input_tokens: usage.input, output_tokens: usage.output, outcome: "ok" });
    expect(charged).toBe(expectedCostMicros(MODEL, usage));
  });

  it("stream without its usage chunk: input from the request's size, one output token per content event", async () => {
    gw.up.enqueue({ path: "/openai/", sse: sseFromChunks("openai", 5, { includeUsage: false }) });
    const body = request({ stream: true });
    const { text, charged, event } = await send(body);
    expect(parseSse(text).at(-1)?.data).toBe("[DONE]");
    const input = tokensIn(JSON.stringify(body).length);
    expect(event?.input_tokens).toBe(input);
    // 5 content deltas, the finish chunk and [DONE] follow the first content (the role chunk may share its read).
    expect(event?.output_tokens).toBeGreaterThanOrEqual(5);
    expect(event?.output_tokens).toBeLessThanOrEqual(8);
    expect(charged).toBe(expectedCostMicros(MODEL, { input, output: event?.output_tokens ?? 0 }));
  });
});

describe("stream deadlines and caps through the Worker (STREAM_IDLE_TIMEOUT_MS=400, STREAM_MAX_EVENT_BYTES=64 KiB)", () => {
  it("headers, then silence before any content: an error event after the idle deadline, the upstream stopped, the input charged", async () => {
    const sse = sseFromChunks("openai", 5);
    gw.up.enqueue({ path: "/openai/", sse, hangAfterBytes: sse.indexOf("\n\n") + 2 }); // the role chunk, then nothing
    const body = request({ stream: true });
    const { res, text, charged, event } = await send(body);
    expect(res.status).toBe(200);
    expect(JSON.parse(parseSse(text).at(-1)?.data ?? "{}")).toMatchObject({ error: { message: expect.stringContaining("STREAM_IDLE_TIMEOUT_MS") } });
    expect(text).not.toContain("[DONE]");
    await expect.poll(() => gw.up.calls[0]?.clientAborted).toBe(true);
    expect(event).toMatchObject({ input_tokens: tokensIn(JSON.stringify(body).length), output_tokens: 0, outcome: "upstream_error" });
    expect(charged).toBeGreaterThan(0);
  });

  it("content, then silence: an error event (never a clean end), charged for what was relayed", async () => {
    const sse = sseFromChunks("openai", 5);
    gw.up.enqueue({ path: "/openai/", sse, hangAfterBytes: sse.indexOf("w2 ") });
    const { text, event } = await send(request({ stream: true }));
    const events = parseSse(text);
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ error: { type: "server_error" } });
    expect(text).not.toContain("[DONE]");
    expect(event?.output_tokens).toBeGreaterThanOrEqual(2);
  });

  it("one event over the cap: an error event instead of the event, the upstream stopped", async () => {
    const huge = sseFromChunks("openai", ["x".repeat(100_000)]);
    gw.up.enqueue({ path: "/openai/", sse: huge, splitEvery: 8_192 });
    const { text } = await send(request({ stream: true }));
    expect(text).not.toContain("x".repeat(1_000));
    expect(JSON.parse(parseSse(text).at(-1)?.data ?? "{}")).toMatchObject({ error: { message: expect.stringContaining("STREAM_MAX_EVENT_BYTES") } });
  });

  it("a non-stream answer over UPSTREAM_MAX_BODY_BYTES: 502, and the hold is charged (its usage cannot be read)", async () => {
    gw.up.enqueue({ path: "/openai/", json: openaiCompletion("y".repeat(100_000), { inputTokens: 10, outputTokens: 90 }) });
    const body = request();
    const { res, text, charged, event } = await send(body);
    expect(res.status).toBe(502);
    expect(text).toContain("UPSTREAM_MAX_BODY_BYTES");
    expect(event?.outcome).toBe("upstream_error");
    // At least the input bound (the raw body's bytes) and the 100 output tokens asked for.
    expect(charged).toBeGreaterThanOrEqual(expectedCostMicros(MODEL, { input: JSON.stringify(body).length, output: 100 }));
  });
});
