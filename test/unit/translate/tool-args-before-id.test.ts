// OpenAI-compatible hosts do not all send a tool call's id and name on its first fragment:
// some stream argument fragments first and name the call later. Those early fragments are
// kept and emitted, in order, once the call's block can open — an Anthropic client must get
// the whole arguments, not the tail after the name arrived.
import { describe, expect, it } from "vitest";
import { createStreamTranslator } from "../../../runtime/translate";
import { frames } from "./helpers";

const HEAD = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":';
const chunk = (delta: object, finish = "null"): string => `data: ${HEAD}${JSON.stringify(delta)},"finish_reason":${finish}}]}\n\n`;
const toolDelta = (fn: { name?: string; arguments: string }, id?: string) => ({ tool_calls: [{ index: 0, ...(id ? { id, type: "function" } : {}), function: fn }] });

describe("tool-call argument fragments that arrive before the call's id and name", () => {
  it("are held, then emitted first once id and name arrive: the client gets the whole arguments", () => {
    const t = createStreamTranslator("openai", "anthropic", { messageId: "id1", created: 1 });
    let out = t.push(chunk({ role: "assistant", content: null }));
    out += t.push(chunk(toolDelta({ arguments: '{"ci' })));
    out += t.push(chunk(toolDelta({ arguments: 'ty":' })));
    out += t.push(chunk(toolDelta({ name: "get_weather", arguments: "" }, "call_1")));
    out += t.push(chunk(toolDelta({ arguments: '"Lima"}' })));
    out += t.push(chunk({}, '"tool_calls"'));
    out += t.push("data: [DONE]\n\n");
    out += t.end();
    const events = frames(out).map((f) => JSON.parse(f.data) as Record<string, unknown>);
    const start = events.find((e) => e.type === "content_block_start");
    expect(start?.content_block).toEqual({ type: "tool_use", id: "call_1", name: "get_weather", input: {} });
    const args = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => (e.delta as { type: string; partial_json?: string }).partial_json ?? "")
      .join("");
    expect(args).toBe('{"city":"Lima"}');
    expect(t.stopReason).toBe("tool_use");
  });
});
