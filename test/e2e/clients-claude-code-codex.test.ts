// Real client request shapes (fixtures/clients/, sources in its README) through the real
// gateway with only the base URL swapped: Claude Code 2.x (Anthropic surface) and Codex's
// chat wire (OpenAI surface), each to its native provider (pass-through) and to the other
// (translated). Each must answer 200, and the upstream must receive what the policy says.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSse, post, useGateway } from "../support/gateway-harness";

const gw = useGateway();

const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/clients", name), "utf8")) as Record<string, unknown>;
const claudeCode = load("claude-code-2.x-messages.json");
const codex = load("codex-0.94-chat.json");

/** Posts, expects 200 and a complete stream, and returns the one upstream call's body. */
async function send(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await post(gw.worker, path, body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(parseSse(text).length).toBeGreaterThan(0);
  expect(gw.up.calls).toHaveLength(1);
  return gw.up.calls[0]?.body as Record<string, unknown>;
}

describe("Claude Code 2.x (Anthropic Messages)", () => {
  it("→ an OpenAI model (translated): system turns hoisted, adaptive thinking / context_management / cache_control dropped, effort and user mapped", async () => {
    const up = await send("/v1/messages", { ...claudeCode, model: "openai/gpt-4o-mini" });
    expect(gw.up.calls[0]?.path).toBe("/openai/v1/chat/completions");
    const messages = up.messages as Array<{ role: string; content: unknown }>;
    expect(messages[0]?.role).toBe("system");
    const system = JSON.stringify(messages[0]?.content);
    expect(system).toContain("You are Claude Code");
    expect(system).toContain("plan mode"); // the system turn sent inside messages
    expect(messages.filter((m) => m.role === "system")).toHaveLength(1);
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(JSON.stringify(up)).not.toContain("cache_control");
    expect(JSON.stringify(up)).not.toContain("redacted_thinking");
    expect(up).not.toHaveProperty("context_management");
    expect(up).not.toHaveProperty("thinking");
    expect(up).not.toHaveProperty("output_config");
    expect(up.reasoning_effort).toBe("high");
    expect(up.user).toBe((claudeCode.metadata as { user_id: string }).user_id);
    expect((up.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(["Bash", "Read", "mcp__github__get_issue"]);
    expect(up.stream).toBe(true);
  });

  it("→ an Anthropic model (pass-through): every field reaches the upstream as sent, only the model resolved", async () => {
    const up = await send("/v1/messages", { ...claudeCode, model: "anthropic/claude-sonnet-4-5" });
    expect(gw.up.calls[0]?.path).toBe("/anthropic/v1/messages");
    const { model: _m, max_tokens: _t, ...rest } = claudeCode;
    expect(up).toMatchObject(rest);
    expect(up.model).toBe("claude-sonnet-4-5");
  });
});

describe("Codex CLI, chat wire (Chat Completions)", () => {
  it("→ an OpenAI model (pass-through): tools and the reasoning field reach the upstream as sent", async () => {
    const up = await send("/v1/chat/completions", { ...codex, model: "openai/gpt-4o-mini" });
    expect(gw.up.calls[0]?.path).toBe("/openai/v1/chat/completions");
    expect(up.tools).toEqual(codex.tools);
    expect(up.messages).toEqual(codex.messages);
  });

  it("→ an Anthropic model (translated): instructions as system, the tool call and its result as blocks", async () => {
    const up = await send("/v1/chat/completions", { ...codex, model: "anthropic/claude-sonnet-4-5" });
    expect(gw.up.calls[0]?.path).toBe("/anthropic/v1/messages");
    expect(JSON.stringify(up.system)).toContain("Codex's system prompt");
    expect((up.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(["shell", "update_plan", "apply_patch", "view_image"]);
    const blocks = (up.messages as Array<{ content: Array<{ type: string }> | string }>).flatMap((m) => (typeof m.content === "string" ? [] : m.content.map((b) => b.type)));
    expect(blocks).toContain("tool_use");
    expect(blocks).toContain("tool_result");
  });

  it("a tool with `name` beside `type` (the reported `body.tools.0.name must NOT be valid`) is accepted and passed through", async () => {
    const flat = { type: "function", name: "shell", description: "Runs a command", parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } } } }, strict: false };
    const up = await send("/v1/chat/completions", { ...codex, model: "openai/gpt-4o-mini", tools: [flat] });
    expect(up.tools).toEqual([flat]);
  });
});

describe("what the provider accepts, Gatehouse passes through", () => {
  it("the deprecated `function` role (OpenAI still accepts it) reaches an OpenAI model as sent", async () => {
    const messages = [
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: null, function_call: { name: "weather", arguments: '{"city":"Paris"}' } },
      { role: "function", name: "weather", content: "18°C" },
    ];
    const up = await send("/v1/chat/completions", { model: "openai/gpt-4o-mini", messages, stream: true });
    expect(up.messages).toEqual(messages);
  });
});
