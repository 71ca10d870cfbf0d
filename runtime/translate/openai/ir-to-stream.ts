// IR events → OpenAI chat.completion.chunk SSE. Every chunk shares one id/model/created;
// the first carries the role; exactly one carries a finish_reason; a usage chunk with
// `choices: []` follows (as include_usage does), then `data: [DONE]`. On failure an
// `{"error":{...}}` chunk ends the stream without [DONE], which OpenAI SDKs raise.
// Chunks are assembled from a precomputed prefix so a delta costs one JSON.stringify.
import { openAIErrorType } from "../error-types";
import type { IrStop, IrStreamEvent, TokenUsage } from "../ir";
import { finishToOpenAI } from "../map-finish-reason";
import { SSE_DONE, sseData } from "../sse-writer";
import { openAICompletionId } from "../response-options";
import type { ResponseOptions } from "../response-options";
import { usageToOpenAI } from "../usage";

const OPEN_SUFFIX = ',"logprobs":null,"finish_reason":null}]}\n\n';

export class OpenAIStreamRenderer {
  private readonly opts: ResponseOptions;
  /** `data: {"id":…,"object":"chat.completion.chunk","created":…,"model":…` */
  private head = "";
  private ended = false;
  private finished = false;
  private usage: TokenUsage | undefined;
  private toolCount = 0;
  private toolIndex = -1;
  private toolBlock = -1;

  constructor(opts: ResponseOptions = {}) {
    this.opts = opts;
  }

  render(event: IrStreamEvent): string {
    if (this.ended) return "";
    switch (event.type) {
      case "message_start":
        if (event.usage !== undefined) this.usage = event.usage;
        return this.start(event.id, event.model);
      case "block_start": {
        const start = this.start(undefined, undefined);
        if (event.block.type !== "tool_use") return start;
        this.toolIndex = this.toolCount++;
        this.toolBlock = event.index;
        const call = `{"index":${this.toolIndex},"id":${JSON.stringify(event.block.id)},"type":"function","function":{"name":${JSON.stringify(event.block.name)},"arguments":""}}`;
        return `${start}${this.delta(`{"tool_calls":[${call}]}`)}`;
      }
      case "text_delta":
        return this.delta(`{"content":${JSON.stringify(event.text)}}`);
      case "thinking_delta":
        return this.delta(`{"reasoning_content":${JSON.stringify(event.thinking)}}`);
      case "tool_input_delta":
        if (event.index !== this.toolBlock) return "";
        return this.delta(
          `{"tool_calls":[{"index":${this.toolIndex},"function":{"arguments":${JSON.stringify(event.partialJson)}}}]}`,
        );
      case "signature_delta":
      case "block_stop":
        // Chat Completions has no signatures (none are invented either way) and no blocks.
        return "";
      case "usage":
        this.usage = event.usage;
        return "";
      case "finish":
        return this.finish(event.stop);
      case "message_end":
        return this.end();
      case "error":
        this.ended = true;
        return sseData(
          JSON.stringify({
            error: {
              message: event.error.message,
              type: openAIErrorType(event.error.type),
              param: null,
              code: event.error.type,
            },
          }),
        );
      default: {
        const never: never = event;
        throw new Error(`unknown IR event ${JSON.stringify(never)}`);
      }
    }
  }

  private start(id: string | undefined, model: string | undefined): string {
    if (this.head !== "") return "";
    const created = this.opts.created ?? Math.floor(Date.now() / 1000);
    this.head = `data: {"id":${JSON.stringify(openAICompletionId(this.opts, id))},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(this.opts.model ?? model ?? "unknown")}`;
    return this.delta('{"role":"assistant","content":""}');
  }

  private delta(json: string): string {
    return `${this.head},"choices":[{"index":0,"delta":${json}${OPEN_SUFFIX}`;
  }

  private finish(stop: IrStop): string {
    if (this.finished) return "";
    this.finished = true;
    const start = this.start(undefined, undefined);
    return `${start}${this.head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finishToOpenAI(stop.reason)}"}]}\n\n`;
  }

  private end(): string {
    if (!this.finished) {
      return this.render({ type: "error", error: { type: "api_error", message: "stream ended without a stop reason" } });
    }
    this.ended = true;
    const wantUsage = this.opts.includeUsage ?? true;
    if (!wantUsage || this.usage === undefined) return SSE_DONE;
    return `${this.head},"choices":[],"usage":${JSON.stringify(usageToOpenAI(this.usage))}}\n\n${SSE_DONE}`;
  }
}
