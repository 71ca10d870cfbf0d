// The Responses API surface's translator: requests as clients (Codex, the Agents SDK, the
// openai SDK) send them → IR → a provider's body; IR events → typed `response.*` events.
import { describe, expect, it } from "vitest";
import type { IrStreamEvent } from "../../../runtime/translate/ir";
import { inputItems, parseResponsesRequest, renderResponsesObject, responsesRequestAs, ResponsesStreamRenderer, responsesFromEvents } from "../../../runtime/translate/responses";
import { TranslateError } from "../../../runtime/translate";

/** A function-call round trip as the openai SDK sends it back (output items, then the tool's output). */
const ROUND_TRIP = {
  model: "anthropic/claude-sonnet-4-5",
  instructions: "Be brief.",
  max_output_tokens: 2000,
  reasoning: { effort: "low" },
  tools: [{ type: "function", name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true }],
  tool_choice: "auto",
  input: [
    { role: "user", content: [{ type: "input_text", text: "Weather in Paris?" }] },
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Need the tool." }], encrypted_content: "SIG" },
    { type: "function_call", id: "fc_1", call_id: "toolu_1", name: "weather", arguments: '{"city":"Paris"}', status: "completed" },
    { type: "function_call_output", call_id: "toolu_1", output: "18C" },
  ],
  store: false,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "abc",
};

const opts = { id: "resp_abc", model: "anthropic/claude-sonnet-4-5", createdAt: 1, echo: {} };

describe("Responses request → IR", () => {
  it("reads a string input as one user message and instructions as the system prompt", () => {
    const ir = parseResponsesRequest({ model: "m", input: "Hi", instructions: "Sys", max_output_tokens: 50, stream: true });
    expect(ir.system).toEqual(["Sys"]);
    expect(ir.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
    expect(ir.maxTokens).toBe(50);
    expect(ir.stream).toBe(true);
  });

  it("Codex's tool list (functions, a namespace group, the hosted web_search) reaches a translated model as its function tools only, never a 400", () => {
    const tools = [
      ROUND_TRIP.tools[0],
      { type: "namespace", name: "multi_agent_v1", description: "Sub-agents.", tools: [{ type: "function", name: "close_agent", parameters: { type: "object", properties: {} } }] },
      { type: "web_search", external_web_access: false },
    ];
    const ir = parseResponsesRequest({ model: "m", input: "Hi", tools });
    expect(ir.tools.map((t) => t.name)).toEqual(["weather"]);
  });

  it("keeps a function-call round trip with its signed reasoning, for Anthropic, and drops fields it cannot use instead of refusing", () => {
    const body = responsesRequestAs("anthropic", ROUND_TRIP, inputItems(ROUND_TRIP.input));
    expect(body).toMatchObject({ max_tokens: 2000, system: "Be brief.", tools: [{ name: "weather", input_schema: { type: "object" } }] });
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Need the tool.", signature: "SIG" },
          { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18C" }] },
    ]);
    expect(body).not.toHaveProperty("prompt_cache_key");
  });

  it("renders the same round trip as Chat Completions for OpenAI-compatible hosts", () => {
    const body = responsesRequestAs("openai", ROUND_TRIP, inputItems(ROUND_TRIP.input), { maxTokensField: "max_tokens" });
    expect(body).toMatchObject({ max_tokens: 2000, reasoning_effort: "low", tool_choice: "auto" });
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "toolu_1", content: "18C" },
    ]);
  });

  it("names the item it cannot translate", () => {
    expect(() => parseResponsesRequest({ model: "m", input: [{ type: "web_search_call", id: "ws" }] })).toThrow(TranslateError);
    expect(() => parseResponsesRequest({ model: "m", input: [{ type: "function_call", call_id: "c", name: "f", arguments: "[1]" }] })).toThrow(/input.0.arguments/);
  });
});

const TOOL_TURN: IrStreamEvent[] = [
  { type: "message_start", id: "msg_1", model: "claude", usage: undefined },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, thinking: "Need " },
  { type: "thinking_delta", index: 0, thinking: "the tool." },
  { type: "signature_delta", index: 0, signature: "SIG" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "text_delta", index: 1, text: "Checking" },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_use", id: "toolu_1", name: "weather" } },
  { type: "tool_input_delta", index: 2, partialJson: '{"city":' },
  { type: "tool_input_delta", index: 2, partialJson: '"Paris"}' },
  { type: "block_stop", index: 2 },
  { type: "usage", usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, reasoning_tokens: 4 } },
  { type: "finish", stop: { reason: "tool_use", sequence: null } },
  { type: "message_end" },
];

function events(sse: string): Array<Record<string, unknown>> {
  return sse
    .split("\n\n")
    .filter((b) => b !== "")
    .map((b) => {
      const [ev, data] = b.split("\n");
      const parsed = JSON.parse((data ?? "").slice(6)) as Record<string, unknown>;
      expect(ev).toBe(`event: ${String(parsed.type)}`);
      return parsed;
    });
}

describe("IR events → response.* events", () => {
  it("sends the typed events in OpenAI's order, numbered, ending with usage", () => {
    const r = new ResponsesStreamRenderer(opts);
    const out = events(TOOL_TURN.map((e) => r.render(e)).join(""));
    expect(out.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_, i) => i));
    const completed = out.at(-1)?.response as Record<string, unknown>;
    expect(completed.status).toBe("completed");
    expect(completed.usage).toEqual({ input_tokens: 15, input_tokens_details: { cached_tokens: 5 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 35 });
    expect(completed.output).toEqual([
      { id: "rs_abc_0", type: "reasoning", summary: [{ type: "summary_text", text: "Need the tool." }], encrypted_content: "SIG" },
      { id: "msg_abc_1", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Checking", annotations: [] }] },
      { id: "fc_abc_2", type: "function_call", status: "completed", call_id: "toolu_1", name: "weather", arguments: '{"city":"Paris"}' },
    ]);
    // What a client sends back on its next turn translates to the same conversation.
    expect(parseResponsesRequest({ model: "m", input: completed.output }).messages[0]?.content).toEqual([
      { type: "thinking", thinking: "Need the tool.", signature: "SIG" },
      { type: "text", text: "Checking" },
      { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
    ]);
  });

  it("a whole answer is the same object the stream completes with", () => {
    const r = new ResponsesStreamRenderer(opts);
    const streamed = events(TOOL_TURN.map((e) => r.render(e)).join("")).at(-1)?.response;
    expect(responsesFromEvents(TOOL_TURN, opts).object).toEqual(streamed);
  });

  it("a cut at the output limit is incomplete; an error is response.failed", () => {
    const cut: IrStreamEvent[] = [...TOOL_TURN.slice(0, 14), { type: "finish", stop: { reason: "max_tokens", sequence: null } }, { type: "message_end" }];
    const r = new ResponsesStreamRenderer(opts);
    const last = events(cut.map((e) => r.render(e)).join("")).at(-1);
    expect(last?.type).toBe("response.incomplete");
    expect(last?.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });

    const f = new ResponsesStreamRenderer(opts);
    const failed = events([TOOL_TURN[0]!, { type: "error", error: { type: "overloaded_error", message: "busy" } } as IrStreamEvent].map((e) => f.render(e)).join(""));
    expect(failed.map((e) => e.type)).toEqual(["response.created", "response.in_progress", "response.failed"]);
    expect(failed.at(-1)?.response).toMatchObject({ status: "failed", error: { code: "overloaded_error", message: "busy" } });
  });

  it("echoes the request's fields on the object", () => {
    const o = renderResponsesObject({ id: "resp_x", model: "m", created: undefined, content: [], stop: undefined, usage: { input_tokens: 1, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } }, { ...opts, echo: { metadata: { a: "b" }, store: false, instructions: "S" } });
    expect(o).toMatchObject({ object: "response", metadata: { a: "b" }, store: false, instructions: "S", tools: [], tool_choice: "auto" });
  });
});
