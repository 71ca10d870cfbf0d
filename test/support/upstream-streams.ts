// Synthetic upstream bodies in the two wire shapes, for the local upstream server's default
// replies, for tests that need N chunks, and for benchmarks. Shapes follow the recorded
// streams in ../shared/fixtures/upstream/ (OpenAI chat.completion.chunk, Anthropic events).
// Plain TypeScript, no node or vitest imports, so workerd tests may import it too.

import type { WireFormat } from "../../runtime/translate";

export interface SynthOptions {
  /** Model id echoed in the body (default `upstream-test-model`). */
  model?: string;
  /** Message / completion id (default derived from the shape). */
  id?: string;
  /** Prompt tokens reported in usage (default 12). */
  inputTokens?: number;
  /** Completion tokens reported in usage (default: one per chunk). */
  outputTokens?: number;
  /** OpenAI only: append the `choices: []` usage chunk (default true, as with include_usage). */
  includeUsage?: boolean;
  /** OpenAI finish_reason / Anthropic stop_reason (default `stop` / `end_turn`). */
  stopReason?: string;
}

const CREATED = 1_735_689_600; // fixed, so bodies are deterministic
const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** `count` short text pieces ("w0 ", "w1 ", …): a stream of exactly `count` content deltas. */
export function textPieces(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `w${i} `);
}

/** A complete, valid SSE stream whose content deltas are `chunks` (or `textPieces(chunks)`). */
export function sseFromChunks(shape: WireFormat, chunks: readonly string[] | number, opts: SynthOptions = {}): string {
  const pieces = typeof chunks === "number" ? textPieces(chunks) : chunks;
  return shape === "openai" ? openaiStream(pieces, opts) : anthropicStream(pieces, opts);
}

function openaiStream(pieces: readonly string[], opts: SynthOptions): string {
  const id = opts.id ?? "chatcmpl-upstream-test";
  const model = opts.model ?? "upstream-test-model";
  const chunk = (delta: object, finish: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  let out = sse(chunk({ role: "assistant", content: "" }, null));
  for (const p of pieces) out += sse(chunk({ content: p }, null));
  out += sse(chunk({}, opts.stopReason ?? "stop"));
  if (opts.includeUsage ?? true) {
    const prompt = opts.inputTokens ?? 12;
    const completion = opts.outputTokens ?? pieces.length;
    out += sse({
      id,
      object: "chat.completion.chunk",
      created: CREATED,
      model,
      choices: [],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  }
  return `${out}data: [DONE]\n\n`;
}

function anthropicStream(pieces: readonly string[], opts: SynthOptions): string {
  const input = opts.inputTokens ?? 12;
  const output = opts.outputTokens ?? pieces.length;
  const message = {
    id: opts.id ?? "msg_upstream_test",
    type: "message",
    role: "assistant",
    model: opts.model ?? "upstream-test-model",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
  };
  let out = event("message_start", { type: "message_start", message });
  out += event("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  out += event("ping", { type: "ping" });
  for (const p of pieces) {
    out += event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: p } });
  }
  out += event("content_block_stop", { type: "content_block_stop", index: 0 });
  out += event("message_delta", {
    type: "message_delta",
    delta: { stop_reason: opts.stopReason ?? "end_turn", stop_sequence: null },
    usage: { output_tokens: output },
  });
  return out + event("message_stop", { type: "message_stop" });
}

/** A non-streaming OpenAI `chat.completion` body. */
export function openaiCompletion(text: string, opts: SynthOptions = {}): Record<string, unknown> {
  const prompt = opts.inputTokens ?? 12;
  const completion = opts.outputTokens ?? Math.max(1, text.split(/\s+/).filter(Boolean).length);
  return {
    id: opts.id ?? "chatcmpl-upstream-test",
    object: "chat.completion",
    created: CREATED,
    model: opts.model ?? "upstream-test-model",
    choices: [
      { index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: opts.stopReason ?? "stop" },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** A non-streaming Anthropic `message` body. */
export function anthropicMessage(text: string, opts: SynthOptions = {}): Record<string, unknown> {
  return {
    id: opts.id ?? "msg_upstream_test",
    type: "message",
    role: "assistant",
    model: opts.model ?? "upstream-test-model",
    content: [{ type: "text", text }],
    stop_reason: opts.stopReason ?? "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: opts.inputTokens ?? 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: opts.outputTokens ?? Math.max(1, text.split(/\s+/).filter(Boolean).length),
    },
  };
}
