// A streamed thread turn, typed: Anthropic's Messages stream events plus the spec's `qlaud.*`
// events (the union is passed in by the generated client), each as `{event, data}` since the
// `qlaud.*` data carry no `type`. A `Stream` (client-streams.ts): leaving the loop early aborts
// the turn. Codegen copies this file into generated/client/thread-stream.ts.

import { GatehouseError } from "./client-runtime";
import { MessageAccumulator, Stream, isMessageStreamEventType, type MessageStreamEvent, type StreamOpener, type StreamMessage } from "./client-streams";
import type { SseMessage } from "./sse-parser";

/** An Anthropic Messages stream event as `{event, data}`: the SSE `event:` name and its parsed `data:`. */
export type AnthropicStreamEvent =
  | { [T in MessageStreamEvent["type"]]: { event: T; data: Extract<MessageStreamEvent, { type: T }> } }[MessageStreamEvent["type"]]
  | { event: "error"; data: { type: "error"; error: { type: string; message: string } } };

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
export class ThreadStreamError extends GatehouseError {
  constructor(
    /** The error type (`api_error`, `overloaded_error`, … or `incomplete_stream`). */
    type: string,
    message: string,
    /** The SSE event that carried it, if any. */
    readonly event: "error" | "qlaud.error" | undefined,
  ) {
    super(0, type, `${type}: ${message}`, undefined, undefined, undefined);
  }
}

/**
 * A thread turn's events, typed and keyed by `event`. Iterate it once (`for await`), or call
 * `finalTurn()` for the result. Events of neither kind (a newer Anthropic event) are skipped.
 */
export class ThreadTurnStream<Q extends StreamEventShape> extends Stream<ThreadStreamEvent<Q>> {
  readonly #isQlaud: (name: string) => boolean;
  #text = "";
  #done: DoneData<Q> | undefined;
  #rounds: StreamMessage[] = [];
  #round: MessageAccumulator | undefined;

  constructor(open: StreamOpener, isQlaud: (name: string) => boolean, signal?: AbortSignal) {
    super(open, signal);
    this.#isQlaud = isQlaud;
  }

  protected override decode(msg: SseMessage): ThreadStreamEvent<Q> | undefined {
    const event = msg.event || "message";
    if (event === "error" || event === "qlaud.error") throw streamError(event, parseData(msg.data));
    if (!isMessageStreamEventType(event) && !this.#isQlaud(event)) return undefined;
    return { event, data: JSON.parse(msg.data) } as ThreadStreamEvent<Q>;
  }

  protected override observe(ev: ThreadStreamEvent<Q>): void {
    if (ev.event === "qlaud.done") this.#done = ev.data as DoneData<Q>;
    if (!isMessageStreamEventType(ev.event)) return;
    const a = ev.data as MessageStreamEvent; // a generic Q does not narrow: look at the Anthropic side alone
    if (a.type === "message_start") this.#round = new MessageAccumulator();
    this.#round?.add(a);
    if (a.type === "message_stop" && this.#round?.message) this.#rounds.push(this.#round.message);
    if (a.type === "content_block_delta" && a.delta.type === "text_delta") this.#text += a.delta.text;
  }

  /** Reads the whole turn: the `qlaud.done` data, the text of every `text_delta` joined, and each model round's message. */
  async finalTurn(): Promise<{ done: DoneData<Q>; text: string }> {
    await this.drain();
    if (this.#done === undefined) throw new ThreadStreamError("incomplete_stream", "the stream ended before its qlaud.done event", undefined);
    return { done: this.#done, text: this.#text };
  }

  /** Every model round's message, complete (tool_use inputs parsed), once the stream was read. */
  async finalMessages(): Promise<StreamMessage[]> {
    await this.finalTurn();
    return this.#rounds;
  }
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function streamError(event: "error" | "qlaud.error", data: unknown): ThreadStreamError {
  const d = (typeof data === "object" && data !== null ? data : {}) as { type?: unknown; message?: unknown; error?: { type?: unknown; message?: unknown } };
  // Anthropic nests the error (`{type: "error", error: {type, message}}`); qlaud.error does not.
  const err = event === "error" ? (d.error ?? {}) : d;
  const message = typeof err.message === "string" ? err.message : typeof data === "string" ? data : "the stream reported an error";
  return new ThreadStreamError(typeof err.type === "string" ? err.type : "api_error", message, event);
}
