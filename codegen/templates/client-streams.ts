// Streamed answers as typed async iterables. A `Stream` starts its request at once, yields
// each server-sent event decoded for its operation (Anthropic Messages events, OpenAI chat
// chunks, Responses events), throws an `error` event as a typed GatehouseError, and aborts
// the request when the loop is left early (`break`, `return`, a throw), so the server sees
// the disconnect and stops the upstream call. `MessageStream.finalMessage()`,
// `ChatCompletionStream.finalChatCompletion()` and `ResponseStream.finalResponse()` read a
// stream to its end and return the whole answer. Codegen copies this file into
// generated/client/streams.ts (imports rewritten to ./runtime, ./sse and ../api/types).

import type { components } from "../../generated/api/types";
import { APIConnectionError, APIUserAbortError, GatehouseError, errorClassFor, type StreamStart, type WithResponse } from "./client-runtime";
import { iterateSse, type SseMessage } from "./sse-parser";

type Schemas = components["schemas"];

/** Starts the request with the stream's signal (the caller's, or the stream's own abort). */
export type StreamOpener = (signal: AbortSignal) => Promise<StreamStart>;

/** An `error` event's type → the HTTP status its error class stands for. */
const STREAM_ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  insufficient_funds: 402,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The typed error an `error` event stands for (RateLimitError for `rate_limit_error`, InternalServerError for `overloaded_error`, …). */
export function streamEventError(type: string, message: string, body: unknown, response: Response | undefined): GatehouseError {
  const status = STREAM_ERROR_STATUS[type] ?? 500;
  const Cls = errorClassFor(status);
  return new Cls(status, type, message, undefined, response?.headers.get("x-qlaud-request-id") ?? undefined, body, response?.headers);
}

/**
 * A streamed answer: `for await (const event of stream)`. Iterate it once. `abort()` (or the
 * caller's signal) ends it with APIUserAbortError; leaving the loop early aborts the request.
 */
export class Stream<E> implements AsyncIterable<E> {
  /** Aborts the request; a loop over the stream then throws APIUserAbortError. */
  readonly controller = new AbortController();
  readonly #start: Promise<StreamStart>;
  #response: Response | undefined;
  #used = false;
  #ended: Promise<void>;
  #end: () => void = () => {};

  constructor(open: StreamOpener, signal?: AbortSignal) {
    if (signal?.aborted) this.controller.abort();
    else signal?.addEventListener("abort", () => this.controller.abort(), { once: true });
    this.#ended = new Promise((resolve) => (this.#end = resolve));
    this.#start = open(this.controller.signal);
    // A failure surfaces where the stream is used, not as an unhandled rejection.
    this.#start.catch(() => undefined);
  }

  abort(): void {
    this.controller.abort();
  }

  /** The Response, once its headers are in (request id, `x-qlaud-provider`, …). */
  async response(): Promise<Response> {
    return (await this.#start).response;
  }

  /** The stream itself and its Response. */
  async withResponse(): Promise<WithResponse<this>> {
    const response = await this.response();
    return { data: this, response, requestId: response.headers.get("x-qlaud-request-id") ?? undefined };
  }

  /** One event, decoded for the operation; undefined to skip it. Throws for an error event. */
  protected decode(msg: SseMessage, _response: Response): E | undefined {
    return JSON.parse(msg.data) as E;
  }

  /** Sees every event the stream yields (the `final…()` helpers accumulate here). */
  protected observe(_event: E): void {}

  async *[Symbol.asyncIterator](): AsyncGenerator<E> {
    if (this.#used) throw new TypeError("Gatehouse: this stream was already read; a stream can be iterated once");
    this.#used = true;
    let start: StreamStart;
    try {
      start = await this.#start;
    } catch (e) {
      this.#end();
      throw e;
    }
    this.#response = start.response;
    let finished = false;
    try {
      if (!start.response.body) return;
      try {
        for await (const msg of iterateSse(start.response.body)) {
          if (msg.data === "[DONE]") break;
          const event = this.decode(msg, start.response);
          if (event === undefined) continue;
          this.observe(event);
          yield event;
        }
      } catch (e) {
        if (this.controller.signal.aborted) throw new APIUserAbortError();
        if (e instanceof GatehouseError) throw e;
        throw new APIConnectionError(`The stream broke before its end: ${(e as Error)?.message ?? String(e)}`, e);
      }
      finished = true;
    } finally {
      // Left early (break, return, a throw): abort, so the server stops the upstream request and its billing.
      if (!finished) this.controller.abort();
      start.done();
      this.#end();
    }
  }

  /** Reads the whole stream, or, when a loop is already reading it, waits for that loop to end. */
  protected async drain(): Promise<void> {
    if (this.#used) return this.#ended;
    for await (const _ of this) {
      // observe() keeps what the final…() helpers need
    }
  }

  /** The Response the stream was read from, once iterated. */
  protected get readResponse(): Response | undefined {
    return this.#response;
  }
}

/** The error data of an Anthropic or Responses `error` event. */
function errorOf(data: unknown): { type: string; message: string } {
  const d = (data ?? {}) as { type?: unknown; message?: unknown; code?: unknown; error?: { type?: unknown; message?: unknown } };
  const inner = d.error && typeof d.error === "object" ? d.error : d;
  return {
    type: typeof inner.type === "string" && inner.type !== "error" ? inner.type : typeof d.code === "string" ? d.code : "api_error",
    message: typeof inner.message === "string" ? inner.message : "the stream reported an error",
  };
}

function parse(msg: SseMessage): unknown {
  try {
    return JSON.parse(msg.data);
  } catch {
    throw new APIConnectionError(`Gatehouse: a server-sent event's data is not JSON: ${msg.data.slice(0, 200)}`);
  }
}

// ---- Anthropic Messages ----

/** A content block as the stream carries it (text, tool_use, thinking, …). */
export interface StreamContentBlock {
  type: string;
  [field: string]: unknown;
}

/** What a `content_block_delta` adds to its block. */
export type StreamContentDelta =
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "citations_delta"; citation: Record<string, unknown> };

/** Token counts as a stream reports them. */
export interface StreamUsage {
  input_tokens?: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** The message a stream starts (`content` fills in through the deltas). */
export interface StreamMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: StreamContentBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: StreamUsage;
}

/** One event of an Anthropic Messages stream (its `data:`; the SSE `event:` name repeats `type`). Error events are thrown, not yielded. */
export type MessageStreamEvent =
  | { type: "message_start"; message: StreamMessage }
  | { type: "content_block_start"; index: number; content_block: StreamContentBlock }
  | { type: "content_block_delta"; index: number; delta: StreamContentDelta }
  | { type: "content_block_stop"; index: number }
  | { type: "message_delta"; delta: { stop_reason: string | null; stop_sequence: string | null }; usage: StreamUsage }
  | { type: "message_stop" }
  | { type: "ping" };

const MESSAGE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
  "ping",
] satisfies MessageStreamEvent["type"][]);

/** True for the name of an Anthropic Messages stream event (`error` excluded). */
export function isMessageStreamEventType(name: string): name is MessageStreamEvent["type"] {
  return MESSAGE_EVENT_TYPES.has(name);
}

/** Builds the final message from Anthropic stream events (text, tool input JSON, thinking, signatures, citations, usage). */
export class MessageAccumulator {
  message: StreamMessage | undefined;
  stopped = false;
  readonly #json = new Map<number, string>();

  add(ev: MessageStreamEvent): void {
    const m = this.message;
    switch (ev.type) {
      case "message_start":
        this.message = structuredClone(ev.message);
        return;
      case "content_block_start":
        if (m) m.content[ev.index] = structuredClone(ev.content_block);
        return;
      case "content_block_delta": {
        const block = m?.content[ev.index];
        if (!block) return;
        const d = ev.delta;
        if (d.type === "text_delta") block.text = String(block.text ?? "") + d.text;
        else if (d.type === "thinking_delta") block.thinking = String(block.thinking ?? "") + d.thinking;
        else if (d.type === "signature_delta") block.signature = d.signature;
        else if (d.type === "input_json_delta") this.#json.set(ev.index, (this.#json.get(ev.index) ?? "") + d.partial_json);
        else if (d.type === "citations_delta") block.citations = [...((block.citations as unknown[] | undefined) ?? []), d.citation];
        return;
      }
      case "content_block_stop": {
        const json = this.#json.get(ev.index);
        const block = m?.content[ev.index];
        if (block && json !== undefined) block.input = json.trim() === "" ? {} : JSON.parse(json);
        this.#json.delete(ev.index);
        return;
      }
      case "message_delta":
        if (!m) return;
        m.stop_reason = ev.delta.stop_reason;
        m.stop_sequence = ev.delta.stop_sequence;
        for (const [k, v] of Object.entries(ev.usage)) if (v !== null && v !== undefined) (m.usage as unknown as Record<string, unknown>)[k] = v;
        return;
      case "message_stop":
        this.stopped = true;
        return;
    }
  }
}

/** An Anthropic Messages stream: yields `MessageStreamEvent`s; `finalMessage()` and `finalText()` read it to its end. */
export class MessageStream extends Stream<MessageStreamEvent> {
  readonly #acc = new MessageAccumulator();

  protected override decode(msg: SseMessage, response: Response): MessageStreamEvent | undefined {
    const name = msg.event || "message";
    if (name === "error") {
      const data = parse(msg);
      const e = errorOf(data);
      throw streamEventError(e.type, e.message, data, response);
    }
    const data = parse(msg) as { type?: string };
    // A newer event kind this SDK does not know is skipped.
    return typeof data.type === "string" && isMessageStreamEventType(data.type) ? (data as MessageStreamEvent) : undefined;
  }

  protected override observe(event: MessageStreamEvent): void {
    this.#acc.add(event);
  }

  /** The whole message, as the non-streaming call would answer it. Throws APIConnectionError when the stream ended before `message_stop`. */
  async finalMessage(): Promise<StreamMessage> {
    await this.drain();
    if (!this.#acc.message || !this.#acc.stopped) throw new APIConnectionError("The stream ended before its message_stop event.");
    return this.#acc.message;
  }

  /** The text blocks of the final message, joined. */
  async finalText(): Promise<string> {
    const m = await this.finalMessage();
    return m.content.map((b) => (b.type === "text" && typeof b.text === "string" ? b.text : "")).join("");
  }
}

// ---- OpenAI Chat Completions ----

/** One tool call fragment of a chunk. */
export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

/** One `chat.completion.chunk` of a streamed chat completion. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: string; content?: string | null; reasoning_content?: string | null; tool_calls?: ChatCompletionChunkToolCall[]; [field: string]: unknown };
    finish_reason: string | null;
    [field: string]: unknown;
  }[];
  /** On the last chunk when `stream_options.include_usage` was asked for. */
  usage?: Schemas["ChatUsage"] | null;
  [field: string]: unknown;
}

/** A streamed chat completion: yields `ChatCompletionChunk`s; `finalChatCompletion()` reads it to its end. */
export class ChatCompletionStream extends Stream<ChatCompletionChunk> {
  #completion: Schemas["ChatCompletion"] | undefined;
  readonly #calls = new Map<number, Map<number, { id: string; type: "function"; function: { name: string; arguments: string } }>>();
  #finished = false;

  protected override decode(msg: SseMessage, response: Response): ChatCompletionChunk | undefined {
    const data = parse(msg) as ChatCompletionChunk & { error?: { type?: string; code?: string; message?: string } };
    if (msg.event === "error" || data.error) {
      const e = errorOf(data.error ? { error: { type: data.error.type ?? data.error.code, message: data.error.message } } : data);
      throw streamEventError(e.type, e.message, data, response);
    }
    return data;
  }

  protected override observe(chunk: ChatCompletionChunk): void {
    const c = (this.#completion ??= { id: chunk.id, object: "chat.completion", created: chunk.created, model: chunk.model, choices: [] });
    if (chunk.usage) c.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      let target = c.choices.find((x) => x.index === choice.index);
      if (!target) {
        target = { index: choice.index, finish_reason: null, message: { role: "assistant", content: null } };
        c.choices.push(target);
      }
      const message = target.message as { content: string | null; reasoning_content?: string; tool_calls?: unknown[]; [k: string]: unknown };
      const d = choice.delta ?? {};
      if (typeof d.content === "string") message.content = (message.content ?? "") + d.content;
      if (typeof d.reasoning_content === "string") message.reasoning_content = (message.reasoning_content ?? "") + d.reasoning_content;
      for (const tc of d.tool_calls ?? []) {
        const calls = this.#calls.get(choice.index) ?? new Map();
        this.#calls.set(choice.index, calls);
        const call = calls.get(tc.index) ?? { id: "", type: "function" as const, function: { name: "", arguments: "" } };
        calls.set(tc.index, call);
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.function.name += tc.function.name;
        if (tc.function?.arguments) call.function.arguments += tc.function.arguments;
        message.tool_calls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
      }
      if (choice.finish_reason) {
        target.finish_reason = choice.finish_reason;
        this.#finished = true;
      }
    }
  }

  /** The whole completion, as the non-streaming call would answer it. Throws APIConnectionError when no choice finished. */
  async finalChatCompletion(): Promise<Schemas["ChatCompletion"]> {
    await this.drain();
    if (!this.#completion || !this.#finished) throw new APIConnectionError("The stream ended before a finish_reason.");
    return this.#completion;
  }
}

// ---- OpenAI Responses ----

/** One `response.*` event of a streamed response (its `data:`; `type` names it). */
export type ResponseStreamEvent = Schemas["ResponseStreamEvent"];

/** A streamed response: yields `ResponseStreamEvent`s; `finalResponse()` reads it to its end. */
export class ResponseStream extends Stream<ResponseStreamEvent> {
  #final: ResponseStreamEvent | undefined;

  protected override decode(msg: SseMessage, response: Response): ResponseStreamEvent | undefined {
    const data = parse(msg) as ResponseStreamEvent;
    if (msg.event === "error" || data.type === "error") {
      const e = errorOf(data);
      throw streamEventError(e.type, e.message, data, response);
    }
    return data;
  }

  protected override observe(event: ResponseStreamEvent): void {
    if (event.type === "response.completed" || event.type === "response.incomplete" || event.type === "response.failed") this.#final = event;
  }

  /** The `response` of `response.completed` (or `response.incomplete`); a `response.failed` throws its error, typed. */
  async finalResponse(): Promise<Schemas["ResponseObject"]> {
    await this.drain();
    const ev = this.#final;
    if (!ev?.response) throw new APIConnectionError("The stream ended before response.completed.");
    if (ev.type === "response.failed") {
      const e = errorOf((ev.response as { error?: unknown }).error);
      throw streamEventError(e.type, e.message, ev, this.readResponse);
    }
    return ev.response;
  }
}
