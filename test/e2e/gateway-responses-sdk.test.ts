// Contract: the official `openai` SDK's Responses API (`responses.create`, `responses.stream`),
// only baseURL changed, against the real Worker: translated to Anthropic and to an
// OpenAI-compatible host (recorded upstream bodies replayed by a local upstream), billed from
// the upstream's usage, a follow-up turn by `previous_response_id`, and a cap refusal as a
// typed 402.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { chargeFor, expectedCostMicros, expectGatewayHeaders, post, streamText, useGateway, openaiSdkFor } from "../support/gateway-harness";
import { loadRecording, recordingsAvailable } from "../support/upstream-server";

const gw = useGateway();

const { sdk, lastHeaders: headersOfLast } = openaiSdkFor(gw);

const WEATHER: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "weather",
  description: "Current weather for a place",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  strict: false,
};

describe.skipIf(!recordingsAvailable())("openai SDK responses → anthropic (translated)", () => {
  it("responses.stream: recorded thinking as reasoning summary events, the text, usage billed", async () => {
    const recording = loadRecording("anthropic/thinking-stream.sse");
    gw.up.enqueue({ path: "/anthropic/", sse: recording, splitEvery: 61 });
    const stream = sdk().responses.stream({ model: "anthropic/claude-sonnet-4-5", input: "Should I cross on red?", reasoning: { effort: "low" }, max_output_tokens: 3000 });
    let reasoning = "";
    let text = "";
    stream.on("response.reasoning_summary_text.delta", (e) => (reasoning += e.delta));
    stream.on("response.output_text.delta", (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(reasoning.length).toBeGreaterThan(20);
    expect(reasoning).toMatch(/^This is a straightforward question about pedestrian safety/);
    expect(final.output_text).toBe(text);
    expect(text.length).toBeGreaterThan(20);
    expect(final.status).toBe("completed");
    const reasoningItem = final.output.find((o) => o.type === "reasoning");
    expect(reasoningItem?.encrypted_content).toMatch(/.{20,}/); // the thinking's signature, for the next turn

    const [call] = gw.up.calls;
    expect(call?.path).toBe("/anthropic/v1/messages");
    expect(call?.body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 3000, stream: true, thinking: { type: "enabled" } });
    const usage = final.usage;
    expect(usage?.input_tokens).toBe(43);
    expect(usage?.output_tokens).toBeGreaterThan(1);
    expectGatewayHeaders(headersOfLast(), "anthropic");
    const entry = await chargeFor(gw.worker, headersOfLast().get("x-qlaud-request-id") ?? "");
    expect(entry.amount_micros).toBe(-expectedCostMicros("anthropic/claude-sonnet-4-5", { input: usage?.input_tokens ?? 0, output: usage?.output_tokens ?? 0 }));
  });

  it("responses.create: a function-call round trip, the second turn carrying the call and its output back", async () => {
    gw.up.enqueue({ path: "/anthropic/", text: loadRecording("anthropic/tool-use.json") });
    const first = await gw.openai.responses.create({ model: "anthropic/claude-sonnet-4-5", input: "Weather in SF?", tools: [WEATHER], store: false });
    const fc = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === "function_call");
    expect(fc).toBeDefined();
    expect(fc?.name).toBe(JSON.parse(loadRecording("anthropic/tool-use.json")).content.find((b: { type: string }) => b.type === "tool_use").name);
    expect(JSON.parse(fc?.arguments ?? "")).toBeTypeOf("object");
    expect(first.usage?.input_tokens).toBeGreaterThan(0);

    gw.up.enqueue({ path: "/anthropic/", json: { id: "msg_2", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: "It is 18C." }], stop_reason: "end_turn", usage: { input_tokens: 50, output_tokens: 6 } } });
    const second = await gw.openai.responses.create({
      model: "anthropic/claude-sonnet-4-5",
      tools: [WEATHER],
      input: [{ role: "user", content: "Weather in SF?" }, ...first.output, { type: "function_call_output", call_id: fc?.call_id ?? "", output: "18C, sunny" }] as OpenAI.Responses.ResponseInput,
      store: false,
    });
    expect(second.output_text).toBe("It is 18C.");
    const sent = gw.up.calls[1]?.body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.at(-2)).toMatchObject({ role: "assistant", content: expect.arrayContaining([{ type: "tool_use", id: fc?.call_id, name: fc?.name, input: JSON.parse(fc?.arguments ?? "{}") }]) });
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: [{ type: "tool_result", tool_use_id: fc?.call_id, content: "18C, sunny" }] });
  });

  it("previous_response_id: the stored turn comes first on the next one; store: false keeps nothing", async () => {
    gw.up.enqueue({ path: "/anthropic/", json: { id: "msg_a", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [{ type: "text", text: "Hi Ada." }], stop_reason: "end_turn", usage: { input_tokens: 9, output_tokens: 3 } } });
    const first = await gw.openai.responses.create({ model: "anthropic/claude-haiku-4-5", input: "I am Ada.", instructions: "Be brief." });
    gw.up.enqueue({ path: "/anthropic/", json: { id: "msg_b", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [{ type: "text", text: "Ada." }], stop_reason: "end_turn", usage: { input_tokens: 20, output_tokens: 2 } } });
    const second = await gw.openai.responses.create({ model: "anthropic/claude-haiku-4-5", input: "Who am I?", previous_response_id: first.id });
    expect(second.output_text).toBe("Ada.");
    expect(gw.up.calls[1]?.body).toMatchObject({
      messages: [
        { role: "user", content: "I am Ada." },
        { role: "assistant", content: "Hi Ada." },
        { role: "user", content: "Who am I?" },
      ],
    });
    expect(gw.up.calls[1]?.body).not.toHaveProperty("system"); // instructions are not carried over, as OpenAI does

    gw.up.enqueue({ path: "/anthropic/", json: { id: "msg_c", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [{ type: "text", text: "ok" }], stop_reason: "end_turn", usage: { input_tokens: 5, output_tokens: 1 } } });
    const unstored = await gw.openai.responses.create({ model: "anthropic/claude-haiku-4-5", input: "secret", store: false });
    const err = await gw.openai.responses.create({ model: "anthropic/claude-haiku-4-5", input: "again", previous_response_id: unstored.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(gw.up.calls).toHaveLength(3);
    // Errors on this surface are OpenAI's shape, naming the field.
    const raw = await post(gw.worker, "/v1/responses", { model: "anthropic/claude-haiku-4-5", input: "again", previous_response_id: unstored.id });
    expect(await raw.json()).toEqual({ error: { message: expect.stringContaining(unstored.id), type: "invalid_request_error", code: "not_found_error", param: "previous_response_id" } });
  });
});

describe.skipIf(!recordingsAvailable())("openai SDK responses → an OpenAI-compatible host (translated to Chat Completions)", () => {
  it("responses.stream: the recorded text, its usage billed, headers as on the other surfaces", async () => {
    const recording = loadRecording("groq/x-groq-usage.sse");
    gw.up.enqueue({ path: "/groq/", sse: recording, splitEvery: 50 });
    const res = await post(gw.worker, "/v1/responses", { model: "groq/llama-3.3-70b-versatile", input: "Hola", stream: true, max_output_tokens: 100 });
    expect(res.status).toBe(200);
    expectGatewayHeaders(res.headers, "groq");
    const text = await res.text();
    const events = text.split("\n\n").filter((b) => b.startsWith("event: ")).map((b) => JSON.parse(b.slice(b.indexOf("data: ") + 6)) as { type: string; delta?: string; response?: OpenAI.Responses.Response });
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("")).toBe(streamText(recording));
    const done = events.at(-1);
    expect(done?.type).toBe("response.completed");
    const [call] = gw.up.calls;
    expect(call?.path).toBe("/groq/v1/chat/completions");
    expect(call?.body).toMatchObject({ model: "llama-3.3-70b-versatile", max_tokens: 100, stream: true, stream_options: { include_usage: true } });
    const entry = await chargeFor(gw.worker, res.headers.get("x-qlaud-request-id") ?? "");
    const u = done?.response?.usage;
    expect(u?.input_tokens).toBeGreaterThan(0);
    expect(entry.amount_micros).toBe(-expectedCostMicros("groq/llama-3.3-70b-versatile", { input: u?.input_tokens ?? 0, output: u?.output_tokens ?? 0 }));
  });

  it("responses.stream: DeepSeek's recorded reasoning_content as reasoning summary events, then the answer", async () => {
    const recording = loadRecording("deepseek/reasoning-content.sse");
    gw.up.enqueue({ path: "/deepseek/", sse: recording, splitEvery: 80 });
    const stream = sdk().responses.stream({ model: "deepseek/deepseek-reasoner", input: "Hi", reasoning: { effort: "medium" } });
    let reasoning = "";
    stream.on("response.reasoning_summary_text.delta", (e) => (reasoning += e.delta));
    const final = await stream.finalResponse();
    expectGatewayHeaders(headersOfLast(), "deepseek");
    const chunks = recording.split("\n\n").filter((b) => b.startsWith("data: {")).map((b) => JSON.parse(b.slice(6)) as { choices: Array<{ delta: { reasoning_content?: string | null } }> });
    expect(reasoning).toBe(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join(""));
    expect(reasoning.length).toBeGreaterThan(10);
    expect(final.output_text).toBe(streamText(recording));
    expect(final.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it("responses.create: a function-call round trip over Chat Completions", async () => {
    gw.up.enqueue({ path: "/groq/", json: { id: "c1", object: "chat.completion", created: 1, model: "llama-3.3-70b-versatile", choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "call_9", type: "function", function: { name: "weather", arguments: '{"location":"Oslo"}' } }] }, finish_reason: "tool_calls" }], usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 } } });
    const first = await sdk().responses.create({ model: "groq/llama-3.3-70b-versatile", input: "Weather in Oslo?", tools: [WEATHER] });
    expect(first.output).toEqual([expect.objectContaining({ type: "function_call", call_id: "call_9", name: "weather", arguments: '{"location":"Oslo"}' })]);
    gw.up.enqueue({ path: "/groq/", json: { id: "c2", object: "chat.completion", created: 1, model: "llama-3.3-70b-versatile", choices: [{ index: 0, message: { role: "assistant", content: "Cold." }, finish_reason: "stop" }], usage: { prompt_tokens: 50, completion_tokens: 2, total_tokens: 52 } } });
    const second = await sdk().responses.create({ model: "groq/llama-3.3-70b-versatile", tools: [WEATHER], previous_response_id: first.id, input: [{ type: "function_call_output", call_id: "call_9", output: "-3C" }] });
    expect(second.output_text).toBe("Cold.");
    expect((gw.up.calls[1]?.body as { messages: unknown[] }).messages).toEqual([
      { role: "user", content: "Weather in Oslo?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_9", type: "function", function: { name: "weather", arguments: '{"location":"Oslo"}' } }] },
      { role: "tool", tool_call_id: "call_9", content: "-3C" },
    ]);
  });

  it("responses.create with the SDK: text and usage", async () => {
    gw.up.enqueue({ path: "/groq/", json: { id: "c1", object: "chat.completion", created: 1, model: "llama-3.3-70b-versatile", choices: [{ index: 0, message: { role: "assistant", content: "Hola!" }, finish_reason: "stop" }], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } } });
    const r = await gw.openai.responses.create({ model: "groq/llama-3.3-70b-versatile", input: "Hola" });
    expect(r.output_text).toBe("Hola!");
    expect(r.usage).toMatchObject({ input_tokens: 7, output_tokens: 2, total_tokens: 9 });
  });
});

describe.skipIf(!recordingsAvailable())("fallback and failures on the Responses surface", () => {
  it("an alias falls back before the first content, as on the other surfaces, and the answer names the provider that served", async () => {
    gw.up.enqueue({ path: "/together/", status: 529, text: loadRecording("anthropic/error-529-overloaded.json") });
    gw.up.enqueue({ path: "/fireworks/", sse: loadRecording("groq/x-groq-usage.sse") });
    const res = await post(gw.worker, "/v1/responses", { model: "llama-3.3-70b", input: "Hola", stream: true });
    expect(res.status).toBe(200);
    expectGatewayHeaders(res.headers, "fireworks");
    expect(await res.text()).toContain("event: response.completed");
    expect(gw.up.calls.map((c) => c.path)).toEqual(["/together/v1/chat/completions", "/fireworks/v1/chat/completions"]);
  });

  it("an upstream error mid-stream ends the stream with response.failed, never response.completed", async () => {
    gw.up.enqueue({ path: "/anthropic/", sse: loadRecording("anthropic/error-event-mid-stream-partial.sse") });
    const res = await post(gw.worker, "/v1/responses", { model: "anthropic/claude-haiku-4-5", input: "Hi", stream: true });
    const text = await res.text();
    expect(text).toContain("event: response.failed");
    expect(text).not.toContain("event: response.completed");
    const failed = text.split("\n\n").find((b) => b.startsWith("event: response.failed")) ?? "";
    expect(JSON.parse(failed.slice(failed.indexOf("data: ") + 6))).toMatchObject({ response: { status: "failed", error: { code: expect.any(String), message: expect.any(String) } } });
  });
});

describe("a cap refusal", () => {
  it("is a typed 402 before anything is sent", async () => {
    const made = await post(gw.worker, "/v1/keys", { name: "tiny", scope: "standard", max_spend_usd: 0.000001 });
    expect(made.status).toBe(201);
    const { secret } = (await made.json()) as { secret: string };
    const client = new OpenAI({ baseURL: `${gw.worker.url}/v1`, apiKey: secret });
    const err = await client.responses.create({ model: "openai/gpt-4o", input: "Write a novel.", max_output_tokens: 16000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(gw.up.calls).toHaveLength(0);
  });
});
