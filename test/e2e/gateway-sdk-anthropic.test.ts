// Contract: the official `@anthropic-ai/sdk`, with only baseURL and apiKey changed, against
// the real Worker. Anthropic passes through; OpenAI-shaped providers are translated both
// ways; upstream bodies are the real recorded corpus replayed by a local upstream.
import type Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { expectedCostMicros, expectGatewayHeaders, providerKey, streamText, useGateway } from "../support/gateway-harness";
import { loadRecording, recordingsAvailable } from "../support/upstream-server";

const gw = useGateway();

const WEATHER: Anthropic.Tool = {
  name: "weather",
  description: "Current weather for a place",
  input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};

const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === "text" ? b.text : "")).join("");
const toolUses = (m: Anthropic.Message) => m.content.flatMap((b) => (b.type === "tool_use" ? [[b.name, b.input]] : []));

describe.skipIf(!recordingsAvailable())("anthropic SDK → anthropic/claude-sonnet-4-5 (pass-through, recorded bodies)", () => {
  it("streams the recorded text; finalMessage has the stop reason and usage", async () => {
    const recording = loadRecording("anthropic/text-stream.sse");
    gw.up.enqueue({ path: "/anthropic/", sse: recording, splitEvery: 77 });
    const final = await gw.anthropic.messages
      .stream({ model: "anthropic/claude-sonnet-4-5", max_tokens: 200, system: "Answer in Portuguese.", messages: [{ role: "user", content: "Say hi" }] })
      .finalMessage();
    expect(textOf(final)).toBe(streamText(recording));
    expect(textOf(final)).toMatch(/^Olá!/);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: 16, output_tokens: 38 });

    const [call] = gw.up.calls;
    expect(gw.up.calls).toHaveLength(1);
    expect(call?.path).toBe("/anthropic/v1/messages");
    expect(call?.headers["x-api-key"]).toBe(providerKey("anthropic"));
    expect(call?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(JSON.stringify(call?.headers)).not.toContain(gw.worker.masterKey); // the caller's key never goes upstream
    expect(call?.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      system: "Answer in Portuguese.",
      messages: [{ role: "user", content: "Say hi" }],
      stream: true,
    });
  });

  it("streams text then a tool_use whose input is assembled from the JSON deltas", async () => {
    gw.up.enqueue({ path: "/anthropic/", sse: loadRecording("anthropic/tool-use-stream.sse"), splitEvery: 33 });
    const final = await gw.anthropic.messages
      .stream({ model: "anthropic/claude-sonnet-4-5", max_tokens: 500, tools: [WEATHER], messages: [{ role: "user", content: "Weather in Florence?" }] })
      .finalMessage();
    expect(textOf(final)).toBe("I'll get the weather information for Florence, Italy for you.");
    expect(toolUses(final)).toEqual([["weather", { location: "Florence,Italy" }]]);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage.output_tokens).toBe(67);
    expect(gw.up.calls[0]?.body).toMatchObject({ tools: [WEATHER] }); // forwarded verbatim
  });

  it("returns a non-streaming tool_use message with cost, provider and timing headers", async () => {
    gw.up.enqueue({ path: "/anthropic/", text: loadRecording("anthropic/tool-use.json") });
    const { data, response } = await gw.anthropic.messages
      .create({ model: "anthropic/claude-sonnet-4-5", max_tokens: 500, tools: [WEATHER], messages: [{ role: "user", content: "Weather in Florence?" }] })
      .withResponse();
    expect(textOf(data)).toBe("I'll check the weather in Florence, Italy for you.");
    expect(toolUses(data)).toEqual([["weather", { location: "Florence,Italy" }]]);
    expect(data.stop_reason).toBe("tool_use");
    expectGatewayHeaders(response.headers, "anthropic");
    expect(Number(response.headers.get("x-qlaud-cost-micros"))).toBe(expectedCostMicros("anthropic/claude-sonnet-4-5", { input: 394, output: 66 }));
  });
});

describe.skipIf(!recordingsAvailable())("anthropic SDK → OpenAI-shaped providers (translated, recorded bodies)", () => {
  it("streams OpenAI chunks as Anthropic events: same text, end_turn, usage; the upstream gets a chat request", async () => {
    const recording = loadRecording("openai/text-stream.sse");
    gw.up.enqueue({ path: "/openai/", sse: recording, splitEvery: 120 });
    const final = await gw.anthropic.messages
      .stream({ model: "openai/gpt-4o-mini", max_tokens: 200, system: "Be brief.", messages: [{ role: "user", content: "Weather in SF?" }] })
      .finalMessage();
    expect(textOf(final)).toBe(streamText(recording));
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: 14, output_tokens: 30 });
    expect(final.model).toBe("openai/gpt-4o-mini");

    const call = gw.up.calls[0];
    expect(call?.path).toBe("/openai/v1/chat/completions");
    expect(call?.headers.authorization).toBe(`Bearer ${providerKey("openai")}`);
    expect(call?.headers["x-api-key"]).toBeUndefined();
    expect(call?.body).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in SF?" },
      ],
      max_completion_tokens: 200, // the catalog's max_tokens_field for openai
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("streams parallel tool calls as two tool_use blocks with parsed input", async () => {
    gw.up.enqueue({ path: "/openai/", sse: loadRecording("openai/tool-calls-parallel.sse"), splitEvery: 64 });
    const final = await gw.anthropic.messages
      .stream({
        model: "openai/gpt-4o-mini",
        max_tokens: 500,
        tools: [WEATHER],
        tool_choice: { type: "any" },
        messages: [{ role: "user", content: "Weather in Edinburgh and the AAPL price" }],
      })
      .finalMessage();
    expect(toolUses(final)).toEqual([
      ["GetWeatherArgs", { city: "Edinburgh", country: "GB", units: "c" }],
      ["get_stock_price", { ticker: "AAPL", exchange: "NASDAQ" }],
    ]);
    expect(final.content.map((b) => (b.type === "tool_use" ? b.id : b.type))).toEqual(["call_JMW1whyEaYG438VE1OIflxA2", "call_DNYTawLBoN8fj3KN6qU9N1Ou"]);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage).toMatchObject({ input_tokens: 149, output_tokens: 60 });
    expect(gw.up.calls[0]?.body).toMatchObject({
      tools: [{ type: "function", function: { name: "weather", description: WEATHER.description, parameters: WEATHER.input_schema } }],
      tool_choice: "required",
    });
  });

  it("translates a non-streaming tool call into a tool_use message with the cost of its usage", async () => {
    gw.up.enqueue({ path: "/openai/", text: loadRecording("openai/tool-calls.json") });
    const { data, response } = await gw.anthropic.messages
      .create({ model: "openai/gpt-4o-mini", max_tokens: 300, tools: [WEATHER], messages: [{ role: "user", content: "Population of Crumpet?" }] })
      .withResponse();
    expect(data.content).toEqual([{ type: "tool_use", id: "call_TTY8UFNo7rNCaOBUNtlRSvMG", name: "lookup_population", input: { country: "Crumpet" } }]);
    expect(data.stop_reason).toBe("tool_use");
    expect(data.usage).toMatchObject({ input_tokens: 92, output_tokens: 17 });
    expectGatewayHeaders(response.headers, "openai");
    expect(Number(response.headers.get("x-qlaud-cost-micros"))).toBe(expectedCostMicros("openai/gpt-4o-mini", { input: 92, output: 17 }));
    expect(gw.up.calls[0]?.body).not.toHaveProperty("stream_options");
  });

  it("maps finish_reason length to max_tokens through another OpenAI-shaped provider (groq)", async () => {
    const recording = loadRecording("openai/finish-length-stream.sse");
    gw.up.enqueue({ path: "/groq/", sse: recording });
    const final = await gw.anthropic.messages
      .stream({ model: "groq/llama-3.3-70b-versatile", max_tokens: 1, messages: [{ role: "user", content: "Count" }] })
      .finalMessage();
    expect(textOf(final)).toBe(streamText(recording));
    expect(final.stop_reason).toBe("max_tokens");
    expect(final.usage.output_tokens).toBe(1);
    const call = gw.up.calls[0];
    expect(call?.path).toBe("/groq/v1/chat/completions");
    expect(call?.headers.authorization).toBe(`Bearer ${providerKey("groq")}`);
    expect(call?.body).toMatchObject({ model: "llama-3.3-70b-versatile", max_tokens: 1 });
  });
});

describe("anthropic SDK → the built-in mock provider (no upstream at all)", () => {
  it("echoes the last user text, streaming and not, with usage and cost", async () => {
    const req = { model: "mock/echo", max_tokens: 100, messages: [{ role: "user" as const, content: "hello from the anthropic SDK" }] };
    const { data, response } = await gw.anthropic.messages.create(req).withResponse();
    expect([textOf(data), data.stop_reason]).toEqual(["hello from the anthropic SDK", "end_turn"]);
    expectGatewayHeaders(response.headers, "mock");
    expect(Number(response.headers.get("x-qlaud-cost-micros"))).toBe(
      expectedCostMicros("mock/echo", { input: data.usage.input_tokens, output: data.usage.output_tokens }),
    );
    const final = await gw.anthropic.messages.stream(req).finalMessage();
    expect([textOf(final), final.stop_reason, final.usage.output_tokens]).toEqual(["hello from the anthropic SDK", "end_turn", data.usage.output_tokens]);

    const cut = await gw.anthropic.messages.create({ ...req, max_tokens: 2 });
    expect([textOf(cut), cut.stop_reason]).toEqual(["hello from ", "max_tokens"]);
    expect(gw.up.calls).toHaveLength(0);
  });

  it("mock/tools answers with a tool_use, then with text once given the tool result", async () => {
    const req = { model: "mock/tools", max_tokens: 200, tools: [WEATHER], messages: [{ role: "user" as const, content: "Weather?" }] };
    const first = await gw.anthropic.messages.stream(req).finalMessage();
    expect(toolUses(first)).toEqual([["weather", { location: "sample-location" }]]);
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((b) => b.type === "tool_use");
    const second = await gw.anthropic.messages.create({
      ...req,
      messages: [
        ...req.messages,
        { role: "assistant", content: first.content.filter((b) => b.type === "tool_use") },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use?.type === "tool_use" ? use.id : "", content: "sunny, 24C" }] },
      ],
    });
    expect(textOf(second)).toBe("Tool result: sunny, 24C");
    expect(second.stop_reason).toBe("end_turn");
    expect(gw.up.calls).toHaveLength(0);
  });
});
