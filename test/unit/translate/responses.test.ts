import { describe, expect, it } from "vitest";
import {
  UpstreamFormatError,
  anthropicResponseToOpenAI,
  openAIResponseToAnthropic,
  parseUpstreamError,
  renderErrorBody,
  responseUsage,
} from "../../../runtime/translate";

const completion = (message: Record<string, unknown>, finish = "stop"): Record<string, unknown> => ({
  id: "c",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{ index: 0, message, finish_reason: finish }],
});

describe("non-streaming responses", () => {
  it("rejects an upstream body that breaks its own API as a 502", () => {
    expect(() => openAIResponseToAnthropic({ id: "x" })).toThrow(UpstreamFormatError);
    const badArgs = completion({ role: "assistant", tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{oops" } }] }, "tool_calls");
    expect(() => openAIResponseToAnthropic(badArgs)).toThrow(/not valid JSON/);
    expect(() => openAIResponseToAnthropic(completion({ role: "assistant", content: "x" }, "error"))).toThrow(UpstreamFormatError);
    expect(() => anthropicResponseToOpenAI({ type: "message" })).toThrow(UpstreamFormatError);
    expect(new UpstreamFormatError("x").status).toBe(502);
  });

  it("never invents a thinking signature", () => {
    const out = openAIResponseToAnthropic(completion({ role: "assistant", content: "a", reasoning_content: "r" }));
    expect(out.content[0]).toEqual({ type: "thinking", thinking: "r", signature: "" });
  });

  it("reports the stop sequence found at the end of the text", () => {
    const out = openAIResponseToAnthropic(completion({ role: "assistant", content: "list done\n###" }), { stopSequences: ["#", "###"] });
    expect([out.stop_reason, out.stop_sequence]).toEqual(["stop_sequence", "###"]);
  });

  it("normalizes usage of either shape", () => {
    expect(responseUsage("openai", { usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_cache_hit_tokens: 4 } })).toEqual({
      input_tokens: 6,
      output_tokens: 2,
      cache_read_input_tokens: 4,
      cache_creation_input_tokens: 0,
    });
    expect(responseUsage("anthropic", { usage: { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 5 } })).toEqual({
      input_tokens: 3,
      output_tokens: 4,
      cache_read_input_tokens: 5,
      cache_creation_input_tokens: 0,
    });
    expect(responseUsage("openai", null).output_tokens).toBe(0);
  });
});

describe("upstream error bodies", () => {
  it("classifies by HTTP status and keeps the upstream message", () => {
    expect(parseUpstreamError("openai", 503, '{"error":{"message":"busy","type":"server_error"}}')).toEqual({
      type: "overloaded_error",
      message: "busy",
      retryable: true,
    });
    expect(parseUpstreamError("anthropic", 400, { type: "error", error: { type: "invalid_request_error", message: "bad" } })).toEqual({
      type: "invalid_request_error",
      message: "bad",
      retryable: false,
    });
  });

  it("copes with a body that is not JSON", () => {
    expect(parseUpstreamError("openai", 502, "<html>Bad Gateway</html>")).toEqual({
      type: "api_error",
      message: "<html>Bad Gateway</html>",
      retryable: true,
    });
    expect(parseUpstreamError("openai", 500, "").message).toBe("upstream returned HTTP 500");
  });

  it("renders either shape", () => {
    const error = { type: "rate_limit_error", message: "slow" };
    expect(JSON.parse(renderErrorBody("anthropic", error))).toEqual({ type: "error", error });
    expect(JSON.parse(renderErrorBody("openai", error))).toEqual({
      error: { message: "slow", type: "rate_limit_exceeded", param: null, code: "rate_limit_error" },
    });
  });
});
