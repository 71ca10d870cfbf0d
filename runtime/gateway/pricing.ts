import type { ModelPrice } from "../../generated/providers/catalog";

/** Token counts as the translator normalizes them (Anthropic vocabulary). */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens?: number;
}

const MTOK = 1_000_000;

/** Cost in integer micro-dollars, rounded up so we never under-charge by a rounding. */
export function costMicros(usage: TokenUsage, price: ModelPrice): number {
  const scaled =
    usage.input_tokens * price.input_micros_per_mtok +
    (usage.cache_creation_input_tokens ?? 0) * price.input_micros_per_mtok +
    usage.cache_read_input_tokens * price.cached_input_micros_per_mtok +
    usage.output_tokens * price.output_micros_per_mtok;
  return Math.ceil(scaled / MTOK);
}

/**
 * An upper estimate of input tokens from the request's size: one token per 3 bytes of
 * JSON overestimates English (~4 chars/token) and matches dense scripts (3 bytes/char).
 */
export function estimateInputTokens(bodyBytes: number): number {
  return Math.ceil(bodyBytes / 3);
}

/** The most a request can cost: estimated input at input price + max output at output price. */
export function worstCaseMicros(bodyBytes: number, maxOutputTokens: number, price: ModelPrice): number {
  return costMicros(
    { input_tokens: estimateInputTokens(bodyBytes), output_tokens: maxOutputTokens, cache_read_input_tokens: 0 },
    price,
  );
}
