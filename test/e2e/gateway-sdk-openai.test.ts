// Contract: the official `openai` SDK, with only baseURL and apiKey changed, against the real
// Worker. Native OpenAI providers pass through; Anthropic is translated both ways; upstream
// bodies are the real recorded corpus replayed by a local upstream.
import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { chargeFor, expectedCostMicros, expectGatewayHeaders, providerKey, streamText, useGateway } from "../support/gateway-harness";
import { loadRecording, recordingsAvailable } from "../support/upstream-server";

const gw = useGateway();

const WEATHER: OpenAI.ChatCompletionTool = {
  type: "function",
  function: {
    name: "weather",
    description: "Current weather for a place",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};

/** Drains an SDK stream into what an app would build from it. */
async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  const calls: { id?: string; name: string; arguments: string }[] = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta.content ?? "";
    for (const tc of choice.delta.tool_calls ?? []) {
      const call = (calls[tc.index] ??= { name: "", arguments: "" });
      if (tc.id) call.id = tc.id;
      call.name += tc.function?.name ?? "";
      call.arguments += tc.function?.arguments ?? "";
    }
    finish = choice.finish_reason ?? finish;
  }
  return { text, finish, usage, calls: calls.map((c) => ({ ...c, args: JSON.parse(c.arguments) as unknown })) };
}

describe.skipIf(!recordingsAvailable())("openai SDK → openai/gpt-4o-mini (pass-through, recorded bodies)", () => {
  it("streams the recorded text with finish_reason and usage, asking the upstream for usage", async () => {
    const recording = loadRecording("openai/text-stream.sse");
    gw.up.enqueue({ path: "/openai/", sse: recording, splitEvery: 97 });
    const out = await collect(
      await gw.openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Weather in SF?" }], stream: true, stream_options: { include_usage: true } }),
    );
    expect(out.text).toBe(streamText(recording));
    expect(out.text).toMatch(/^I'm unable to provide real-time weather updates\./);
    expect(out.finish).toBe("stop");
    expect(out.usage).toMatchObject({ prompt_tokens: 14, completion_tokens: 30, total_tokens: 44 });

    const [call] = gw.up.calls;
    expect(gw.up.calls).toHaveLength(1);
    expect(call?.path).toBe("/openai/v1/chat/completions");
    expect(call?.headers.authorization).toBe(`Bearer ${providerKey("openai")}`);
    expect(JSON.stringify(call?.headers)).not.toContain(gw.worker.masterKey); // the caller's key never goes upstream
    expect(call?.body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Weather in SF?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("streams parallel tool calls whose arguments parse as JSON (no usage chunk when the client said no)", async () => {
    gw.up.enqueue({ path: "/openai/", sse: loadRecording("openai/tool-calls-parallel.sse") });
    const out = await collect(
      await gw.openai.chat.completions.create({
        model: "openai/gpt-4o-mini",
        messages: [{ role: "user", content: "Weather in Edinburgh and the AAPL price" }],
        tools: [WEATHER],
        stream: true,
        stream_options: { include_usage: false },
      }),
    );
    expect(out.calls.map((c) => [c.name, c.args])).toEqual([
      ["GetWeatherArgs", { city: "Edinburgh", country: "GB", units: "c" }],
      ["get_stock_price", { ticker: "AAPL", exchange: "NASDAQ" }],
    ]);
    expect(out.finish).toBe("tool_calls");
    // The client said no: like OpenAI, no usage chunk reaches it …
    expect(out.usage).toBeUndefined();
    // … but billing needs usage, so the gateway asks the upstream for it anyway.
    expect(gw.up.calls[0]?.body).toMatchObject({ tools: [WEATHER], stream_options: { include_usage: true } });
  });

  it("returns a non-streaming tool call with cost, provider and timing headers; the wallet is charged exactly that", async () => {
    gw.up.enqueue({ path: "/openai/", text: loadRecording("openai/tool-calls.json") });
    const { data, response } = await gw.openai.chat.completions
      .create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Population of Crumpet?" }], tools: [WEATHER] })
      .withResponse();
    const call = data.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && [call.function.name, JSON.parse(call.function.arguments)]).toEqual(["lookup_population", { country: "Crumpet" }]);
    expect(data.choices[0]?.finish_reason).toBe("tool_calls");
    expect(data.usage).toMatchObject({ prompt_tokens: 92, completion_tokens: 17 });

    expectGatewayHeaders(response.headers, "openai");
    const cost = expectedCostMicros("openai/gpt-4o-mini", { input: 92, output: 17 });
    expect(Number(response.headers.get("x-qlaud-cost-micros"))).toBe(cost);
    const entry = await chargeFor(gw.worker, response.headers.get("x-qlaud-request-id") ?? "");
    expect(entry.amount_micros).toBe(-cost);
    expect(gw.up.calls[0]?.body).toMatchObject({ model: "gpt-4o-mini", tools: [WEATHER] });
    expect(gw.up.calls[0]?.body).not.toHaveProperty("stream_options");
  });
});

describe.skipIf(!recordingsAvailable())("openai SDK → anthropic/claude-sonnet-4-5 (translated, recorded bodies)", () => {
  it("streams Anthropic text as chat chunks: same text, stop, usage; the upstream gets an Anthropic request", async () => {
    const recording = loadRecording("anthropic/text-stream.sse");
    gw.up.enqueue({ path: "/anthropic/", sse: recording, splitEvery: 61 });
    const out = await collect(
      await gw.openai.chat.completions.create({
        model: "anthropic/claude-sonnet-4-5",
        messages: [
          { role: "system", content: "Answer in Portuguese." },
          { role: "user", content: "Say hi" },
        ],
        max_tokens: 300,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(out.text).toBe(streamText(recording));
    expect(out.text).toContain("Olá!");
    expect(out.finish).toBe("stop");
    expect(out.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 38 });

    const call = gw.up.calls[0];
    expect(call?.path).toBe("/anthropic/v1/messages");
    expect(call?.headers["x-api-key"]).toBe(providerKey("anthropic"));
    expect(call?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      system: "Answer in Portuguese.",
      messages: [{ role: "user", content: "Say hi" }],
      stream: true,
    });
  });

  it("streams a text block then a tool_use as content + a tool call with parsed arguments", async () => {
    gw.up.enqueue({ path: "/anthropic/", sse: loadRecording("anthropic/tool-use-stream.sse"), splitEvery: 50 });
    const out = await collect(
      await gw.openai.chat.completions.create({
        model: "anthropic/claude-sonnet-4-5",
        messages: [{ role: "user", content: "Weather in Florence?" }],
        tools: [WEATHER],
        tool_choice: "required",
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(out.text).toBe("I'll get the weather information for Florence, Italy for you.");
    expect(out.calls).toEqual([
      { id: "toolu_01N2eM4V43kGCDkq2Lw7ChWQ", name: "weather", arguments: expect.any(String), args: { location: "Florence,Italy" } },
    ]);
    expect(out.finish).toBe("tool_calls");
    expect(out.usage).toMatchObject({ prompt_tokens: 394, completion_tokens: 67 });
    expect(gw.up.calls[0]?.body).toMatchObject({
      tools: [{ name: "weather", description: "Current weather for a place", input_schema: WEATHER.function.parameters }],
      tool_choice: { type: "any" },
      stream: true,
    });
  });

  it("translates a non-streaming tool_use message, with the cost of its usage", async () => {
    gw.up.enqueue({ path: "/anthropic/", text: loadRecording("anthropic/tool-use.json") });
    const { data, response } = await gw.openai.chat.completions
      .create({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "Weather in Florence?" }], tools: [WEATHER] })
      .withResponse();
    const message = data.choices[0]?.message;
    expect(message?.content).toBe("I'll check the weather in Florence, Italy for you.");
    const call = message?.tool_calls?.[0];
    expect(call?.type === "function" && [call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual([
      "toolu_01XLb9pzgfLa2EMyqWot6Ezt",
      "weather",
      { location: "Florence,Italy" },
    ]);
    expect(data.choices[0]?.finish_reason).toBe("tool_calls");
    expect(data.usage).toMatchObject({ prompt_tokens: 394, completion_tokens: 66, total_tokens: 460 });
    expectGatewayHeaders(response.headers, "anthropic");
    expect(Number(response.headers.get("x-qlaud-cost-micros"))).toBe(expectedCostMicros("anthropic/claude-sonnet-4-5", { input: 394, output: 66 }));
    expect(gw.up.calls[0]?.body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: expect.any(Number) });
    expect(gw.up.calls[0]?.body).not.toHaveProperty("stream");
  });

  it("maps a max_tokens stop to finish_reason length", async () => {
    gw.up.enqueue({ path: "/anthropic/", json: { ...(JSON.parse(loadRecording("anthropic/tool-use.json")) as object), content: [{ type: "text", text: "Cut" }], stop_reason: "max_tokens" } });
    const res = await gw.openai.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "Go on" }], max_tokens: 1 });
    expect([res.choices[0]?.message.content, res.choices[0]?.finish_reason]).toEqual(["Cut", "length"]);
  });
});

describe("openai SDK → the built-in mock provider (no upstream at all)", () => {
  it("echoes the last user message, streaming and not, with usage and cost", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "ping from the contract test" }];
    const { data, response } = await gw.openai.chat.completions.create({ model: "mock/echo", messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe("ping from the contract test");
    expect(data.choices[0]?.finish_reason).toBe("stop");
    const usage = data.usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expectGatewayHeaders(response.headers, "mock");
    expect(Number(response.headers.get("x-qlaud-cost-micros"))).toBe(
      expectedCostMicros("mock/echo", { input: usage?.prompt_tokens ?? NaN, output: usage?.completion_tokens ?? NaN }),
    );

    const streamed = await collect(await gw.openai.chat.completions.create({ model: "mock/echo", messages, stream: true, stream_options: { include_usage: true } }));
    expect([streamed.text, streamed.finish, streamed.usage?.completion_tokens]).toEqual(["ping from the contract test", "stop", usage?.completion_tokens]);
    expect(gw.up.calls).toHaveLength(0);
  });

  it("mock/tools calls the first tool with arguments built from its schema", async () => {
    const req = { model: "mock/tools", messages: [{ role: "user" as const, content: "What's the weather?" }], tools: [WEATHER] };
    const res = await gw.openai.chat.completions.create(req);
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && [call.function.name, JSON.parse(call.function.arguments)]).toEqual(["weather", { location: "sample-location" }]);
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");

    const streamed = await collect(await gw.openai.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } }));
    expect(streamed.calls.map((c) => [c.name, c.args])).toEqual([["weather", { location: "sample-location" }]]);
    expect(streamed.finish).toBe("tool_calls");
    expect(gw.up.calls).toHaveLength(0);
  });
});
