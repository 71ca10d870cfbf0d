// One model round of a thread turn: a complete() call (held and billed through the wallet like
// /v1/messages, its refusals as ApiErrors with the upstream's status) and the reading of its IR
// events to the end into whole Anthropic content blocks. A round that fails or comes back empty
// is a `failed` result, never a half message; its tokens are billed by complete() regardless.
import type { KeyRecord } from "../db/api-keys";
import { ApiError, type ErrorKind } from "../errors";
import { complete, type Billed, type EventBatch } from "../gateway/complete";
import type { RequestContext } from "../http/context";
import { renderAnthropicResponse } from "../translate/anthropic/render-response";
import { IrAssembler } from "../translate/ir-assembler";
import type { TokenUsage } from "../translate";
import type { ToolUseCall } from "../agent";
import type { ContentBlock } from "./context-window";

const enc = new TextEncoder();

/** A round whose model call was accepted: its events are still to be read. */
export interface RoundCall {
  stream: boolean;
  /** Time to the upstream's response headers. */
  upstreamMs: number;
  events: AsyncIterable<EventBatch>;
  billed: Promise<Billed>;
}

export type RoundResult =
  | { kind: "answered"; content: ContentBlock[]; stopReason: string | null; usage: TokenUsage; costMicros: number }
  | { kind: "failed"; error: ApiError; costMicros: number };

/** Sends one round; throws the refusal (402 from the wallet, an upstream's status) as an ApiError. */
export async function callModel(body: Record<string, unknown>, key: KeyRecord, ctx: RequestContext): Promise<RoundCall> {
  const done = await complete({ surface: "anthropic", body, bodyBytes: enc.encode(JSON.stringify(body)).byteLength, key }, ctx);
  if (done.kind === "refused") throw new ApiError(kindOfStatus(done.status), done.error.message, { status: done.status });
  if (done.answer.kind !== "events") throw new ApiError("internal", `complete() answered ${done.answer.kind}, not events`);
  return { stream: done.stream, upstreamMs: done.upstreamMs, events: done.answer.events, billed: done.billed };
}

/** Reads the round to its end (`onBatch` sees each batch first, e.g. to stream it). Never throws. */
export async function readRound(call: RoundCall, onBatch?: (batch: EventBatch) => Promise<void>): Promise<RoundResult> {
  const asm = new IrAssembler();
  try {
    for await (const batch of call.events) {
      for (const e of batch) asm.handle(e);
      if (onBatch) await onBatch(batch);
    }
    const billed = await call.billed;
    const failed = (message: string): RoundResult => ({ kind: "failed", error: new ApiError("upstream", message), costMicros: billed.costMicros });
    if (asm.error !== undefined) return failed(`the model's answer failed mid-way (${asm.error.type}: ${asm.error.message})`);
    if (!asm.ended || asm.blocks.length === 0) return failed("the model's answer was empty or cut off");
    const content = renderAnthropicResponse({ id: "", model: "", created: undefined, content: asm.blocks, stop: asm.stop, usage: billed.usage }).content as ContentBlock[];
    return { kind: "answered", content, stopReason: asm.stop?.reason ?? null, usage: billed.usage, costMicros: billed.costMicros };
  } catch (e) {
    const error = e instanceof ApiError ? e : new ApiError("upstream", `the model's answer could not be read (${(e as Error).message})`);
    return { kind: "failed", error, costMicros: (await call.billed.catch(() => undefined))?.costMicros ?? 0 };
  }
}

/** The tool calls of an answer, in order. */
export function toolCalls(content: readonly ContentBlock[]): ToolUseCall[] {
  return content.filter((b) => b.type === "tool_use").map((b) => ({ id: String(b.id), name: String(b.name), input: b.input }));
}

/** Two rounds' counts added (the four counts a turn reports). */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
  };
}

/** Every input token of a round, cached or not. */
export function inputTotal(u: TokenUsage): number {
  return u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
}

/** An upstream's refusal, in the one taxonomy, keeping its status. */
function kindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 413 || status === 422) return "invalid_request";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 503 || status === 529) return "overloaded";
  return "upstream";
}
