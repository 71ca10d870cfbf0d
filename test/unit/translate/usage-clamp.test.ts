import { describe, expect, it } from "vitest";
import { providers, type ModelPrice } from "../../../generated/providers/catalog";
import { costMicros } from "../../../runtime/gateway/pricing";
import { MAX_REPORTED_TOKENS, usageFromAnthropic, usageFromOpenAI } from "../../../runtime/translate/usage";

// A malformed usage report from an upstream never becomes a negative, NaN or unbounded cost.
const price = providers.anthropic?.models["claude-sonnet-4-5"] as ModelPrice;
const hostile: Record<string, unknown>[] = [
  { input_tokens: -5_000_000, output_tokens: Number.NaN, cache_read_input_tokens: "12", cache_creation_input_tokens: -1 },
  { input_tokens: 1e300, output_tokens: Number.POSITIVE_INFINITY, cache_creation_input_tokens: 2.5, cache_creation: { ephemeral_1h_input_tokens: 1e12 } },
  { prompt_tokens: -10, completion_tokens: 1e300, prompt_tokens_details: { cached_tokens: -3, cache_write_tokens: 1e300 }, completion_tokens_details: { reasoning_tokens: -7 } },
  { input_tokens: null, output_tokens: {}, server_tool_use: { web_search_requests: -4 } },
];

describe("usage parsers clamp what upstreams report", () => {
  it.each(hostile)("malformed usage %j: every count a non-negative integer within bounds, the cost finite and ≥ 0", (u) => {
    for (const usage of [usageFromAnthropic(u), usageFromOpenAI(u)]) {
      for (const v of [usage.input_tokens, usage.output_tokens, usage.cache_read_input_tokens, usage.cache_creation_input_tokens, usage.cache_creation_1h_input_tokens ?? 0]) {
        expect(Number.isSafeInteger(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(MAX_REPORTED_TOKENS);
      }
      const cost = costMicros(usage, price);
      expect(Number.isSafeInteger(cost)).toBe(true);
      expect(cost).toBeGreaterThanOrEqual(0);
    }
  });

  it("a fractional count rounds up, and the 1-hour share of cache writes never exceeds the writes", () => {
    const u = usageFromAnthropic({ input_tokens: 2.1, output_tokens: 0, cache_creation_input_tokens: 10, cache_creation: { ephemeral_1h_input_tokens: 50 } });
    expect(u.input_tokens).toBe(3);
    expect(u.cache_creation_1h_input_tokens).toBe(10);
  });
});
