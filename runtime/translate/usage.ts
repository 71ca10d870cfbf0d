// Token usage between the two conventions.
// OpenAI: prompt_tokens includes cached reads (and, on OpenRouter, cache writes);
// completion_tokens includes reasoning tokens (xAI is the exception, see below).
// Anthropic: input_tokens excludes cache reads and writes, which are reported apart.
import type { TokenUsage } from "./ir";
import { isRecord, num } from "./json";

/**
 * No usage report becomes more than this many tokens: ten times the largest context window
 * in the catalog (a server-tool loop re-reads its context), and far below where micro-dollar
 * sums leave the safe-integer range.
 */
export const MAX_REPORTED_TOKENS = 20_000_000;

/**
 * A token count as billed: what an upstream reports is untrusted, so a negative, NaN,
 * non-numeric or fractional count, or an absurd one, must not turn into a negative, NaN or
 * unbounded cost. Fractions round up (never under-bill by a rounding); the rest clamps.
 */
function count(value: unknown): number {
  const n = num(value);
  return n !== undefined && n > 0 ? Math.min(Math.ceil(n), MAX_REPORTED_TOKENS) : 0;
}

/** Like count(), but undefined when the field is absent or not a number (so an earlier report stands). */
function countIfSent(value: unknown): number | undefined {
  return num(value) === undefined ? undefined : count(value);
}

/** Uses of provider-run tools from Anthropic's `server_tool_use: {web_search_requests, web_fetch_requests, …}`. */
function serverToolUses(value: unknown): Record<string, number> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    const uses = count(v);
    if (k.endsWith("_requests") && uses > 0) out[k.slice(0, -"_requests".length)] = uses;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** IR usage from an OpenAI-shaped usage object (also Groq's x_groq.usage, DeepSeek's). */
export function usageFromOpenAI(u: Record<string, unknown>): TokenUsage {
  const prompt = count(u["prompt_tokens"]);
  const completion = count(u["completion_tokens"]);
  const promptDetails = isRecord(u["prompt_tokens_details"]) ? u["prompt_tokens_details"] : undefined;
  const completionDetails = isRecord(u["completion_tokens_details"]) ? u["completion_tokens_details"] : undefined;
  // DeepSeek reports cache hits as prompt_cache_hit_tokens (and also, newer, in details).
  const cachedRaw = Math.max(count(promptDetails?.["cached_tokens"]), count(u["prompt_cache_hit_tokens"]));
  const cached = Math.min(cachedRaw, prompt);
  const cacheWrite = Math.min(count(promptDetails?.["cache_write_tokens"]), prompt - cached);
  const reasoningRaw = num(completionDetails?.["reasoning_tokens"]);
  const reasoning = count(reasoningRaw);
  let output = completion;
  // xAI reports reasoning apart from completion_tokens: total = prompt + completion + reasoning.
  // Anthropic's output_tokens (and billing) include thinking, so add it back.
  const total = num(u["total_tokens"]);
  if (reasoning > 0 && total !== undefined && total === prompt + completion + reasoning) output = Math.min(output + reasoning, MAX_REPORTED_TOKENS);
  const usage: TokenUsage = {
    input_tokens: prompt - cached - cacheWrite,
    output_tokens: output,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: cacheWrite,
  };
  if (reasoningRaw !== undefined) usage.reasoning_tokens = reasoning;
  return usage;
}

/** IR usage from an Anthropic usage object, on top of what was known before (`base`). */
export function usageFromAnthropic(u: Record<string, unknown>, base?: TokenUsage): TokenUsage {
  const pick = (key: "input_tokens" | "output_tokens" | "cache_read_input_tokens" | "cache_creation_input_tokens"): number =>
    countIfSent(u[key]) ?? base?.[key] ?? 0;
  const usage: TokenUsage = {
    input_tokens: pick("input_tokens"),
    output_tokens: pick("output_tokens"),
    cache_read_input_tokens: pick("cache_read_input_tokens"),
    cache_creation_input_tokens: pick("cache_creation_input_tokens"),
  };
  const details = isRecord(u["output_tokens_details"]) ? u["output_tokens_details"] : undefined;
  const thinking = countIfSent(details?.["thinking_tokens"]) ?? base?.reasoning_tokens;
  if (thinking !== undefined) usage.reasoning_tokens = thinking;
  // The 1-hour share of the cache writes (`cache_creation.ephemeral_1h_input_tokens`), never more than the writes themselves.
  const creation = isRecord(u["cache_creation"]) ? u["cache_creation"] : undefined;
  const oneHour = Math.min(countIfSent(creation?.["ephemeral_1h_input_tokens"]) ?? base?.cache_creation_1h_input_tokens ?? 0, usage.cache_creation_input_tokens);
  if (oneHour > 0) usage.cache_creation_1h_input_tokens = oneHour;
  const tools = serverToolUses(u["server_tool_use"]) ?? base?.server_tool_uses;
  if (tools !== undefined) usage.server_tool_uses = tools;
  return usage;
}

/** OpenAI usage object (key order as OpenAI sends it). */
export function usageToOpenAI(u: TokenUsage): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
} {
  const prompt = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  const out: ReturnType<typeof usageToOpenAI> = {
    prompt_tokens: prompt,
    completion_tokens: u.output_tokens,
    total_tokens: prompt + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cache_read_input_tokens },
  };
  if (u.reasoning_tokens !== undefined) out.completion_tokens_details = { reasoning_tokens: u.reasoning_tokens };
  return out;
}

/** Anthropic usage object (key order as Anthropic sends it; thinking tokens when known). */
export function usageToAnthropic(u: TokenUsage): {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
} {
  const out: ReturnType<typeof usageToAnthropic> = {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    output_tokens: u.output_tokens,
  };
  if (u.reasoning_tokens !== undefined) out.output_tokens_details = { thinking_tokens: u.reasoning_tokens };
  return out;
}
