// IR events → Anthropic Messages SSE. Exactly one message_start; blocks exactly as the
// IR gives them (already sequential and never empty); message_delta (stop reason and
// final usage) and message_stop at the end; an `error` event on failure.
// Deltas are written by hand so key order matches Anthropic byte for byte:
// {"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}.
import type { IrStop, IrStreamEvent, TokenUsage } from "../ir";
import { zeroUsage } from "../ir";
import { sseEvent } from "../sse-writer";
import { anthropicMessageId } from "../response-options";
import type { ResponseOptions } from "../response-options";
import { usageToAnthropic } from "../usage";

const DELTA = "event: content_block_delta\ndata: ";
const STOP_EVENT = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

export class AnthropicStreamRenderer {
  private readonly opts: ResponseOptions;
  private started = false;
  private ended = false;
  private usage: TokenUsage = zeroUsage();
  private stop: IrStop | undefined;
  private upstreamUsage = false;

  constructor(opts: ResponseOptions = {}) {
    this.opts = opts;
  }

  render(event: IrStreamEvent): string {
    if (this.ended) return "";
    switch (event.type) {
      case "message_start":
        if (event.usage !== undefined) {
          this.usage = event.usage;
          this.upstreamUsage = true;
        }
        return this.start(event.id, event.model);
      case "block_start":
        return `${this.start(undefined, undefined)}${sseEvent(
          "content_block_start",
          `{"type":"content_block_start","index":${event.index},"content_block":${blockHead(event.block)}}`,
        )}`;
      case "text_delta":
        return `${DELTA}{"type":"content_block_delta","index":${event.index},"delta":{"type":"text_delta","text":${JSON.stringify(event.text)}}}\n\n`;
      case "thinking_delta":
        return `${DELTA}{"type":"content_block_delta","index":${event.index},"delta":{"type":"thinking_delta","thinking":${JSON.stringify(event.thinking)}}}\n\n`;
      case "signature_delta":
        return `${DELTA}{"type":"content_block_delta","index":${event.index},"delta":{"type":"signature_delta","signature":${JSON.stringify(event.signature)}}}\n\n`;
      case "tool_input_delta":
        return `${DELTA}{"type":"content_block_delta","index":${event.index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(event.partialJson)}}}\n\n`;
      case "block_stop":
        return sseEvent("content_block_stop", `{"type":"content_block_stop","index":${event.index}}`);
      case "usage":
        this.usage = event.usage;
        return "";
      case "finish":
        this.stop = event.stop;
        return "";
      case "message_end":
        return this.end();
      case "error":
        this.ended = true;
        return sseEvent(
          "error",
          `{"type":"error","error":{"type":${JSON.stringify(event.error.type)},"message":${JSON.stringify(event.error.message)}}}`,
        );
      default: {
        const never: never = event;
        throw new Error(`unknown IR event ${JSON.stringify(never)}`);
      }
    }
  }

  private start(id: string | undefined, model: string | undefined): string {
    if (this.started) return "";
    this.started = true;
    const usage = usageToAnthropic(this.usage);
    if (!this.upstreamUsage && this.opts.inputTokens !== undefined) usage.input_tokens = this.opts.inputTokens;
    const message = {
      id: anthropicMessageId(this.opts, id),
      type: "message",
      role: "assistant",
      model: this.opts.model ?? model ?? "unknown",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    };
    return sseEvent("message_start", `{"type":"message_start","message":${JSON.stringify(message)}}`);
  }

  private end(): string {
    const stop = this.stop;
    if (stop === undefined) {
      return this.render({ type: "error", error: { type: "api_error", message: "stream ended without a stop reason" } });
    }
    const head = this.start(undefined, undefined);
    this.ended = true;
    const delta = JSON.stringify({
      type: "message_delta",
      delta: { stop_reason: stop.reason, stop_sequence: stop.sequence },
      usage: usageToAnthropic(this.usage),
    });
    return `${head}${sseEvent("message_delta", delta)}${STOP_EVENT}`;
  }
}

function blockHead(block: Extract<IrStreamEvent, { type: "block_start" }>["block"]): string {
  switch (block.type) {
    case "text":
      return '{"type":"text","text":""}';
    case "thinking":
      // Anthropic's own start shape; the signature only ever comes from upstream deltas.
      return '{"type":"thinking","thinking":"","signature":""}';
    case "redacted_thinking":
      return `{"type":"redacted_thinking","data":${JSON.stringify(block.data)}}`;
    case "tool_use":
      return `{"type":"tool_use","id":${JSON.stringify(block.id)},"name":${JSON.stringify(block.name)},"input":{}}`;
    default: {
      const never: never = block;
      throw new Error(`unknown block ${JSON.stringify(never)}`);
    }
  }
}
