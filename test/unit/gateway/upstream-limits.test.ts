// What the forwarded body says about output: the held bound's limit where the client set one
// or where the budget is below the model's own maximum; nothing added when the model's own
// maximum is the limit anyway (the body keeps the client's shape).
import { describe, expect, it } from "vitest";
import { providers } from "../../../generated/providers/catalog";
import { limitUpstream } from "../../../runtime/gateway/upstream-limits";

const openai = providers["openai"]!;
const anthropic = providers["anthropic"]!;
const ask = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

describe("limitUpstream", () => {
  it("adds no limit field when the budget pays for the model's whole output window", () => {
    expect(limitUpstream(ask, "openai", 16_384, openai, 16_384)).toEqual(ask);
  });

  it("adds the provider's limit field when the budget pays for less than the model's maximum", () => {
    expect(limitUpstream(ask, "openai", 2_000, openai, 16_384)).toEqual({ ...ask, max_completion_tokens: 2_000 });
  });

  it("writes the held limit into every limit field the client sent (max_completion_tokens: 1 with max_tokens: 16000)", () => {
    const body = { ...ask, max_completion_tokens: 1, max_tokens: 16_000 };
    expect(limitUpstream(body, "openai", 16_000, openai, 16_384)).toMatchObject({ max_completion_tokens: 16_000, max_tokens: 16_000 });
  });

  it("gives Anthropic's web search the priced number of uses when the client set none", () => {
    const body = { model: "claude-opus-4-5", max_tokens: 10, messages: [], tools: [{ type: "web_search_20250305", name: "web_search" }] };
    const out = limitUpstream(body, "anthropic", 10, anthropic, 64_000);
    expect((out.tools as { max_uses?: number }[])[0]?.max_uses).toBeGreaterThan(0);
  });
});
