import { describe, expect, it } from "vitest";
import { createStreamTranslator, createUsageTap, translateStream } from "../../../runtime/translate";
import { checkAnthropicOutput, checkOpenAIOutput, frames } from "./helpers";

const HEAD = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":';
const chunk = (delta: string, finish = "null"): string => `data: ${HEAD}${delta},"finish_reason":${finish}}]}\n\n`;
const usageChunk = (usage: string): string => `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":${usage}}\n\n`;
const OPTS = { messageId: "id1", created: 1 };

describe("streaming translator", () => {
  it("emits exactly one message_start, as early as the first choice chunk", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    const first = t.push(chunk('{"role":"assistant","content":""}'));
    expect(frames(first).map((f) => f.event)).toEqual(["message_start"]);
    expect(t.sawContent).toBe(false);
    const second = t.push(chunk('{"content":"Hi"}'));
    expect(frames(second).map((f) => f.event)).toEqual(["content_block_start", "content_block_delta"]);
    expect(t.sawContent).toBe(true);
  });

  it("writes text deltas with Anthropic's exact key order", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    const out = t.push(chunk('{"content":"a\\"b"}'));
    expect(out).toContain(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\"b"}}\n\n',
    );
  });

  it("holds message_delta until usage can be reported, then ends on [DONE]", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    t.push(chunk('{"content":"Hi"}'));
    const atFinish = t.push(chunk("{}", '"stop"'));
    expect(frames(atFinish).map((f) => f.event)).toEqual(["content_block_stop"]);
    expect(t.stopReason).toBe("end_turn");
    expect(t.push(usageChunk('{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}'))).toBe("");
    expect(t.usage.input_tokens).toBe(5);
    const done = t.push("data: [DONE]\n\n");
    expect(frames(done).map((f) => f.event)).toEqual(["message_delta", "message_stop"]);
    expect(t.end()).toBe("");
    expect(t.done).toBe(true);
  });

  it("reports usage seen so far before the stream ends (for settling on disconnect)", () => {
    const t = createStreamTranslator("anthropic", "openai", OPTS);
    t.push(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":11,"output_tokens":1}}}\n\n',
    );
    expect(t.usage).toMatchObject({ input_tokens: 11, output_tokens: 1 });
    expect(t.done).toBe(false);
  });

  it("marks an error before any content as retryable, and after content as not", () => {
    const before = createStreamTranslator("anthropic", "openai", OPTS);
    before.push('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    expect(before.upstreamError).toEqual({ type: "overloaded_error", message: "Overloaded", retryable: true });
    expect(before.sawContent).toBe(false);

    const rate = createStreamTranslator("openai", "anthropic", OPTS);
    rate.push('data: {"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}\n\n');
    expect(rate.upstreamError).toEqual({ type: "rate_limit_error", message: "slow down", retryable: true });

    const invalid = createStreamTranslator("openai", "anthropic", OPTS);
    invalid.push('data: {"error":{"message":"bad","type":"invalid_request_error","code":null}}\n\n');
    expect(invalid.upstreamError?.retryable).toBe(false);

    const after = createStreamTranslator("openai", "anthropic", OPTS);
    after.push(chunk('{"content":"partial"}'));
    after.push('data: {"error":{"message":"Overloaded","type":"overloaded_error","code":529}}\n\n');
    expect(after.upstreamError).toEqual({ type: "overloaded_error", message: "Overloaded", retryable: false });
  });

  it("turns a stream cut before its finish into an error event, never a success", () => {
    const cutMidJson = createStreamTranslator("openai", "anthropic", OPTS);
    const before = cutMidJson.push(`${chunk('{"content":"Hal"}')}data: ${HEAD}{"content":"f`);
    expect(frames(before).map((f) => f.event)).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    expect(frames(cutMidJson.end()).map((f) => f.event)).toEqual(["error"]);
    expect(cutMidJson.stopReason).toBeUndefined();
    expect(cutMidJson.upstreamError).toMatchObject({ type: "api_error", retryable: false });

    const noFinish = createStreamTranslator("openai", "anthropic", OPTS);
    noFinish.push(chunk('{"content":"Hal"}'));
    expect(frames(noFinish.push("data: [DONE]\n\n")).map((f) => f.event)).toEqual(["error"]);
    expect(noFinish.upstreamError?.message).toContain("without a finish_reason");
  });

  it("ignores input after the stream ended", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    t.push(chunk('{"content":"x"}', '"stop"'));
    t.push("data: [DONE]\n\n");
    expect(t.push(chunk('{"content":"late"}'))).toBe("");
    expect(t.end()).toBe("");
  });

  it("fails loudly when tool arguments arrive for a call that was already closed", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    let out = t.push(chunk('{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{"}}]}'));
    out += t.push(chunk('{"tool_calls":[{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]}'));
    out += t.push(chunk('{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]}'));
    expect(frames(out).pop()?.event).toBe("error");
    expect(t.upstreamError?.message).toContain("tool call 0");
  });

  it("treats a reused tool index with a new id as a new call", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    let out = t.push(chunk('{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{\\"x\\":1}"}}]}'));
    out += t.push(chunk('{"tool_calls":[{"index":0,"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]}'));
    out += t.push(chunk("{}", '"tool_calls"'));
    out += t.end();
    const sum = checkAnthropicOutput(out);
    expect(sum.tools).toEqual([
      { id: "a", name: "f", args: '{"x":1}' },
      { id: "b", name: "g", args: "{}" },
    ]);
  });

  it("handles tool calls without an index by their id", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    let out = t.push(chunk('{"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{\\"x\\""}}]}'));
    out += t.push(chunk('{"tool_calls":[{"function":{"arguments":":1}"}}]}'));
    out += t.push(chunk('{"tool_calls":[{"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]}'));
    out += t.push(chunk("{}", '"tool_calls"')) + t.end();
    expect(checkAnthropicOutput(out).tools.map((x) => x.args)).toEqual(['{"x":1}', "{}"]);
  });

  it("closes a thinking block before text and opens a new one if reasoning resumes", () => {
    const t = createStreamTranslator("openai", "anthropic", OPTS);
    let out = t.push(chunk('{"reasoning_content":"a"}') + chunk('{"content":"b"}') + chunk('{"reasoning_content":"c"}'));
    out += t.push(chunk("{}", '"stop"')) + t.end();
    const kinds = frames(out)
      .filter((f) => f.event === "content_block_start")
      .map((f) => (JSON.parse(f.data) as { content_block: { type: string } }).content_block.type);
    expect(kinds).toEqual(["thinking", "text", "thinking"]);
    checkAnthropicOutput(out);
  });

  it("can leave out the final usage chunk for OpenAI clients that did not ask for it", () => {
    const t = createStreamTranslator("anthropic", "openai", { ...OPTS, includeUsage: false });
    const out = t.push(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    const sum = checkOpenAIOutput(out);
    expect(sum.usage).toBeUndefined();
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("passes strings and bytes through a usage tap unchanged", () => {
    const tap = createUsageTap("openai");
    const text = chunk('{"content":"x"}', '"stop"');
    expect(tap.push(text)).toBe(text);
    const bytes = new TextEncoder().encode(usageChunk('{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}'));
    expect(tap.push(bytes)).toBe(bytes);
    expect(tap.usage.input_tokens).toBe(3);
    expect(tap.stopReason).toBe("end_turn");
    expect(tap.sawContent).toBe(true);
  });

  it("works as a TransformStream over bytes", async () => {
    const { readable, writable, state } = translateStream("openai", "anthropic", OPTS);
    const writer = writable.getWriter();
    const input = new TextEncoder().encode(
      chunk('{"content":"Olá"}', '"stop"') + usageChunk('{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}') + "data: [DONE]\n\n",
    );
    const reading = new Response(readable).text();
    for (let i = 0; i < input.length; i += 7) await writer.write(input.slice(i, i + 7));
    await writer.close();
    const out = await reading;
    expect(checkAnthropicOutput(out).text).toBe("Olá");
    expect(state.usage.input_tokens).toBe(2);
    expect(state.stopReason).toBe("end_turn");
  });

  it("ends a TransformStream that was cut with an error event", async () => {
    const { readable, writable, state } = translateStream("anthropic", "openai", OPTS);
    const writer = writable.getWriter();
    const reading = new Response(readable).text();
    await writer.write(new TextEncoder().encode('event: message_start\ndata: {"type":"message_start","message":{"id":"m"}}\n\n'));
    await writer.close();
    expect(frames(await reading).pop()?.data).toContain('"error"');
    expect(state.upstreamError?.retryable).toBe(true);
  });
});
