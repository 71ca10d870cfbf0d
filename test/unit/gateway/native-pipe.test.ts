// The opt-in native pipe's logic (runtime/gateway/native-pipe.ts through stream-answer.ts
// relayBytes with native = true), driven in-process with node's streams: the client's branch
// carries the upstream's bytes untouched, the metering branch bills them, a fallback before
// content still works, and every way a stream can fail ends the client's stream without a
// clean end. (What workerd does with the same calls — a clean chunked end after a failed pipe —
// is pinned in test/e2e/gateway-native-pipe.test.ts.)
import { describe, expect, it } from "vitest";
import { streamUsage } from "../../../runtime/gateway/consumed-usage";
import { relayBytes } from "../../../runtime/gateway/stream-answer";
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from "../../../runtime/gateway/stream-limits";
import type { StreamEnd } from "../../../runtime/gateway/stream-pump";
import type { WireFormat } from "../../../runtime/translate";
import { sseFromChunks } from "../../support/upstream-streams";

const enc = new TextEncoder();

/** An upstream body the test writes to; `aborted` once the relay stops it, `cancelled` once its reader is gone. */
function upstream() {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false, aborted: false };
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      ctl = c;
    },
    cancel: () => {
      state.cancelled = true;
    },
  });
  return {
    body,
    state,
    send: (text: string) => ctl.enqueue(enc.encode(text)),
    close: () => ctl.close(),
    fail: () => ctl.error(new Error("connection reset")),
    abort: () => {
      state.aborted = true;
    },
  };
}

const events = (sse: string) => sse.split(/(?<=\n\n)/);

async function relay(shape: WireFormat, up: ReturnType<typeof upstream>, opts: { includeUsage?: boolean; limits?: StreamLimits; canRetry?: boolean; signal?: AbortSignal } = {}) {
  const started = await relayBytes(up.body, shape, { model: "m", includeUsage: opts.includeUsage ?? true }, opts.canRetry ?? false, up.abort, opts.limits ?? DEFAULT_STREAM_LIMITS, opts.signal, true);
  return started;
}

/** Reads the client's stream to its end: the text, and whether it ended cleanly or with an error. */
async function drain(body: ReadableStream<Uint8Array>): Promise<{ text: string; clean: boolean }> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text, clean: true };
      text += dec.decode(value, { stream: true });
    }
  } catch {
    return { text, clean: false };
  }
}

describe("native pipe (node streams)", () => {
  it("a whole Anthropic stream: the client gets every byte as sent, cleanly ended; billed its usage", async () => {
    const up = upstream();
    const sse = sseFromChunks("anthropic", 5, { inputTokens: 40, outputTokens: 5 });
    for (const e of events(sse)) up.send(e);
    up.close();
    const started = await relay("anthropic", up);
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const client = await drain(started.body);
    expect(client).toEqual({ text: sse, clean: true });
    const end: StreamEnd = await started.pump;
    expect(streamUsage(end, 100)).toMatchObject({ input_tokens: 40, output_tokens: 5 });
    expect(end.clientGone).toBe(false);
  });

  it("an upstream that ends its body before the answer's end: the bytes sent, then an error event", async () => {
    const up = upstream();
    const sse = sseFromChunks("openai", 6, { inputTokens: 40, outputTokens: 6 });
    const sent = sse.slice(0, sse.indexOf("w4 ") + 2); // inside an event
    up.send(sent);
    up.close();
    const started = await relay("openai", up);
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const client = await drain(started.body);
    expect(client.text.startsWith(sent)).toBe(true);
    expect(client.text.slice(sent.length)).toMatch(/^\n\ndata: \{"error":/);
    expect(client.text).not.toContain("[DONE]");
    const end = await started.pump;
    expect(end.obs.done).toBe(true);
    expect(streamUsage(end, 300).output_tokens).toBeGreaterThanOrEqual(4);
  });

  it("an upstream that fails mid-stream: the client's stream errors (never a clean end), the estimate is billed", async () => {
    const up = upstream();
    const sse = sseFromChunks("openai", 6);
    up.send(sse.slice(0, sse.indexOf("w3 ")));
    const started = await relay("openai", up);
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const reading = drain(started.body);
    await new Promise((r) => setTimeout(r, 10));
    up.fail();
    const client = await reading;
    expect(client.clean).toBe(false);
    const end = await started.pump;
    expect(end.obs.usage.input_tokens).toBe(0);
    expect(streamUsage(end, 300).output_tokens).toBeGreaterThanOrEqual(2);
  });

  it("Gatehouse's idle deadline: the upstream is stopped and the client's stream does not end cleanly", async () => {
    const up = upstream();
    for (const e of events(sseFromChunks("openai", 4)).slice(0, 3)) up.send(e);
    const started = await relay("openai", up, { limits: { ...DEFAULT_STREAM_LIMITS, idleMs: 100 } });
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const client = await drain(started.body);
    expect(client.clean && !/error/.test(client.text)).toBe(false);
    const end = await started.pump;
    expect(end.cut).toContain("STREAM_IDLE_TIMEOUT_MS");
    expect(up.state.aborted).toBe(true);
  });

  it("an overloaded error before any content: a retry, and neither branch is left open", async () => {
    const up = upstream();
    up.send(`event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`);
    const started = await relay("anthropic", up, { canRetry: true });
    expect(started.kind).toBe("retry");
    expect(up.state.aborted).toBe(true);
    expect(up.state.cancelled).toBe(true);
  });

  it("a client that leaves after content: the request signal stops the upstream; billed as a hang-up", async () => {
    const up = upstream();
    for (const e of events(sseFromChunks("openai", 4)).slice(0, 3)) up.send(e);
    const signal = new AbortController();
    const started = await relay("openai", up, { signal: signal.signal });
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const reader = started.body.getReader();
    await reader.read();
    signal.abort();
    const end = await started.pump;
    expect(end.clientGone).toBe(true);
    expect(up.state.aborted).toBe(true);
  });

  it("an OpenAI client that did not ask for usage stays on the JS relay: the usage chunk is dropped", async () => {
    const up = upstream();
    const sse = sseFromChunks("openai", 3, { includeUsage: true });
    for (const e of events(sse)) up.send(e);
    up.close();
    const started = await relay("openai", up, { includeUsage: false });
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const client = await drain(started.body);
    expect(client.text).not.toContain('"choices":[]');
    expect(client.text).toContain("[DONE]");
  });
});
