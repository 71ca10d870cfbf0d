import { describe, expect, it } from "vitest";
import { ConflictError, ThreadStreamError, type ThreadStreamEvent, type QlaudStreamEvent } from "../../../generated/client/index";
import { sendChunks, sendJson, useScriptedClient } from "./scripted-server";

// createThreadMessageStream against a local server replaying a streamed turn chunk by chunk.

const clientFor = useScriptedClient();

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const message = { id: "msg_1", type: "message", role: "assistant", model: "mock/echo", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 0 } };
const done = { iterations: 1, hit_max_iterations: false, cost_micros: 1234, seq: 2 };

/** One model round: "Hello" in two deltas, between qlaud.iteration_start and qlaud.done. */
const TURN = [
  sse("qlaud.iteration_start", { iteration: 1 }),
  sse("message_start", { type: "message_start", message }),
  sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  sse("ping", { type: "ping" }),
  sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } }),
  sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } }),
  sse("content_block_stop", { type: "content_block_stop", index: 0 }),
  sse("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } }),
  sse("message_stop", { type: "message_stop" }),
  sse("qlaud.done", done),
];
const NAMES = ["qlaud.iteration_start", "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "qlaud.done"];

/** The turn's bytes cut at awkward places: inside a JSON data line, between `event:` and `data:`, inside a CRLF. */
function awkwardChunks(text: string): string[] {
  const crlf = text.replaceAll("\n", "\r\n");
  const cuts = [crlf.indexOf("Hel") + 1, crlf.indexOf("\r\ndata:", crlf.indexOf("content_block_stop")) + 1, crlf.indexOf("event: message_stop") + 7, crlf.indexOf("\r\n\r\nevent: qlaud.done") + 1];
  const out: string[] = [];
  let from = 0;
  for (const at of cuts.sort((a, b) => a - b)) {
    out.push(crlf.slice(from, at));
    from = at;
  }
  out.push(crlf.slice(from));
  return out;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const args = { path: { id: "th1" }, body: { model: "mock/echo", max_tokens: 64, content: "hi" } };

describe("createThreadMessageStream", () => {
  it("asks for a stream and yields every event typed, in order, across awkward chunk boundaries", async () => {
    const chunks = awkwardChunks(TURN.join(""));
    expect(chunks.some((c) => c.endsWith("\r"))).toBe(true); // a CRLF really is cut in two
    const { client, seen } = await clientFor((_req, res) => sendChunks(res, chunks));
    const events = await collect(client.createThreadMessageStream(args));
    expect(seen[0]).toMatchObject({ method: "POST", path: "/v1/threads/th1/messages", body: { ...args.body, stream: true } });
    expect(events.map((e) => e.event)).toEqual(NAMES);
    const texts = events.flatMap((e) => (e.event === "content_block_delta" && e.data.delta.type === "text_delta" ? [e.data.delta.text] : []));
    expect(texts).toEqual(["Hel", "lo"]);
    expect(events.at(-1)).toEqual({ event: "qlaud.done", data: done });
    expect(events[1]).toEqual({ event: "message_start", data: { type: "message_start", message } });
  });

  it("skips events it does not know (a newer Anthropic event) and keeps the rest", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, [TURN[0]!, sse("future_event", { type: "future_event" }), ...TURN.slice(1)]));
    expect((await collect(client.createThreadMessageStream(args))).map((e) => e.event)).toEqual(NAMES);
  });

  it("throws ThreadStreamError on qlaud.error, after the events before it", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, [...TURN.slice(0, 5), sse("qlaud.error", { type: "api_error", message: "upstream went away" }), sse("qlaud.done", done)]));
    const got: string[] = [];
    const err = await (async () => {
      for await (const e of client.createThreadMessageStream(args)) got.push(e.event);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadStreamError);
    expect(err).toMatchObject({ type: "api_error", event: "qlaud.error", message: "api_error: upstream went away" });
    expect(got).toEqual(NAMES.slice(0, 5));
  });

  it("throws ThreadStreamError on Anthropic's error event, with its nested type", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, [...TURN.slice(0, 2), sse("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } })]));
    await expect(client.createThreadMessageStream(args).finalTurn()).rejects.toMatchObject({ name: "ThreadStreamError", type: "overloaded_error", event: "error" });
  });

  it("refusals before the stream stay HTTP errors (409 thread_busy)", async () => {
    const { client } = await clientFor((_req, res) => sendJson(res, { error: { type: "thread_busy", message: "the thread is running another turn" } }, 409));
    await expect(collect(client.createThreadMessageStream(args))).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("finalTurn", () => {
  it("returns the qlaud.done data and the assembled text", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, awkwardChunks(TURN.join(""))));
    expect(await client.createThreadMessageStream(args).finalTurn()).toEqual({ done, text: "Hello" });
  });

  it("throws when the stream ends without qlaud.done", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, TURN.slice(0, -1)));
    await expect(client.createThreadMessageStream(args).finalTurn()).rejects.toMatchObject({ name: "ThreadStreamError", type: "incomplete_stream" });
  });
});

// The yielded union narrows by `event`: unused at runtime, checked by `tsc --noEmit`.
export function textOf(e: ThreadStreamEvent<QlaudStreamEvent>): string {
  switch (e.event) {
    case "content_block_delta":
      return e.data.delta.type === "text_delta" ? e.data.delta.text : "";
    case "qlaud.done":
      return String(e.data.cost_micros);
    default:
      return "";
  }
}
