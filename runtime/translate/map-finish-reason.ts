// Finish reasons: OpenAI finish_reason ⇄ IR stop (Anthropic stop_reason vocabulary).
import type { IrStop, IrStopReason } from "./ir";

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface FinishContext {
  /** The request's stop sequences; used to recover which one fired. */
  stopSequences: readonly string[];
  /** The last characters of the generated text (at least as long as the longest sequence). */
  textTail: string;
  /** A provider-reported matched stop string (vLLM's `stop_reason`). */
  matchedStop: string | undefined;
  /** The model refused (OpenAI `refusal` content was produced). */
  refused: boolean;
}

/**
 * IR stop for an OpenAI finish_reason, or undefined for `error` (a failure, not a stop).
 * Unknown reasons from OpenAI-compatible providers ("eos", "end_turn", ...) are a normal end.
 */
export function stopFromOpenAI(reason: string, ctx: FinishContext): IrStop | undefined {
  switch (reason) {
    case "length":
    case "max_tokens":
      return { reason: "max_tokens", sequence: null };
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return { reason: "tool_use", sequence: null };
    case "content_filter":
      return { reason: "refusal", sequence: null };
    case "error":
      return undefined;
    default: {
      if (ctx.matchedStop !== undefined) return { reason: "stop_sequence", sequence: ctx.matchedStop };
      const seq = endingStopSequence(ctx.textTail, ctx.stopSequences);
      if (seq !== undefined) return { reason: "stop_sequence", sequence: seq };
      return { reason: ctx.refused ? "refusal" : "end_turn", sequence: null };
    }
  }
}

/** The longest stop sequence the text ends with (providers that keep the stop string). */
function endingStopSequence(tail: string, sequences: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const s of sequences) {
    if (s.length > 0 && tail.endsWith(s) && (best === undefined || s.length > best.length)) best = s;
  }
  return best;
}

export function finishToOpenAI(reason: IrStopReason): OpenAIFinishReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default: {
      const never: never = reason;
      return never;
    }
  }
}

const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set<IrStopReason>([
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "refusal",
  "pause_turn",
  "model_context_window_exceeded",
]);

function isStopReason(reason: string): reason is IrStopReason {
  return ANTHROPIC_STOP_REASONS.has(reason);
}

/** IR stop reason for an Anthropic stop_reason; unknown future values end the turn. */
export function stopReasonFromAnthropic(reason: string): IrStopReason {
  return isStopReason(reason) ? reason : "end_turn";
}
