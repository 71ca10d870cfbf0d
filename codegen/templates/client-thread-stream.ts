// A streamed thread turn, typed: Anthropic's Messages stream events (which OpenAPI cannot
// describe, so they are typed here, minimally) plus the spec's `qlaud.*` events, passed in
// by the generated client. Codegen copies this file into generated/client/.

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

/** The message a model round starts (`content` fills in through the deltas). */
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

/** An Anthropic Messages stream event: the SSE `event:` name and its parsed `data:`. */
export type AnthropicStreamEvent =
  | { event: "message_start"; data: { type: "message_start"; message: StreamMessage } }
  | { event: "content_block_start"; data: { type: "content_block_start"; index: number; content_block: StreamContentBlock } }
  | { event: "content_block_delta"; data: { type: "content_block_delta"; index: number; delta: StreamContentDelta } }
  | { event: "content_block_stop"; data: { type: "content_block_stop"; index: number } }
  | { event: "message_delta"; data: { type: "message_delta"; delta: { stop_reason: string | null; stop_sequence: string | null }; usage: StreamUsage } }
  | { event: "message_stop"; data: { type: "message_stop" } }
  | { event: "ping"; data: { type: "ping" } }
  | { event: "error"; data: { type: "error"; error: { type: string; message: string } } };

const ANTHROPIC_EVENT_NAMES: ReadonlySet<string> = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
  "ping",
  "error",
] satisfies AnthropicStreamEvent["event"][]);

/** The shape every `qlaud.*` event has (the generated QlaudStreamEvent union). */
export interface StreamEventShape {
  event: string;
  data: unknown;
}

/** What a thread turn's stream yields: every event except the two error events, which are thrown. */
export type ThreadStreamEvent<Q extends StreamEventShape> = Exclude<AnthropicStreamEvent, { event: "error" }> | Exclude<Q, { event: "qlaud.error" }>;

/** The `qlaud.done` data of the union `Q`. */
export type DoneData<Q extends StreamEventShape> = Extract<Q, { event: "qlaud.done" }>["data"];

/** A streamed turn failed: an `error` or `qlaud.error` event, or a stream that ended without `qlaud.done`. */
export class ThreadStreamError extends Error {
  constructor(
    /** The error type (`api_error`, `overloaded_error`, … or `incomplete_stream`). */
    readonly type: string,
    message: string,
    /** The SSE event that carried it, if any. */
    readonly event: "error" | "qlaud.error" | undefined,
  ) {
    super(`${type}: ${message}`);
    this.name = new.target.name;
  }
}

/**
 * A thread turn's events, typed and keyed by `event`. Iterate it once (`for await`), or call
 * `finalTurn()` for the result. Events of neither kind (a newer Anthropic event) are skipped.
 */
export class ThreadTurnStream<Q extends StreamEventShape> implements AsyncIterable<ThreadStreamEvent<Q>> {
  readonly #events: AsyncIterable<StreamEventShape>;
  readonly #isQlaud: (name: string) => boolean;

  constructor(events: AsyncIterable<StreamEventShape>, isQlaud: (name: string) => boolean) {
    this.#events = events;
    this.#isQlaud = isQlaud;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ThreadStreamEvent<Q>> {
    for await (const ev of this.#events) {
      if (ev.event === "error" || ev.event === "qlaud.error") throw streamError(ev);
      if (ANTHROPIC_EVENT_NAMES.has(ev.event) || this.#isQlaud(ev.event)) yield ev as ThreadStreamEvent<Q>;
    }
  }

  /** Reads the whole turn: the `qlaud.done` data and the text of every `text_delta`, joined. */
  async finalTurn(): Promise<{ done: DoneData<Q>; text: string }> {
    let text = "";
    let done: DoneData<Q> | undefined;
    for await (const ev of this) {
      if (ev.event === "qlaud.done") done = ev.data as DoneData<Q>;
      const a = ev as AnthropicStreamEvent; // a generic Q does not narrow: look at the Anthropic side alone
      if (a.event === "content_block_delta" && a.data.delta.type === "text_delta") text += a.data.delta.text;
    }
    if (done === undefined) throw new ThreadStreamError("incomplete_stream", "the stream ended before its qlaud.done event", undefined);
    return { done, text };
  }
}

function streamError(ev: StreamEventShape): ThreadStreamError {
  const data = (typeof ev.data === "object" && ev.data !== null ? ev.data : {}) as { type?: unknown; message?: unknown; error?: { type?: unknown; message?: unknown } };
  // Anthropic nests the error (`{type: "error", error: {type, message}}`); qlaud.error does not.
  const err = ev.event === "error" ? (data.error ?? {}) : data;
  const message = typeof err.message === "string" ? err.message : typeof ev.data === "string" ? ev.data : "the stream reported an error";
  return new ThreadStreamError(typeof err.type === "string" ? err.type : "api_error", message, ev.event as "error" | "qlaud.error");
}
