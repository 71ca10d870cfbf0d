// Same-shape pass-through reaches the upstream byte for byte: the body is the caller's bytes,
// never a re-serialization. Only the values Gatehouse must change are spliced in — the model
// an alias or `provider/` prefix resolves to, and the money rules' output limit and
// `include_usage` — so signed thinking blocks, key order, whitespace, number spellings and
// unknown fields stay exactly as sent. Also: the caller's beta headers reach the upstream.
import { describe, expect, it } from "vitest";
import { chargeFor, expectedCostMicros, post, useGateway } from "../support/gateway-harness";
import { anthropicMessage, sseFromChunks } from "../support/upstream-streams";

// The operator routes Claude ids the catalog does not list to Anthropic (runtime/gateway/model-ids.ts).
const gw = useGateway({ bindings: { UNLISTED_MODEL_ROUTES: "claude-*=anthropic" } });

/**
 * Claude Code's second request of a tool round trip with extended thinking (the shape of its
 * `/v1/messages` calls: `system` blocks with cache_control, tools, `thinking`, `metadata`,
 * `stream`): the assistant turn carries a signed `thinking` block, which Anthropic verifies
 * and refuses when altered or dropped. Written with the spacing, key order and escapes a
 * re-serialization would change (`1.0`, `\u00e9`, `\/`, a key order JSON.stringify keeps but
 * a schema-driven encoder would not), plus a field Gatehouse does not know.
 */
const CLAUDE_CODE_TOOL_RESULT_TURN = `{
  "model": "anthropic/claude-sonnet-4-5",
  "messages": [
    { "role": "user", "content": [ { "type": "text", "text": "What does src\\/index.ts export? caf\\u00e9" } ] },
    { "role": "assistant", "content": [
        { "type": "thinking", "thinking": "I should read the file first.\\n", "signature": "EqQBCkYIBRgCKkBPn7l0b3b2lY1c3kQpJ3rT0pVbqV2rWl4cQ3J4b0Vq6yq3K0sRk0y3Vb6tK4y1V3E9lQyW6vYpQ3m8cXhSEgyR0fJb3m2y6m8XfCEaDDb5" },
        { "type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj2pJmvxJrzqgs=" },
        { "type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "Read", "input": { "file_path": "/home/dev/app/src/index.ts", "limit": 2000 } }
    ] },
    { "role": "user", "content": [
        { "type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": "export function main(): void {}", "cache_control": { "type": "ephemeral" } }
    ] }
  ],
  "temperature": 1.0,
  "system": [ { "type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.", "cache_control": { "type": "ephemeral" } } ],
  "tools": [ { "name": "Read", "description": "Reads a file", "input_schema": { "type": "object", "properties": { "file_path": { "type": "string" } }, "required": ["file_path"] } } ],
  "metadata": { "user_id": "user_2f1c_account__session_9b7e" },
  "max_tokens": 32000,
  "thinking": { "type": "enabled", "budget_tokens": 31999 },
  "context_management": { "edits": [] },
  "stream": true
}`;

const sent = (i = 0) => gw.up.calls[i]?.raw ?? "";

describe("same-shape pass-through sends the caller's bytes", () => {
  it("Claude Code's tool-result turn with a signed thinking block reaches Anthropic byte-identical, only `model` resolved", async () => {
    const res = await post(gw.worker, "/v1/messages", CLAUDE_CODE_TOOL_RESULT_TURN, { headers: { "content-type": "application/json", "x-api-key": gw.worker.masterKey, "anthropic-beta": "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14" } });
    expect(res.status).toBe(200);
    await res.text();
    expect(gw.up.calls.map((c) => c.path)).toEqual(["/anthropic/v1/messages"]);
    expect(sent()).toBe(CLAUDE_CODE_TOOL_RESULT_TURN.replace('"anthropic/claude-sonnet-4-5"', '"claude-sonnet-4-5"'));
    // The beta features Claude Code opts into reach Anthropic too.
    expect(gw.up.calls[0]?.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14");
  });

  it("an alias changes only `model` (OpenAI shape, non-streaming)", async () => {
    const body = `{"messages":[{"role":"user","content":"Name a llama \\ud83e\\udd99"}],  "model" : "llama-3.3-70b", "max_tokens":100, "x_unknown": {"kept": [1, 2.50]}}`;
    const res = await post(gw.worker, "/v1/chat/completions", body);
    expect(res.status).toBe(200);
    await res.text();
    expect(sent()).toBe(body.replace('"llama-3.3-70b"', '"meta-llama/Llama-3.3-70B-Instruct-Turbo"'));
  });

  it("an OpenAI stream gets `include_usage` spliced into its stream_options, nothing else touched", async () => {
    const body = `{ "model": "openai/gpt-4o-mini", "stream": true, "stream_options": { "x": 1 }, "max_completion_tokens": 100,\n "messages": [ {"role": "user", "content": "hi"} ] }`;
    const res = await post(gw.worker, "/v1/chat/completions", body, { headers: { "content-type": "application/json", "x-api-key": gw.worker.masterKey, "openai-beta": "assistants=v2" } });
    expect(res.status).toBe(200);
    await res.text();
    expect(sent()).toBe(body.replace('"openai/gpt-4o-mini"', '"gpt-4o-mini"').replace('{ "x": 1 }', '{"include_usage":true, "x": 1 }'));
    expect(gw.up.calls[0]?.headers["openai-beta"]).toBe("assistants=v2");
  });

  it("output limits that disagree are each set to the one held, as byte splices of those values", async () => {
    const body = `{"model":"openai/gpt-4o-mini","max_completion_tokens":1,"max_tokens":16000,"messages":[{"role":"user","content":"hi"}]}`;
    const res = await post(gw.worker, "/v1/chat/completions", body);
    expect(res.status).toBe(200);
    await res.text();
    expect(sent()).toBe(body.replace('"openai/gpt-4o-mini"', '"gpt-4o-mini"').replace('"max_completion_tokens":1,', '"max_completion_tokens":16000,'));
  });

  it("a translated request carries no beta header of the other API", async () => {
    const res = await post(gw.worker, "/v1/messages", { model: "openai/gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }, { headers: { "content-type": "application/json", "x-api-key": gw.worker.masterKey, "anthropic-beta": "prompt-caching-2024-07-31" } });
    expect(res.status).toBe(200);
    await res.text();
    expect(gw.up.calls[0]?.headers["anthropic-beta"]).toBeUndefined();
  });
});

describe("model ids as Claude Code sends them", () => {
  it("a dated id (claude-haiku-4-5-20251001) reaches Anthropic as sent and is billed at the catalog's claude-haiku-4-5", async () => {
    gw.up.enqueue({ path: "/anthropic/", json: anthropicMessage("ok", { inputTokens: 1000, outputTokens: 200 }) });
    const body = '{"model":"claude-haiku-4-5-20251001","max_tokens":512,"messages":[{"role":"user","content":"hi"}]}';
    const res = await post(gw.worker, "/v1/messages", body);
    expect(res.status).toBe(200);
    await res.text();
    expect(gw.up.calls.map((c) => c.path)).toEqual(["/anthropic/v1/messages"]);
    expect(sent()).toBe(body);
    expect(Number(res.headers.get("x-qlaud-cost-micros"))).toBe(expectedCostMicros("anthropic/claude-haiku-4-5", { input: 1000, output: 200 }));
  });

  it("an id the catalog does not list goes where UNLISTED_MODEL_ROUTES sends it, billed at the family's dearest price", async () => {
    gw.up.enqueue({ path: "/anthropic/", json: anthropicMessage("ok", { inputTokens: 1000, outputTokens: 200 }) });
    const body = '{"model":"claude-opus-4-1-20250805","max_tokens":512,"messages":[{"role":"user","content":"hi"}]}';
    const res = await post(gw.worker, "/v1/messages", body);
    expect(res.status).toBe(200);
    await res.text();
    expect(sent()).toBe(body);
    expect(Number(res.headers.get("x-qlaud-cost-micros"))).toBe(expectedCostMicros("anthropic/claude-opus-4-5", { input: 1000, output: 200 }));
  });

  it("an unlisted id of a family nobody routes is still a 404 naming it", async () => {
    const res = await post(gw.worker, "/v1/chat/completions", { model: "gpt-9-turbo", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(404);
    expect(gw.up.calls).toEqual([]);
  });
});

describe("an OpenAI stream with CRLF line ends to a client that did not ask for usage", () => {
  it("relays every content event as sent, drops only the usage chunk Gatehouse asked for, and bills its usage", async () => {
    const crlf = sseFromChunks("openai", ["Lima", " the", " llama."], { inputTokens: 40, outputTokens: 3 }).replaceAll("\n", "\r\n");
    gw.up.enqueue({ path: "/openai/", sse: crlf, splitEvery: 100_000 });
    const res = await post(gw.worker, "/v1/chat/completions", { model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = crlf.split("\r\n\r\n").filter((e) => e !== "").map((e) => `${e}\r\n\r\n`);
    expect(text).toBe(events.filter((e) => !e.includes('"choices":[]')).join(""));
    const charge = await chargeFor(gw.worker, res.headers.get("x-qlaud-request-id") ?? "");
    expect(-charge.amount_micros).toBe(expectedCostMicros("openai/gpt-4o-mini", { input: 40, output: 3 }));
  });
});
