// The pure parts of `npm run test:clients` (scripts/test-clients/): the recorded streams it
// rewrites for a client's tool call, which reply each request gets, the Codex config, and the
// example values the never-refused extract is built with.
import { describe, expect, it } from "vitest";
import { configToml, networkFeatures } from "../../../scripts/test-clients/codex";
import { exampleOf } from "../../../scripts/test-clients/openapi-examples";
import { anthropicToolStream, clientReplay, openaiToolStream } from "../../../scripts/test-clients/replay";
import { parseSse } from "../../support/gateway-harness";
import { recordingsAvailable } from "../../support/recordings";
import type { RecordedCall } from "../../support/upstream-server";

const ARGS = JSON.stringify({ file_path: "/tmp/x/gatehouse-note.txt" });
const datas = (sse: string) => parseSse(sse).filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data) as unknown);
/** The value at a path of keys/indices, or undefined: events are read loosely, a wrong shape fails the assertions. */
function get(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const k of path) cur = typeof cur === "object" && cur !== null ? (cur as Record<string | number, unknown>)[k] : undefined;
  return cur;
}
const call = (path: string, body: unknown): RecordedCall => ({ method: "POST", path, search: "", headers: {}, body, raw: JSON.stringify(body), at: 0, clientAborted: false });

describe.skipIf(!recordingsAvailable())("recorded tool-call streams, rewritten for the client's tool", () => {
  it("anthropic: the tool_use block is renamed and its input_json_delta fragments join to the new arguments", () => {
    const events = datas(anthropicToolStream("Read", ARGS, "claude-x"));
    const start = events.find((e) => get(e, "type") === "content_block_start" && get(e, "content_block", "type") === "tool_use");
    expect(get(start, "content_block", "name")).toBe("Read");
    const joined = events.filter((e) => get(e, "delta", "type") === "input_json_delta").map((e) => String(get(e, "delta", "partial_json"))).join("");
    expect(JSON.parse(joined)).toEqual(JSON.parse(ARGS));
    expect(get(events[0], "message", "model")).toBe("claude-x");
    expect(get(events.at(-1), "type")).toBe("message_stop");
  });

  it("openai: only the first call is kept, renamed, its argument fragments join to the new arguments", () => {
    const sse = openaiToolStream("shell", ARGS, "gpt-x");
    const calls = datas(sse).flatMap((d) => {
      const tc = get(d, "choices", 0, "delta", "tool_calls");
      return Array.isArray(tc) ? (tc as unknown[]) : [];
    });
    expect(calls.every((c) => get(c, "index") === 0)).toBe(true);
    expect(get(calls.find((c) => get(c, "id") !== undefined), "function", "name")).toBe("shell");
    expect(JSON.parse(calls.map((c) => String(get(c, "function", "arguments"))).join(""))).toEqual(JSON.parse(ARGS));
    expect(sse.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("the main turn gets the tool call; the turn carrying its result gets text; side requests never get a tool call", () => {
    const reply = clientReplay({ names: ["Read"], args: () => JSON.parse(ARGS) as Record<string, unknown>, marker: "MARK" });
    const tools = [{ name: "Read", input_schema: {} }];
    const first = reply(call("/anthropic/v1/messages", { model: "m", stream: true, tools, messages: [{ role: "user", content: "MARK read it" }] }));
    expect(first.sse).toContain('"name":"Read"');
    const followUp = reply(call("/anthropic/v1/messages", { model: "m", stream: true, tools, messages: [{ role: "user", content: "MARK" }, { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "x" }] }] }));
    expect(followUp.sse).not.toContain("tool_use");
    const side = reply(call("/anthropic/v1/messages", { model: "m", stream: true, tools, messages: [{ role: "user", content: "title this" }] }));
    expect(side.sse).not.toContain("tool_use");
    expect(reply(call("/anthropic/v1/messages/count_tokens", { model: "m" })).json).toEqual({ input_tokens: 12 });
  });
});

describe("codex config.toml", () => {
  it("names Gatehouse as the provider with the wire API and switches off the features that call out", () => {
    const toml = configToml("http://127.0.0.1:1/v1", "openai/gpt-4o-mini", "chat", networkFeatures("0.94.0"));
    expect(toml).toContain('model_provider = "gatehouse"');
    expect(toml).toContain('base_url = "http://127.0.0.1:1/v1"');
    expect(toml).toContain('wire_api = "chat"');
    expect(toml).toContain("remote_models = false");
    expect(configToml("u", "m", "responses", networkFeatures("0.171.0"))).toMatch(/plugins = false[\s\S]*wire_api = "responses"/);
  });
});

describe("example values from OpenAPI schemas", () => {
  const all = { Effort: { type: "string", enum: [null, "low", "high"] }, Tool: { type: "object", required: ["name"], properties: { name: { type: "string" }, x: { type: "integer" } } } };
  it("prefers example, then a non-null default, then the first non-null enum value", () => {
    expect(exampleOf({ type: "string", example: "e", default: "d" }, all)).toBe("e");
    expect(exampleOf({ type: "number", default: 1 }, all)).toBe(1);
    expect(exampleOf({ $ref: "#/components/schemas/Effort" }, all)).toBe("low");
  });
  it("skips null alternatives and builds objects from their required properties", () => {
    expect(exampleOf({ anyOf: [{ type: "null" }, { $ref: "#/components/schemas/Tool" }] }, all)).toEqual({ name: "example" });
    expect(exampleOf({ type: "array", items: { type: "integer", minimum: 3 } }, all)).toEqual([3]);
    expect(exampleOf({ type: "object", additionalProperties: { type: "boolean" } }, all)).toEqual({ example: true });
  });
});
