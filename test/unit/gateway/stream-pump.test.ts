// The relay's own deadlines and caps, driven in-process with upstreams that stall, never end
// or send oversized events: each ends the client's stream with an error event (never a
// clean end), stops the upstream, and keeps memory bounded.
import { describe, expect, it } from "vitest";
import { streamUsage } from "../../../runtime/gateway/consumed-usage";
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from "../../../runtime/gateway/stream-limits";
import { render } from "./render-helpers";
import { relayBytes } from "../../../runtime/gateway/stream-answer";
import type { StreamEnd } from "../../../runtime/gateway/stream-pump";
import { sseFromChunks } from "../../support/upstream-streams";

const enc = new TextEncoder();

/** An upstream body the test writes to; `aborted` once the relay stops it. */
function upstream() {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      ctl = c;
    },
    cancel: () => {
      state.cancelled = true;
    },
  });
  const state = { cancelled: false, aborted: false };
  return {
    body,
    state,
    send: (text: string) => ctl.enqueue(enc.encode(text)),
    close: () => ctl.close(),
    abort: () => {
      state.aborted = true;
    },
  };
}

const limits = (l: Partial<StreamLimits>): StreamLimits => ({ ...DEFAULT_STREAM_LIMITS, ...l });
const openaiEvents = (n: number) => sseFromChunks("openai", n, { includeUsage: false }).split(/(?<=\n\n)/);

async function run(shape: { from: "openai" | "anthropic"; to: "openai" | "anthropic" }, up: ReturnType<typeof upstream>, l: StreamLimits, signal?: AbortSignal) {
  // Pass-through relays the bytes; a translated stream is complete()'s path: IR events, rendered.
  const started = await render(up.body, shape.from, shape.to, { model: "m", includeUsage: true }, up.abort, l, signal);
  const text = new Response(started.body).text();
  return { text: await text, end: await started.pump };
}

const lastEvent = (text: string) => text.trim().split(/\n\n/).at(-1) ?? "";

describe.each([
  ["pass-through", { from: "openai", to: "openai" }],
  ["translated", { from: "openai", to: "anthropic" }],
] as const)("stream deadlines and caps (%s)", (_name, shape) => {
  it("headers, one content event, then silence: the idle deadline ends it with an error event and stops the upstream", async () => {
    const up = upstream();
    for (const e of openaiEvents(3).slice(0, 2)) up.send(e);
    const { text, end } = await run(shape, up, limits({ idleMs: 150 }));
    expect(lastEvent(text)).toMatch(/error/);
    expect(lastEvent(text)).toContain("STREAM_IDLE_TIMEOUT_MS");
    expect(text).not.toContain("[DONE]");
    expect(text).not.toContain("message_stop");
    expect(up.state.aborted).toBe(true);
    expect(end.cut).toContain("sent nothing for 150 ms");
  });

  it("an upstream that keeps sending forever: the total deadline ends it with an error event", async () => {
    const up = upstream();
    const events = openaiEvents(1);
    up.send(events[0] ?? "");
    const ticker = setInterval(() => up.send(events[1] ?? ""), 20);
    const { text, end } = await run(shape, up, limits({ idleMs: 1_000, totalMs: 300 }));
    clearInterval(ticker);
    expect(lastEvent(text)).toContain("STREAM_TOTAL_TIMEOUT_MS");
    expect(up.state.aborted).toBe(true);
    expect(end.cut).toContain("ran longer than 300 ms");
  });

  it("one event larger than the cap, sent in pieces: an error event, the upstream stopped, the event not relayed", async () => {
    const up = upstream();
    for (const e of openaiEvents(2).slice(0, 2)) up.send(e);
    up.send('data: {"choices":[{"index":0,"delta":{"content":"');
    for (let i = 0; i < 40; i++) up.send("x".repeat(1_000));
    const { text } = await run(shape, up, limits({ maxEventBytes: 16_000 }));
    expect(lastEvent(text)).toMatch(/larger than 16000/);
    expect(text).not.toContain("x".repeat(1_000));
    expect(up.state.aborted).toBe(true);
  });

  it.runIf(shape.to === shape.from)("endless preamble without content: the held bytes are capped too", async () => {
    const up = upstream();
    for (let i = 0; i < 100; i++) up.send(": keep-alive comment that carries nothing\n\n");
    const { text } = await run(shape, up, limits({ maxEventBytes: 2_000 }));
    expect(lastEvent(text)).toMatch(/before any content/);
    expect(up.state.aborted).toBe(true);
  });
});

describe("a client that leaves", () => {
  it("after content, while the upstream is quiet: the request signal stops the upstream at once", async () => {
    const up = upstream();
    for (const e of openaiEvents(3).slice(0, 2)) up.send(e);
    const client = new AbortController();
    const started = await relayBytes(up.body, "openai", { model: "m" }, false, up.abort, DEFAULT_STREAM_LIMITS, client.signal);
    if (started.kind !== "bytes") throw new Error("unexpected retry");
    const reader = started.body.getReader();
    await reader.read(); // the client has the first content, then hangs up
    client.abort();
    const end: StreamEnd = await started.pump;
    expect(end.clientGone).toBe(true);
    expect(up.state.aborted).toBe(true);
  });

  it("before any content: the stream is read on to its usage, and nothing is written", async () => {
    const up = upstream();
    const client = new AbortController();
    client.abort();
    for (const e of sseFromChunks("openai", 3, { inputTokens: 120_000, outputTokens: 3 }).split(/(?<=\n\n)/)) up.send(e);
    up.close();
    const { text, end } = await run({ from: "openai", to: "openai" }, up, DEFAULT_STREAM_LIMITS, client.signal);
    expect(text).toBe("");
    expect(end.obs.usage).toMatchObject({ input_tokens: 120_000, output_tokens: 3 });
    expect(end.clientGone).toBe(true);
    expect(up.state.aborted).toBe(false);
  });
});

describe("what the translator keeps per tool call is bounded too", () => {
  it("tool arguments that never get their call's id and name, past 4 Mi characters: an error event, the upstream stopped", async () => {
    const up = upstream();
    const args = "a".repeat(64 * 1024);
    for (let i = 0; i < 70; i++) up.send(`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"${args}"}}]}}]}\n\n`);
    const { text, end } = await run({ from: "openai", to: "anthropic" }, up, DEFAULT_STREAM_LIMITS);
    expect(lastEvent(text)).toMatch(/event: error[\s\S]*tool arguments before the call's id and name/);
    expect(end.obs.upstreamError?.type).toBe("api_error");
    expect(up.state.aborted).toBe(true);
  });
});

describe("reading on after a hang-up is bounded", () => {
  it("the client left before content and the upstream never ends: the read stops at the deadline, cut, with what was seen", async () => {
    const up = upstream();
    const client = new AbortController();
    client.abort();
    const events = openaiEvents(1);
    up.send(events[0] ?? "");
    up.send(events[1] ?? "");
    const ticker = setInterval(() => up.send(events[1] ?? ""), 20);
    const { text, end } = await run({ from: "openai", to: "openai" }, up, limits({ totalMs: 300 }), client.signal);
    clearInterval(ticker);
    expect(text).toBe("");
    expect(end.cut).toContain("ran longer than 300 ms");
    expect(end.contentEvents).toBeGreaterThan(3);
    expect(up.state.aborted).toBe(true);
  });
});

describe("who ended a translated stream decides what is billed (consumed-usage.ts)", () => {
  it("the upstream's own error event before any content: an error in the stream, billed nothing", async () => {
    const up = upstream();
    up.send(openaiEvents(1)[0] ?? "");
    up.send('data: {"error":{"type":"server_error","message":"The server had an error"}}\n\n');
    const { text, end } = await run({ from: "openai", to: "anthropic" }, up, DEFAULT_STREAM_LIMITS);
    expect(lastEvent(text)).toMatch(/event: error/);
    expect(end).toMatchObject({ errorInStream: true });
    expect(end.cut).toBeUndefined();
    expect(streamUsage(end, 3_000)).toMatchObject({ input_tokens: 0, output_tokens: 0 });
  });

  it("an oversized event is Gatehouse's cut, not the upstream's error: billed the estimate", async () => {
    const up = upstream();
    up.send(openaiEvents(1)[0] ?? "");
    up.send(`data: {"choices":[{"index":0,"delta":{"content":"${"x".repeat(20_000)}`);
    const { end } = await run({ from: "openai", to: "anthropic" }, up, limits({ maxEventBytes: 10_000 }));
    expect(end).toMatchObject({ errorInStream: false, cut: expect.stringContaining("larger than 10000") });
    expect(streamUsage(end, 3_000)).toMatchObject({ input_tokens: 1_000 });
  });
});
