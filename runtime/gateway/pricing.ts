import type { ModelPrice, TierPrice } from "../../generated/providers/catalog";
import type { TokenUsage } from "../translate";

export type ServiceTier = "standard" | "priority";

/** A provider-run tool a request carries, as billed. */
export interface ServerToolTerms {
  /** Catalog `server_tools` type (`web_search`, …). */
  type: string;
  microsPerUse: number;
  /** The most uses the request can make (its `max_uses`, forwarded, or the catalog default). */
  maxUses: number;
  /** The provider reports uses in `usage.server_tool_use`; otherwise every request is billed maxUses. */
  reported: boolean;
}

/** What a request is billed on besides token prices: its service tier and provider-run tools. */
export interface BillingTerms {
  tier: ServiceTier;
  serverTools: readonly ServerToolTerms[];
}

export const STANDARD_TERMS: BillingTerms = { tier: "standard", serverTools: [] };

const MTOK = 1_000_000;

/** The prices that apply: the priority list when asked for and the host has one, else standard. */
export function tierPrice(price: ModelPrice, tier: ServiceTier): TierPrice {
  return tier === "priority" && price.priority ? price.priority : price;
}

/**
 * Cost in integer micro-dollars, rounded up so we never under-charge by a rounding: input,
 * cache reads, cache writes (5-minute at 1.25×, 1-hour at 2× input for Anthropic), output,
 * at the request's tier, plus each provider-run tool's fee per use.
 */
export function costMicros(usage: TokenUsage, price: ModelPrice, terms: BillingTerms = STANDARD_TERMS): number {
  const p = tierPrice(price, terms.tier);
  const writes = usage.cache_creation_input_tokens;
  const oneHour = Math.min(usage.cache_creation_1h_input_tokens ?? 0, writes);
  const scaled =
    usage.input_tokens * p.input_micros_per_mtok +
    (writes - oneHour) * price.cache_write_micros_per_mtok +
    oneHour * price.cache_write_1h_micros_per_mtok +
    usage.cache_read_input_tokens * p.cached_input_micros_per_mtok +
    usage.output_tokens * p.output_micros_per_mtok;
  let fees = 0;
  for (const t of terms.serverTools) {
    const uses = t.reported ? (usage.server_tool_uses?.[t.type] ?? 0) : t.maxUses;
    fees += uses * t.microsPerUse;
  }
  return Math.ceil(scaled / MTOK) + fees;
}

/** How input may be billed: plain, or (with `cache_control`) as 5-minute or 1-hour cache writes. */
export type CacheWrites = "none" | "5m" | "1h";

/**
 * The most `inputTokens` of input and `outputTokens` of output can cost: input at the dearest
 * rate it may be billed at (plain or cache write), every provider-run tool at its max uses.
 */
export function boundMicros(inputTokens: number, outputTokens: number, cacheWrites: CacheWrites, price: ModelPrice, terms: BillingTerms): number {
  const server_tool_uses = Object.fromEntries(terms.serverTools.map((t) => [t.type, t.maxUses]));
  const base = { output_tokens: outputTokens, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, server_tool_uses };
  const plain = costMicros({ ...base, input_tokens: inputTokens }, price, terms);
  if (cacheWrites === "none") return plain;
  const written = { ...base, input_tokens: 0, cache_creation_input_tokens: inputTokens, cache_creation_1h_input_tokens: cacheWrites === "1h" ? inputTokens : 0 };
  return Math.max(plain, costMicros(written, price, terms));
}

/**
 * Template tokens a request costs beyond its own bytes: role and turn markers, and the
 * system prompt a provider adds when tools are defined (Anthropic documents up to 346).
 */
export const TEMPLATE_TOKENS = 512;

/**
 * An upper bound of input tokens from the body's raw size: every token of every tokenizer
 * covers at least one byte of the UTF-8 text, and the JSON around the text only adds bytes.
 */
export function inputTokenBound(bodyBytes: number): number {
  return bodyBytes + TEMPLATE_TOKENS;
}

/**
 * An estimate (not a bound) of input tokens from the request's size, for billing a stream
 * cut before its usage arrived: one token per 3 bytes of JSON overestimates English
 * (~4 chars/token) and matches dense scripts (3 bytes/char).
 */
export function estimateInputTokens(bodyBytes: number): number {
  return Math.ceil(bodyBytes / 3);
}

/** The most a plain text request (no media, tools or tier) of this size and output limit can cost. */
export function worstCaseMicros(bodyBytes: number, maxOutputTokens: number, price: ModelPrice): number {
  const input = Math.min(inputTokenBound(bodyBytes), price.context_window ?? Number.MAX_SAFE_INTEGER);
  return boundMicros(input, maxOutputTokens, "none", price, STANDARD_TERMS);
}
