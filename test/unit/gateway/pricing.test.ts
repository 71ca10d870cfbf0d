import { describe, expect, it } from "vitest";
import { providers, type ModelPrice } from "../../../generated/providers/catalog";
import { costMicros } from "../../../runtime/gateway/pricing";
import { usageFromAnthropic } from "../../../runtime/translate/usage";

const sonnet = providers.anthropic?.models["claude-sonnet-4-5"] as ModelPrice;
const gpt4o = providers.openai?.models["gpt-4o"] as ModelPrice;

describe("cost of what the provider reports", () => {
  it("Anthropic cache writes: 5-minute at 1.25× input, 1-hour at 2×, from usage.cache_creation", () => {
    const usage = usageFromAnthropic({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 1_000_000, cache_creation: { ephemeral_5m_input_tokens: 400_000, ephemeral_1h_input_tokens: 600_000 } });
    // $3 input: 400k × $3.75 + 600k × $6 = $1.50 + $3.60.
    expect(costMicros(usage, sonnet)).toBe(1_500_000 + 3_600_000);
  });

  it('service_tier "priority" bills the priority price list', () => {
    const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    expect(costMicros(usage, gpt4o)).toBe(12_500_000);
    expect(costMicros(usage, gpt4o, { tier: "priority", serverTools: [] })).toBe(21_250_000);
  });

  it("server-tool fees: uses reported when the provider reports them, the bound when it does not", () => {
    const usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, server_tool_uses: { web_search: 3 } };
    expect(costMicros(usage, sonnet, { tier: "standard", serverTools: [{ type: "web_search", microsPerUse: 10_000, maxUses: 5, reported: true }] })).toBe(30_000);
    expect(costMicros(usage, gpt4o, { tier: "standard", serverTools: [{ type: "web_search", microsPerUse: 25_000, maxUses: 1, reported: false }] })).toBe(25_000);
  });
});
