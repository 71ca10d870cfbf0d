import { describe, expect, it } from "vitest";
import { TranslateError, anthropicRequestToOpenAI, openAIRequestToAnthropic } from "../../../runtime/translate";
import type { AnthropicMessagesRequest, ChatCompletionRequest } from "../../../runtime/translate";

function translateError(fn: () => unknown): TranslateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TranslateError) return err;
    throw err;
  }
  throw new Error("expected a TranslateError");
}

const anthropicRequest: AnthropicMessagesRequest = {
  model: "claude",
  max_tokens: 2000,
  system: "Sys",
  temperature: 0.3,
  stop_sequences: ["X"],
  metadata: { user_id: "u" },
  tools: [{ name: "f", description: "d", input_schema: { type: "object", properties: { a: { type: "string" } } } }],
  tool_choice: { type: "tool", name: "f" },
  messages: [
    { role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { type: "url", url: "https://x/y.png" } }] },
    { role: "assistant", content: [{ type: "text", text: "ok" }, { type: "tool_use", id: "t1", name: "f", input: { a: "b" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "done" }, { type: "text", text: "next" }] },
  ],
};

describe("request translation", () => {
  it("round-trips Anthropic → OpenAI → Anthropic for everything both sides express", () => {
    const there = anthropicRequestToOpenAI(anthropicRequest);
    const back = openAIRequestToAnthropic(there);
    expect(back).toEqual(anthropicRequest);
  });

  it("round-trips OpenAI → Anthropic → OpenAI for everything both sides express", () => {
    const req: ChatCompletionRequest = {
      model: "gpt",
      messages: [
        { role: "system", content: "Sys" },
        { role: "user", content: "hi" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
        { role: "tool", tool_call_id: "c1", content: "r" },
      ],
      max_tokens: 100,
      top_p: 0.5,
      stop: ["S"],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      user: "u",
      stream: true,
      stream_options: { include_usage: true },
    };
    expect(anthropicRequestToOpenAI(openAIRequestToAnthropic(req))).toEqual(req);
  });

  it("always asks a streaming OpenAI upstream for usage", () => {
    const out = anthropicRequestToOpenAI({ ...anthropicRequest, stream: true });
    expect(out.stream).toBe(true);
    expect(out.stream_options).toEqual({ include_usage: true });
    expect(anthropicRequestToOpenAI(anthropicRequest).stream_options).toBeUndefined();
  });

  it("maps thinking budgets to reasoning effort and back", () => {
    const effort = (budget: number): string | undefined =>
      anthropicRequestToOpenAI({ ...anthropicRequest, max_tokens: 40000, thinking: { type: "enabled", budget_tokens: budget } }).reasoning_effort;
    expect([1024, 2048, 4000, 8192, 10000, 31999].map(effort)).toEqual(["low", "low", "medium", "medium", "high", "high"]);
    const budget = (e: "low" | "medium" | "high"): unknown =>
      openAIRequestToAnthropic({ model: "o", messages: [{ role: "user", content: "x" }], reasoning_effort: e, max_completion_tokens: 40000 }).thinking;
    expect(budget("low")).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(budget("medium")).toEqual({ type: "enabled", budget_tokens: 8192 });
    expect(budget("high")).toEqual({ type: "enabled", budget_tokens: 16384 });
  });

  it("raises a 400 naming the field for anything that cannot be mapped", () => {
    const cases: Array<[() => unknown, string]> = [
      [() => anthropicRequestToOpenAI({ ...anthropicRequest, messages: "hi" }), "messages"],
      [
        () => anthropicRequestToOpenAI({ ...anthropicRequest, messages: [{ role: "user", content: [{ type: "text" }] }] }),
        "messages[0].content[0].text",
      ],
      [() => anthropicRequestToOpenAI({ ...anthropicRequest, mcp_servers: [{ type: "url", url: "https://m", name: "m" }] }), "mcp_servers"],
      [() => openAIRequestToAnthropic({ model: "m", messages: [], n: 3 }), "n"],
      [() => openAIRequestToAnthropic({ model: "m", messages: [], tools: [{ type: "custom", custom: {} }] }), "tools[0].type"],
      [() => openAIRequestToAnthropic({ model: 5, messages: [] }), "model"],
    ];
    for (const [fn, param] of cases) {
      const err = translateError(fn);
      expect(err.status).toBe(400);
      expect(err.param).toBe(param);
      expect(err.message).toContain(param);
    }
  });

  it("drops fields without a counterpart instead of refusing them (field-policy.ts)", () => {
    const plain = anthropicRequestToOpenAI(anthropicRequest);
    expect(anthropicRequestToOpenAI({ ...anthropicRequest, top_k: 3, context_management: {} })).toEqual(plain);
    const chat = openAIRequestToAnthropic({ model: "m", messages: [] });
    expect(openAIRequestToAnthropic({ model: "m", messages: [], presence_penalty: 0.5, top_logprobs: 2, store: true })).toEqual(chat);
  });

  it("lets the gateway relax specific fields by policy", () => {
    expect(() => anthropicRequestToOpenAI({ ...anthropicRequest, top_k: 3 }, { ignoreFields: ["top_k"] })).not.toThrow();
    expect(() => openAIRequestToAnthropic({ model: "m", messages: [], seed: 1 }, { ignoreFields: ["seed"] })).not.toThrow();
  });

  it("uses the model override and the requested max-tokens field", () => {
    const out = anthropicRequestToOpenAI(anthropicRequest, { model: "gpt-5", maxTokensField: "max_completion_tokens" });
    expect(out.model).toBe("gpt-5");
    expect(out.max_completion_tokens).toBe(2000);
    expect(out.max_tokens).toBeUndefined();
  });
});
