// The intermediate representation both wire shapes are parsed into and rendered from.
// Vocabulary follows the richer side where one exists (Anthropic's stop reasons and
// block kinds), but nothing here is a wire type: parsers validate, renderers serialize.

/** Why generation stopped. */
export type IrStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "refusal"
  | "pause_turn"
  | "model_context_window_exceeded";

export interface IrStop {
  reason: IrStopReason;
  /** The matched stop sequence when `reason` is `stop_sequence`, else null. */
  sequence: string | null;
}

/**
 * Token usage, normalized (Anthropic vocabulary): the one usage type, what the parsers report
 * and what the gateway bills (pricing.ts). `input_tokens` excludes cached reads and cache writes.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Reasoning/thinking tokens, already included in `output_tokens`, when reported. */
  reasoning_tokens?: number;
  /** The part of `cache_creation_input_tokens` written with the 1-hour TTL (priced 2× input, not 1.25×), when reported. */
  cache_creation_1h_input_tokens?: number;
  /** Uses of provider-run tools by type (`web_search`, `web_fetch`, …), each billed per use, when reported. */
  server_tool_uses?: Record<string, number>;
}

export type IrMediaSource =
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "url"; url: string };

export type IrUserPart =
  | { type: "text"; text: string }
  | { type: "image"; source: IrMediaSource }
  | { type: "document"; source: IrMediaSource; title: string | undefined };

export interface IrToolResult {
  type: "tool_result";
  toolCallId: string;
  content: IrUserPart[];
  isError: boolean;
}

/** A block the assistant produced: in request history, in a response, or streamed. */
export type IrAssistantBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string | undefined }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export type IrMessage =
  | { role: "user"; content: Array<IrUserPart | IrToolResult> }
  | { role: "assistant"; content: IrAssistantBlock[] };

export interface IrTool {
  name: string;
  description: string | undefined;
  inputSchema: Record<string, unknown>;
  strict: boolean | undefined;
}

export type IrToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type IrEffort = "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

/** off: no reasoning; budget: explicit token budget; effort: a named level; auto: model decides. */
export type IrReasoning =
  | { type: "off" }
  | { type: "budget"; budgetTokens: number }
  | { type: "effort"; effort: IrEffort }
  | { type: "auto" };

export interface IrResponseFormat {
  name: string | undefined;
  schema: Record<string, unknown>;
}

export interface IrRequest {
  model: string;
  system: string[];
  messages: IrMessage[];
  maxTokens: number | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  stop: string[];
  stream: boolean;
  tools: IrTool[];
  toolChoice: IrToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  user: string | undefined;
  reasoning: IrReasoning | undefined;
  responseFormat: IrResponseFormat | undefined;
  serviceTier: "auto" | "standard" | undefined;
}

/** A complete (non-streaming) assistant response. */
export interface IrResponse {
  id: string;
  model: string;
  created: number | undefined;
  content: IrAssistantBlock[];
  stop: IrStop | undefined;
  usage: TokenUsage;
}

/** How a streamed block begins; its content follows as deltas. */
export type IrBlockHead =
  | { type: "text" }
  | { type: "thinking" }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string };

/** An error reported by the upstream (or detected in its stream), Anthropic error vocabulary. */
export interface IrError {
  type: string;
  message: string;
}

/**
 * One step of a streamed response. Parsers guarantee: blocks are sequential from 0 and
 * never overlap, every block_start has a block_stop before the next block_start and
 * before `finish`, and a stream ends with exactly one of `message_end` (after `finish`)
 * or `error`.
 */
export type IrStreamEvent =
  | { type: "message_start"; id: string | undefined; model: string | undefined; usage: TokenUsage | undefined }
  | { type: "block_start"; index: number; block: IrBlockHead }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; thinking: string }
  | { type: "signature_delta"; index: number; signature: string }
  | { type: "tool_input_delta"; index: number; partialJson: string }
  | { type: "block_stop"; index: number }
  | { type: "usage"; usage: TokenUsage }
  | { type: "finish"; stop: IrStop }
  | { type: "message_end" }
  | { type: "error"; error: IrError };

export type IrEmit = (event: IrStreamEvent) => void;

export function zeroUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
}
