import { describe, expect, it } from "vitest";
import { workersAiFetch, type AiRunner } from "../../../runtime/gateway/workers-ai";
import { createStreamTranslator } from "../../../runtime/translate";

const enc = new TextEncoder();
const fakeAi = (result: unknown, seen: { model?: string; inputs?: Record<string, unknown> } = {}): AiRunner => ({
  async run(model, inputs) {
    seen.model = model;
    seen.inputs = inputs;
    return typeof result === "function" ? (result as () => unknown)() : result;
  },
});
const sse = (events: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      // split mid-event to prove the adapter parses across chunk boundaries
      const all = events.map((e) => `data: ${e}\n\n`).join("");
      c.enqueue(enc.encode(all.slice(0, 17)));
      c.enqueue(enc.encode(all.slice(17)));
      c.close();
    },
  });
const signal = new AbortController().signal;

describe("Workers AI binding adapter", () => {
  it("maps a classic non-streaming answer to a chat.completion with usage, passing only known inputs", async () => {
    const seen: { model?: string; inputs?: Record<string, unknown> } = {};
    const ai = fakeAi({ response: "Hi there", usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }, seen);
    const res = await workersAiFetch(ai, "@cf/meta/llama-3.1-8b-instruct-fp8-fast", { model: "x", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 9, stream_options: { include_usage: true } }, signal);
    const body = (await res.json()) as { choices: { message: { content: string }; finish_reason: string }[]; usage: unknown };
    expect(body.choices[0]?.message.content).toBe("Hi there");
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    expect(seen.model).toBe("@cf/meta/llama-3.1-8b-instruct-fp8-fast");
    expect(seen.inputs).toEqual({ messages: [{ role: "user", content: "hi" }], max_tokens: 9 });
  });

  it("maps tool calls and finishes with tool_calls", async () => {
    const ai = fakeAi({ tool_calls: [{ name: "get_weather", arguments: { city: "Oslo" } }], usage: { prompt_tokens: 3, completion_tokens: 4 } });
    const res = await workersAiFetch(ai, "m", { messages: [] }, signal);
    const body = (await res.json()) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] }; finish_reason: string }[] };
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(body.choices[0]?.message.tool_calls[0]?.function).toEqual({ name: "get_weather", arguments: '{"city":"Oslo"}' });
  });

  it("turns a classic stream into OpenAI chunks that the translator reads as a complete answer", async () => {
    const ai = fakeAi(() => sse(['{"response":"Hel"}', '{"response":"lo"}', '{"response":"","usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}', "[DONE]"]));
    const res = await workersAiFetch(ai, "m", { messages: [], stream: true }, signal);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    const tr = createStreamTranslator("openai", "anthropic");
    const out = tr.push(text) + tr.end();
    expect(out).toContain('"text":"Hel"');
    expect(tr.stopReason).toBe("end_turn");
    expect(tr.usage).toMatchObject({ input_tokens: 4, output_tokens: 2 });
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("passes OpenAI-shaped answers through unchanged", async () => {
    const completion = { id: "c1", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] };
    const res = await workersAiFetch(fakeAi(completion), "m", { messages: [] }, signal);
    expect(await res.json()).toEqual(completion);
  });
});
