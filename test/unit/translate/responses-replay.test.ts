// Replays the recorded OpenAI Responses API answers in fixtures/responses/ (sources in its
// README) through the translator: each → IR (any byte split) → Anthropic events, Chat
// Completions chunks and Responses events again; invariants checked, not snapshots.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createStreamRenderer, responseFromEvents } from "../../../runtime/translate";
import type { IrStreamEvent } from "../../../runtime/translate/ir";
import { parseResponsesResponse, ResponsesStreamParser, ResponsesStreamRenderer, usageFromResponses } from "../../../runtime/translate/responses";
import { SseParser } from "../../../runtime/translate/sse-parser";
import { checkAnthropicOutput, checkOpenAIOutput, randomSplits } from "./helpers";

const DIR = new URL("../../../fixtures/responses/", import.meta.url);
const load = (name: string) => readFileSync(new URL(name, DIR), "utf8");

/** The recording's own events, as OpenAI sent them. */
function recorded(sse: string): Array<Record<string, unknown>> {
  return sse.split("\n\n").filter((b) => b.includes("data: ")).map((b) => JSON.parse(b.slice(b.indexOf("data: ") + 6)) as Record<string, unknown>);
}

function toIr(pieces: Array<string | Uint8Array>): IrStreamEvent[] {
  const out: IrStreamEvent[] = [];
  const parser = new ResponsesStreamParser((e) => out.push(e));
  const sse = new SseParser((event, data) => parser.onEvent(event, data));
  for (const p of pieces) sse.push(p);
  sse.end();
  parser.end();
  return out;
}

/** IR invariants: blocks sequential from 0, never overlapping, one end (message_end after finish, or error). */
function checkIr(events: IrStreamEvent[]): void {
  let open = -1;
  let next = 0;
  for (const e of events) {
    if (e.type === "block_start") {
      expect(open).toBe(-1);
      expect(e.index).toBe(next++);
      open = e.index;
    } else if (e.type === "block_stop") {
      expect(e.index).toBe(open);
      open = -1;
    } else if (e.type === "text_delta" || e.type === "thinking_delta" || e.type === "tool_input_delta" || e.type === "signature_delta") {
      expect(e.index).toBe(open);
    }
  }
  expect(open).toBe(-1);
  const ends = events.filter((e) => e.type === "message_end" || e.type === "error");
  expect(ends).toHaveLength(1);
  expect(events.at(-1)).toBe(ends[0]);
}

function render(to: "anthropic" | "openai", events: IrStreamEvent[]): string {
  const r = createStreamRenderer(to, { messageId: "replay", created: 1 });
  return events.map((e) => r.render(e)).join("");
}

const STREAMS = ["text-stream.sse", "function-call-stream.sse", "reasoning-function-call-stream.sse"];

describe.each(STREAMS)("recorded Responses stream %s", (name) => {
  const sse = load(name);
  const original = recorded(sse);
  const completed = original.find((e) => e.type === "response.completed")?.response as Record<string, unknown>;
  const text = original.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
  const thinking = original.filter((e) => e.type === "response.reasoning_summary_text.delta").map((e) => e.delta).join("");
  const calls = (completed.output as Array<Record<string, unknown>>).filter((o) => o.type === "function_call");

  it("reads into well-formed IR, the same at any byte split, with the recorded usage", () => {
    const ir = toIr([sse]);
    checkIr(ir);
    for (const seed of [1, 2, 3]) expect(toIr(randomSplits(new TextEncoder().encode(sse), seed))).toEqual(ir);
    const whole = responseFromEvents(ir);
    expect(whole.error).toBeUndefined();
    expect(whole.usage).toEqual(usageFromResponses(completed.usage as Record<string, unknown>));
    expect(whole.content.filter((b) => b.type === "text").map((b) => (b.type === "text" ? b.text : "")).join("")).toBe(text);
    expect(whole.content.filter((b) => b.type === "thinking").map((b) => (b.type === "thinking" ? b.thinking : "")).join("")).toBe(thinking);
    expect(whole.content.filter((b) => b.type === "tool_use")).toEqual(calls.map((c) => ({ type: "tool_use", id: c.call_id, name: c.name, input: JSON.parse(c.arguments as string) as unknown })));
    expect(whole.stop?.reason).toBe(calls.length > 0 ? "tool_use" : "end_turn");
  });

  it("renders as Anthropic events and Chat Completions chunks carrying the same content and usage", () => {
    const ir = toIr([sse]);
    const a = checkAnthropicOutput(render("anthropic", ir));
    expect(a.text).toBe(text);
    expect(a.thinking).toBe(thinking);
    expect(a.tools.map((t) => ({ id: t.id, name: t.name, args: JSON.parse(t.args) as unknown }))).toEqual(calls.map((c) => ({ id: c.call_id, name: c.name, args: JSON.parse(c.arguments as string) as unknown })));
    expect(a.stop).toBe(calls.length > 0 ? "tool_use" : "end_turn");
    const o = checkOpenAIOutput(render("openai", ir));
    expect(o.text).toBe(text);
    expect(o.tools.map((t) => t.name)).toEqual(calls.map((c) => c.name));
    expect(o.usage).toMatchObject({ prompt_tokens: (completed.usage as { input_tokens: number }).input_tokens, completion_tokens: (completed.usage as { output_tokens: number }).output_tokens });
  });

  it("renders back as Responses events with the recorded output and usage", () => {
    const r = new ResponsesStreamRenderer({ id: "resp_replay", model: "m", createdAt: 1, echo: {} });
    const again = recorded(toIr([sse]).map((e) => r.render(e)).join(""));
    const done = again.at(-1);
    expect(done?.type).toBe("response.completed");
    const resp = done?.response as Record<string, unknown>;
    expect(resp.usage).toEqual(completed.usage && { ...(completed.usage as object), input_tokens_details: { cached_tokens: (completed.usage as { input_tokens_details: { cached_tokens: number } }).input_tokens_details.cached_tokens } });
    expect(again.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("")).toBe(text);
    expect((resp.output as Array<Record<string, unknown>>).filter((o) => o.type === "function_call").map((o) => [o.call_id, o.name, o.arguments])).toEqual(calls.map((c) => [c.call_id, c.name, c.arguments]));
    // The item as its output_item.done carried it (OpenAI re-encrypts it in response.completed; either is valid).
    const reasoning = original.filter((e) => e.type === "response.output_item.done").map((e) => e.item as Record<string, unknown>).find((o) => o.type === "reasoning");
    if (reasoning) expect((resp.output as Array<Record<string, unknown>>).find((o) => o.type === "reasoning")?.encrypted_content).toBe(reasoning.encrypted_content);
  });
});

describe("recorded Responses failures and whole answers", () => {
  it("an error event then response.failed is one IR error, with the upstream's type", () => {
    const ir = toIr([load("error-stream.sse")]);
    checkIr(ir);
    expect(ir.at(-1)).toEqual({ type: "error", error: { type: expect.any(String), message: expect.stringMatching(/^You exceeded your current quota/) } });
    expect(ir.some((e) => e.type === "block_start")).toBe(false);
  });

  it("a stream cut before response.completed is an error, never a success", () => {
    const sse = load("text-stream.sse");
    const ir = toIr([sse.slice(0, sse.indexOf("event: response.completed"))]);
    checkIr(ir);
    expect(ir.at(-1)?.type).toBe("error");
  });

  it("a whole response reads into IR with its usage, reasoning and text", () => {
    const body = JSON.parse(load("reasoning-response.json")) as { output: Array<Record<string, unknown>>; usage: Record<string, unknown> };
    const ir = parseResponsesResponse(body);
    expect(ir.usage).toEqual(usageFromResponses(body.usage));
    expect(ir.usage.reasoning_tokens).toBe(128);
    const message = body.output.find((o) => o.type === "message") as { content: Array<{ text: string }> };
    expect(ir.content.at(-1)).toEqual({ type: "text", text: message.content.map((c) => c.text).join("") });
    expect(ir.content[0]?.type).toBe("thinking");
  });
});
