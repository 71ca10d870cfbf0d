// Contract: the official `openai` SDK's Responses API against an OpenAI model, only baseURL
// changed: the request reaches OpenAI's `/responses` byte for byte (only what Gatehouse must
// change — the model, an output limit — spliced in), the recorded answers (fixtures/responses/,
// real OpenAI streams) come back untouched, and the usage in `response.completed` is billed.
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { describe, expect, it, vi } from "vitest";
import { chargeFor, expectedCostMicros, expectGatewayHeaders, post, useGateway, openaiSdkFor } from "../support/gateway-harness";

const gw = useGateway();
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/responses/${name}`, import.meta.url), "utf8");

/** The recording's `response.completed` usage. */
function usageOf(sse: string): { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number } } {
  const completed = sse.split("\n\n").find((b) => b.startsWith("event: response.completed")) ?? "";
  return (JSON.parse(completed.slice(completed.indexOf("data: ") + 6)) as { response: { usage: ReturnType<typeof usageOf> } }).response.usage;
}

const { sdk, lastHeaders: headersOfLast } = openaiSdkFor(gw);

const WEATHER: OpenAI.Responses.FunctionTool = { type: "function", name: "get_weather", description: "Weather", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] }, strict: false };

describe("openai SDK responses → openai/gpt-5 (pass-through to /responses)", () => {
  it("responses.stream: the recorded stream arrives untouched, the request as sent, its usage billed", async () => {
    const recording = fixture("text-stream.sse");
    gw.up.enqueue({ path: "/openai/", sse: recording, splitEvery: 333 });
    const raw = JSON.stringify({ model: "openai/gpt-5", input: [{ role: "user", content: [{ type: "input_text", text: "AI news?" }] }], stream: true, max_output_tokens: 2000, store: false, include: ["reasoning.encrypted_content"], text: { verbosity: "low" } });
    const res = await post(gw.worker, "/v1/responses", raw);
    expect(res.status).toBe(200);
    expectGatewayHeaders(res.headers, "openai");
    expect(await res.text()).toBe(recording);

    const [call] = gw.up.calls;
    expect(call?.path).toBe("/openai/v1/responses");
    expect(call?.raw).toBe(raw.replace('"openai/gpt-5"', '"gpt-5"'));
    const usage = usageOf(recording);
    const entry = await chargeFor(gw.worker, res.headers.get("x-qlaud-request-id") ?? "");
    const cached = usage.input_tokens_details.cached_tokens;
    expect(entry.amount_micros).toBe(-expectedCostMicros("openai/gpt-5", { input: usage.input_tokens - cached, cachedInput: cached, output: usage.output_tokens }));
  });

  it("responses.stream with the SDK: reasoning summary and a function call, then the round trip's second turn", async () => {
    gw.up.enqueue({ path: "/openai/", sse: fixture("reasoning-function-call-stream.sse"), splitEvery: 100 });
    const stream = sdk().responses.stream({ model: "openai/gpt-5", input: "Compute (12+7)*3*10 with the calculator.", tools: [WEATHER], reasoning: { effort: "high", summary: "detailed" } });
    let summary = "";
    stream.on("response.reasoning_summary_text.delta", (e) => (summary += e.delta));
    const first = await stream.finalResponse();
    expectGatewayHeaders(headersOfLast(), "openai");
    expect(summary).toMatch(/^\*\*Calculating step-by-step using calculator\*\*/);
    const call = first.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall | undefined;
    expect(call).toMatchObject({ name: "calculator", arguments: '{"a":12,"b":7,"op":"add"}' });

    gw.up.enqueue({ path: "/openai/", sse: fixture("function-call-stream.sse") });
    const input = [...first.output, { type: "function_call_output" as const, call_id: call?.call_id ?? "", output: "19" }] as OpenAI.Responses.ResponseInput;
    const second = await sdk().responses.stream({ model: "openai/gpt-5", input, tools: [WEATHER] }).finalResponse();
    expect(second.output[0]).toMatchObject({ type: "function_call", name: "get_weather" });
    const sent = gw.up.calls[1]?.body as { input: Array<Record<string, unknown>> };
    expect(sent.input.at(-1)).toEqual({ type: "function_call_output", call_id: call?.call_id, output: "19" });
    expect(sent.input.find((i) => i.type === "reasoning")?.encrypted_content).toBe((first.output[0] as { encrypted_content?: string }).encrypted_content);
  });

  it("responses.create: a whole recorded response as it came, with its cost", async () => {
    const body = fixture("reasoning-response.json");
    gw.up.enqueue({ path: "/openai/", text: body });
    const { data, response } = await sdk().responses.create({ model: "openai/gpt-5", input: "Hi", reasoning: { effort: "low" } }).withResponse();
    expect(data.output_text.length).toBeGreaterThan(0);
    const parsed = JSON.parse(body) as { usage: { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number } } };
    expect(data.usage).toEqual(parsed.usage);
    const cost = expectedCostMicros("openai/gpt-5", { input: parsed.usage.input_tokens - parsed.usage.input_tokens_details.cached_tokens, cachedInput: parsed.usage.input_tokens_details.cached_tokens, output: parsed.usage.output_tokens });
    expect(response.headers.get("x-qlaud-cost-micros")).toBe(String(cost));
  });

  it("the output limit held is the one forwarded: max_output_tokens, or the affordable one when the client set none", async () => {
    gw.up.enqueue({ path: "/openai/", text: fixture("reasoning-response.json") });
    await sdk().responses.create({ model: "openai/gpt-5", input: "Hi", max_output_tokens: 777 });
    expect(gw.up.calls[0]?.body).toMatchObject({ model: "gpt-5", max_output_tokens: 777 });

    const made = await post(gw.worker, "/v1/keys", { name: "small", scope: "standard", max_spend_usd: 0.05 });
    const { secret } = (await made.json()) as { secret: string };
    gw.up.enqueue({ path: "/openai/", text: fixture("reasoning-response.json") });
    await new OpenAI({ baseURL: `${gw.worker.url}/v1`, apiKey: secret }).responses.create({ model: "openai/gpt-5", input: "Hi" });
    const limit = (gw.up.calls[1]?.body as { max_output_tokens?: number }).max_output_tokens;
    expect(limit).toBeGreaterThan(1000);
    expect(limit).toBeLessThan(5000); // $0.05 at $10/M output: under 5,000 tokens, not the model's 128,000
  });

  it("previous_response_id that Gatehouse did not store goes on to OpenAI, held at the whole context", async () => {
    gw.up.enqueue({ path: "/openai/", text: fixture("reasoning-response.json") });
    const made = await post(gw.worker, "/v1/keys", { name: "tiny", scope: "standard", max_spend_usd: 0.01 });
    const { secret } = (await made.json()) as { secret: string };
    const client = new OpenAI({ baseURL: `${gw.worker.url}/v1`, apiKey: secret });
    // 400k tokens of context at $1.25/M is $0.50: more than the key may spend.
    const err = await client.responses.create({ model: "openai/gpt-5", input: "And then?", previous_response_id: "resp_openai_own", max_output_tokens: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(gw.up.calls).toHaveLength(0);
    const ok = await sdk().responses.create({ model: "openai/gpt-5", input: "And then?", previous_response_id: "resp_openai_own" });
    expect(ok.id).toBe((JSON.parse(fixture("reasoning-response.json")) as { id: string }).id);
    expect(gw.up.calls[0]?.body).toMatchObject({ previous_response_id: "resp_openai_own" });
  });

  it("a streamed turn that passed through to OpenAI is kept under OpenAI's id: an Anthropic follow-up continues it, an OpenAI one passes the id on", async () => {
    const recording = fixture("text-stream.sse");
    const completed = recording.split("\n\n").find((b) => b.startsWith("event: response.completed")) ?? "";
    const { response } = JSON.parse(completed.slice(completed.indexOf("data: ") + 6)) as { response: { id: string; output: Array<{ type: string; content?: Array<{ text?: string }> }> } };
    const said = response.output.flatMap((o) => o.content ?? []).map((c) => c.text ?? "").join("").slice(0, 40);
    gw.up.enqueue({ path: "/openai/", sse: recording });
    const first = await post(gw.worker, "/v1/responses", { model: "openai/gpt-5", input: "AI news?", stream: true });
    expect(first.status).toBe(200);
    await first.text();
    // Kept once the stream's copy is read (after the client got it): the follow-up may have to wait a moment.
    await vi.waitFor(
      async () => {
        const next = await post(gw.worker, "/v1/responses", { model: "anthropic/claude-sonnet-4-5", input: "Shorter?", previous_response_id: response.id, max_output_tokens: 50 });
        expect(next.status, await next.clone().text()).toBe(200);
      },
      { timeout: 5_000, interval: 100 },
    );
    const toAnthropic = gw.up.calls.find((c) => c.path.includes("/anthropic/"));
    expect(JSON.stringify(toAnthropic?.body)).toContain("AI news?");
    expect(JSON.stringify(toAnthropic?.body)).toContain(said.slice(0, 20));
    gw.up.enqueue({ path: "/openai/", text: fixture("reasoning-response.json") });
    await sdk().responses.create({ model: "openai/gpt-5", input: "And then?", previous_response_id: response.id });
    expect(gw.up.calls.at(-1)?.body).toMatchObject({ previous_response_id: response.id, input: "And then?" });
  });

  it("OpenAI's error event and response.failed reach the client as they came; nothing is billed", async () => {
    const recording = fixture("error-stream.sse");
    gw.up.enqueue({ path: "/openai/", sse: recording });
    const res = await post(gw.worker, "/v1/responses", { model: "openai/gpt-5", input: "Hi", stream: true });
    expect(await res.text()).toBe(recording);
    const entry = await chargeFor(gw.worker, res.headers.get("x-qlaud-request-id") ?? "");
    expect(entry.amount_micros).toBe(0);
  });
});
