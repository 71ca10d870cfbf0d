import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APIUserAbortError,
  ChatCompletionStream,
  InternalServerError,
  MessageStream,
  RateLimitError,
  type MessageStreamEvent,
} from "../../../generated/client/index";
import { sendChunks, sendJson, useScriptedClient } from "./scripted-server";

// Typed streams of the generated client against a local server: Anthropic events and
// finalMessage(), OpenAI chunks and finalChatCompletion(), Responses events; `break` aborts the
// request (the server sees the connection close); `event: error` throws typed; a cut stream
// throws APIConnectionError; a stream is retried before its headers only.

const clientFor = useScriptedClient();

const sse = (event: string | undefined, data: unknown) => `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
const msg = { id: "msg_1", type: "message", role: "assistant", model: "mock/echo", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 0 } };
const ev = (e: MessageStreamEvent) => sse(e.type, e);

/** A message with text "Hi!" and a tool_use whose input arrives as JSON in three pieces. */
const MESSAGE = [
  sse("message_start", { type: "message_start", message: msg }),
  ev({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }),
  ev({ type: "ping" }),
  ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "!" } }),
  ev({ type: "content_block_stop", index: 0 }),
  ev({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} } }),
  ev({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } }),
  ev({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: ' "Par' } }),
  ev({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'is"}' } }),
  ev({ type: "content_block_stop", index: 1 }),
  ev({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 12 } }),
  ev({ type: "message_stop" }),
];

const body = { model: "mock/echo", max_tokens: 64, messages: [{ role: "user" as const, content: "hi" }] };

/** Writes `first` events, then one more every 20 ms until the client goes away; resolves how it ended. */
function endless(res: ServerResponse, first: string[]): Promise<"closed" | "finished"> {
  return new Promise((resolve) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const c of first) res.write(c);
    let n = 0;
    const timer = setInterval(() => {
      if (++n > 250) {
        clearInterval(timer);
        res.end();
        return resolve("finished");
      }
      res.write(ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "." } }));
    }, 20);
    res.on("close", () => {
      clearInterval(timer);
      resolve(res.writableFinished ? "finished" : "closed");
    });
  });
}

describe("messages.stream", () => {
  it("asks for text/event-stream, yields typed events and builds the final message (text, tool input, usage)", async () => {
    const { client, seen } = await clientFor((_req, res) => sendChunks(res, MESSAGE));
    const stream = client.messages.stream(body);
    expect(stream).toBeInstanceOf(MessageStream);
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "ping", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: "text", text: "Hi!" },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
    ]);
    expect(final).toMatchObject({ stop_reason: "tool_use", usage: { input_tokens: 5, output_tokens: 12 } });
    expect(seen[0]!.headers.accept).toBe("text/event-stream");
    expect(seen[0]!.body).toEqual({ ...body, stream: true });
  });

  it("finalMessage() alone reads the stream; finalText() joins the text", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, MESSAGE));
    expect(await client.messages.stream(body).finalText()).toBe("Hi!");
  });

  it("create({stream: true}) resolves to the stream, with the Response's headers", async () => {
    const { client } = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "x-qlaud-request-id": "req_s" });
      res.end(MESSAGE.join(""));
    });
    const { data: stream, requestId } = await client.messages.create({ ...body, stream: true }).withResponse();
    expect(stream).toBeInstanceOf(MessageStream);
    expect(requestId).toBe("req_s");
    expect((await stream.finalMessage()).id).toBe("msg_1");
  });

  it("`break` aborts the request: the server sees the connection close", async () => {
    let ended: Promise<"closed" | "finished"> | undefined;
    const { client } = await clientFor((_req, res) => {
      ended = endless(res, MESSAGE.slice(0, 2));
    });
    let n = 0;
    for await (const e of client.messages.stream(body)) {
      if (e.type === "content_block_delta" && ++n === 3) break;
    }
    const t0 = Date.now();
    expect(await ended).toBe("closed");
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("abort() (or the caller's signal) ends a stream with APIUserAbortError, and closes the connection", async () => {
    let ended: Promise<"closed" | "finished"> | undefined;
    const { client } = await clientFor((_req, res) => {
      ended = endless(res, MESSAGE.slice(0, 2));
    });
    const ac = new AbortController();
    const stream = client.messages.stream(body, { signal: ac.signal });
    const got: string[] = [];
    const err = await (async () => {
      for await (const e of stream) {
        got.push(e.type);
        if (got.length === 4) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(await ended).toBe("closed");
  });

  it("an `event: error` mid-stream throws a typed error (overloaded → InternalServerError 529, rate limit → RateLimitError)", async () => {
    const error = (type: string) => sse("error", { type: "error", error: { type, message: `${type} happened` } });
    const { client } = await clientFor((_req, res) => sendChunks(res, [...MESSAGE.slice(0, 3), error("overloaded_error")]));
    const err = await client.messages.stream(body).finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 529, type: "overloaded_error", message: "529 overloaded_error: overloaded_error happened" });

    const { client: c2 } = await clientFor((_req, res) => sendChunks(res, [error("rate_limit_error")]));
    await expect(c2.messages.stream(body).finalMessage()).rejects.toBeInstanceOf(RateLimitError);
  });

  it("a stream cut mid-way throws APIConnectionError; one that ends before message_stop fails finalMessage()", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(MESSAGE.slice(0, 3).join(""));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const got: string[] = [];
    const err = await (async () => {
      for await (const e of client.messages.stream(body)) got.push(e.type);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(got).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    expect(seen).toHaveLength(1); // bytes had arrived: never retried

    const { client: c2 } = await clientFor((_req, res) => sendChunks(res, MESSAGE.slice(0, 5)));
    await expect(c2.messages.stream(body).finalMessage()).rejects.toThrow(/message_stop/);
  });

  it("a 429 before the stream's headers is retried (Retry-After honoured), then streams", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      if (seen.length === 1) {
        res.writeHead(429, { "content-type": "application/json", "retry-after-ms": "100" });
        res.end(JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "wait" } }));
      } else void sendChunks(res, MESSAGE);
    });
    expect(await client.messages.stream(body).finalText()).toBe("Hi!");
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(90);
  });

  it("finalMessage() called while a loop reads waits for that loop's end", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, MESSAGE));
    const stream = client.messages.stream(body);
    const types: string[] = [];
    const loop = (async () => {
      for await (const e of stream) types.push(e.type);
    })();
    await new Promise((r) => setTimeout(r, 10));
    const final = await stream.finalMessage();
    await loop;
    expect(types).toHaveLength(13);
    expect(final.content[0]).toEqual({ type: "text", text: "Hi!" });
  });

  it("a stream can be read once", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, MESSAGE));
    const stream = client.messages.stream(body);
    await stream.finalMessage();
    await expect((async () => {
      for await (const _ of stream) {
        // nothing
      }
    })()).rejects.toThrow(/iterated once/);
  });
});

describe("chat.completions.stream", () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({ id: "chatcmpl_1", object: "chat.completion.chunk", created: 1, model: "mock/echo", choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  const CHUNKS = [
    sse(undefined, chunk({ role: "assistant", content: "" })),
    sse(undefined, chunk({ content: "Hel" })),
    sse(undefined, chunk({ content: "lo" })),
    sse(undefined, chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":' } }] })),
    sse(undefined, chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] })),
    sse(undefined, chunk({}, "tool_calls")),
    sse(undefined, { id: "chatcmpl_1", object: "chat.completion.chunk", created: 1, model: "mock/echo", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }),
    sse(undefined, "[DONE]"),
  ];

  it("yields chunks up to [DONE] and builds the final completion (content, tool calls, usage)", async () => {
    const { client, seen } = await clientFor((_req, res) => sendChunks(res, CHUNKS));
    const stream = client.chat.completions.stream({ model: "mock/echo", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } });
    expect(stream).toBeInstanceOf(ChatCompletionStream);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]).toEqual({ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "Hello", tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] } });
    expect(final.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(seen[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("an error chunk throws typed", async () => {
    const { client } = await clientFor((_req, res) => sendChunks(res, [CHUNKS[0]!, sse(undefined, { error: { type: "rate_limit_error", message: "upstream 429" } })]));
    await expect(client.chat.completions.stream({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }).finalChatCompletion()).rejects.toBeInstanceOf(RateLimitError);
  });
});

describe("responses.stream", () => {
  it("yields response.* events; finalResponse() is the completed response", async () => {
    const response = { id: "resp_1", object: "response", created_at: 1, status: "completed", model: "mock/echo", output: [], usage: null };
    const events = [
      { type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress" } },
      { type: "response.output_text.delta", sequence_number: 1, delta: "Hi" },
      { type: "response.completed", sequence_number: 2, response },
    ];
    const { client } = await clientFor((_req, res) => sendChunks(res, events.map((e) => sse(e.type, e))));
    const stream = client.responses.stream({ model: "mock/echo", input: "hi" });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(["response.created", "response.output_text.delta", "response.completed"]);
    expect((await stream.finalResponse()).id).toBe("resp_1");
  });
});

describe("threads.messages.stream", () => {
  it("is the thread turn stream, with finalTurn()", async () => {
    const done = { iterations: 1, hit_max_iterations: false, cost_micros: 1, seq: 2 };
    const { client, seen } = await clientFor((_req, res) => sendChunks(res, [...MESSAGE.slice(0, 6), ev({ type: "message_stop" }), sse("qlaud.done", done)]));
    const turn = await client.threads.messages.stream("th1", { model: "mock/echo", max_tokens: 8, content: "hi" }).finalTurn();
    expect(turn).toEqual({ done, text: "Hi!" });
    expect(seen[0]).toMatchObject({ method: "POST", path: "/v1/threads/th1/messages" });
  });

  it("the non-streaming call still answers JSON", async () => {
    const { client } = await clientFor((_req, res) => sendJson(res, { thread_id: "th1" }));
    expect(await client.threads.messages.create("th1", { model: "mock/echo", max_tokens: 8, content: "hi" })).toEqual({ thread_id: "th1" });
  });
});
