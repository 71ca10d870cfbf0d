// mock/agent on its own (runtime/gateway/mock-agent.ts through mockFetch): the scripted agent
// plays search → execute → relay the connect URL → execute again → answer, and the explicit /
// client tool paths, from the conversation alone — in the Anthropic and OpenAI shapes,
// streaming and not, with the same moves in all four. The loop that feeds it real tool results
// is tested in agent-flow-*.test.ts; here the tool results are written by hand in the shape the
// meta-tools answer with.
import { describe, expect, it } from "vitest";
import { mockFetch } from "../../runtime/gateway/mock-provider";
import { CONNECT_RELAY } from "../../runtime/gateway/mock-agent";
import { parseSse } from "../support/gateway-harness";

type Shape = "anthropic" | "openai";
interface Call {
  id: string;
  name: string;
  input: Record<string, unknown>;
}
interface Reply {
  text: string;
  calls: Call[];
  stop: string;
}
/** A conversation in Anthropic shape (converted for the OpenAI runs). */
type Msg = { role: "user" | "assistant"; content: string | Record<string, unknown>[] };

interface ToolDef {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

const META: ToolDef[] = ["qlaud_search_tools", "qlaud_get_tool_schemas", "qlaud_multi_execute", "qlaud_manage_connections"].map((name) => ({
  name,
  description: `meta-tool ${name}`,
  input_schema: { type: "object", properties: {} },
}));
const ASK = 'Create a Linear ticket {"teamId":"T1","title":"Login broken"}';
const SEARCH_RESULT = {
  tools: [
    { tool: "github/list_repos", description: "List repositories.", connection: "connected" },
    { tool: "linear/create_issue", description: "Create an issue in a team.", connection: "not_connected" },
    { tool: "linear/create_comment", description: "Comment on an issue.", connection: "not_connected" },
  ],
};
const NOT_CONNECTED = { results: [{ tool: "linear/create_issue", status: "not_connected", connect_url: "http://127.0.0.1:1/connect/tok123", expires_at: 1, message: "connect first" }] };
const SUCCESS = { results: [{ tool: "linear/create_issue", ok: true, result: { success: true, issue: { identifier: "ENG-7" } } }] };

async function ask(shape: Shape, stream: boolean, messages: Msg[], tools: ToolDef[]): Promise<Reply> {
  const body =
    shape === "anthropic"
      ? { model: "mock/agent", max_tokens: 512, stream, messages, tools }
      : { model: "mock/agent", stream, messages: toOpenAI(messages), tools: tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } })) };
  const res = await mockFetch(shape, "agent", body, new AbortController().signal, { faults: false });
  expect(res.status).toBe(200);
  if (!stream) {
    const json = (await res.json()) as Record<string, unknown>;
    if (shape === "anthropic") {
      const content = json.content as { type: string; text?: string; id?: string; name?: string; input?: Record<string, unknown> }[];
      return {
        text: content.filter((b) => b.type === "text").map((b) => b.text).join(""),
        calls: content.filter((b) => b.type === "tool_use").map((b) => ({ id: b.id!, name: b.name!, input: b.input! })),
        stop: String(json.stop_reason),
      };
    }
    const choice = (json.choices as { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[])[0]!;
    return {
      text: choice.message.content ?? "",
      calls: (choice.message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, input: JSON.parse(c.function.arguments) })),
      stop: choice.finish_reason,
    };
  }
  const events = parseSse(await res.text());
  let text = "";
  const calls: { id: string; name: string; json: string }[] = [];
  let stop = "";
  for (const e of events) {
    if (e.data === "[DONE]") continue;
    const d = JSON.parse(e.data);
    if (shape === "anthropic") {
      if (d.type === "content_block_start" && d.content_block.type === "tool_use") calls.push({ id: d.content_block.id, name: d.content_block.name, json: "" });
      if (d.type === "content_block_delta" && d.delta.type === "text_delta") text += d.delta.text;
      if (d.type === "content_block_delta" && d.delta.type === "input_json_delta") calls[calls.length - 1]!.json += d.delta.partial_json;
      if (d.type === "message_delta") stop = d.delta.stop_reason;
    } else {
      const choice = d.choices?.[0];
      if (!choice) continue;
      text += choice.delta.content ?? "";
      for (const tc of choice.delta.tool_calls ?? []) {
        if (tc.id) calls[tc.index] = { id: tc.id, name: tc.function.name, json: "" };
        calls[tc.index]!.json += tc.function.arguments ?? "";
      }
      if (choice.finish_reason) stop = choice.finish_reason;
    }
  }
  return { text, calls: calls.map((c) => ({ id: c.id, name: c.name, input: c.json ? JSON.parse(c.json) : {} })), stop };
}

function toOpenAI(messages: Msg[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const m of messages) {
    if (typeof m.content === "string") {
      out.push({ role: m.role, content: m.content });
      continue;
    }
    const uses = m.content.filter((b) => b.type === "tool_use");
    const results = m.content.filter((b) => b.type === "tool_result");
    const text = m.content.filter((b) => b.type === "text").map((b) => b.text).join("");
    if (m.role === "assistant") {
      out.push({
        role: "assistant",
        content: text || null,
        ...(uses.length ? { tool_calls: uses.map((u) => ({ id: u.id, type: "function", function: { name: u.name, arguments: JSON.stringify(u.input) } })) } : {}),
      });
    } else {
      for (const r of results) out.push({ role: "tool", tool_call_id: r.tool_use_id, content: `${r.is_error ? "Error: " : ""}${r.content}` });
      if (text) out.push({ role: "user", content: text });
    }
  }
  return out;
}

/** The model's reply as the assistant message, and the results as the next user message. */
function extend(messages: Msg[], reply: Reply, results: (unknown | { error: unknown })[]): Msg[] {
  const assistant: Msg = {
    role: "assistant",
    content: [...(reply.text ? [{ type: "text", text: reply.text }] : []), ...reply.calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.input }))],
  };
  if (results.length === 0) return [...messages, assistant];
  const blocks = reply.calls.map((c, i) => {
    const r = results[i] as { error?: unknown };
    const isError = r && typeof r === "object" && "error" in r && Object.keys(r).length === 1;
    return { type: "tool_result", tool_use_id: c.id, content: JSON.stringify(isError ? r.error : r), ...(isError ? { is_error: true } : {}) };
  });
  return [...messages, assistant, { role: "user", content: blocks }];
}

const MODES: [Shape, boolean][] = [
  ["anthropic", false],
  ["anthropic", true],
  ["openai", false],
  ["openai", true],
];

describe.each(MODES)("mock/agent in the %s shape, stream=%s", (shape, stream) => {
  it("plays search → execute → relay the connect URL → (I connected it) execute again → answer", async () => {
    let messages: Msg[] = [{ role: "user", content: ASK }];
    const r1 = await ask(shape, stream, messages, META);
    expect(r1.calls).toEqual([{ id: "call_agent_0_0", name: "qlaud_search_tools", input: { intent: "Create a Linear ticket" } }]);
    expect(r1.stop).toBe(shape === "anthropic" ? "tool_use" : "tool_calls");

    messages = extend(messages, r1, [SEARCH_RESULT]);
    const r2 = await ask(shape, stream, messages, META);
    const execute = { calls: [{ tool: "linear/create_issue", args: { teamId: "T1", title: "Login broken" } }] };
    expect(r2.calls).toEqual([{ id: "call_agent_1_0", name: "qlaud_multi_execute", input: execute }]);

    messages = extend(messages, r2, [NOT_CONNECTED]);
    const r3 = await ask(shape, stream, messages, META);
    expect(r3.calls).toEqual([]);
    expect(r3.text).toBe(`${CONNECT_RELAY} http://127.0.0.1:1/connect/tok123 — then tell me when you are done.`);
    expect(r3.stop).toBe(shape === "anthropic" ? "end_turn" : "stop");

    messages = [...extend(messages, r3, []), { role: "user", content: "I connected it." }];
    const r4 = await ask(shape, stream, messages, META);
    expect(r4.calls).toEqual([{ id: "call_agent_3_0", name: "qlaud_multi_execute", input: execute }]);

    messages = extend(messages, r4, [SUCCESS]);
    const r5 = await ask(shape, stream, messages, META);
    expect(r5.calls).toEqual([]);
    expect(r5.text).toBe(`Done. qlaud_multi_execute returned: ${JSON.stringify(SUCCESS)}`);
  });

  it("prefers the hit sharing most words with the intent, and a tool the text names over any", async () => {
    const pick = async (content: string) => {
      const messages: Msg[] = [{ role: "user", content }];
      const r = await ask(shape, stream, messages, META);
      return (await ask(shape, stream, extend(messages, r, [SEARCH_RESULT]), META)).calls[0]?.input;
    };
    expect(await pick('Comment on a Linear issue {"issueId":"I1"}')).toEqual({ calls: [{ tool: "linear/create_comment", args: { issueId: "I1" } }] });
    expect(await pick('Use linear/create_comment {"body":"x"}')).toEqual({ calls: [{ tool: "linear/create_comment", args: { body: "x" } }] });
  });

  it("asks for schemas when the text holds no JSON, then fills the required fields", async () => {
    let messages: Msg[] = [{ role: "user", content: "Create an issue in Linear. It is urgent." }];
    const r1 = await ask(shape, stream, messages, META);
    expect(r1.calls[0]?.input).toEqual({ intent: "Create an issue in Linear" });
    messages = extend(messages, r1, [SEARCH_RESULT]);
    const r2 = await ask(shape, stream, messages, META);
    expect(r2.calls[0]).toMatchObject({ name: "qlaud_get_tool_schemas", input: { tools: ["linear/create_issue"] } });
    const schemas = { tools: [{ tool: "linear/create_issue", input_schema: { type: "object", properties: { teamId: { type: "string" }, priority: { type: "integer" } }, required: ["teamId", "priority"] } }] };
    messages = extend(messages, r2, [schemas]);
    const r3 = await ask(shape, stream, messages, META);
    expect(r3.calls[0]).toMatchObject({ name: "qlaud_multi_execute", input: { calls: [{ tool: "linear/create_issue", args: { teamId: "sample-teamId", priority: 1 } }] } });
  });

  it("retries a vendor 5xx once, then reports the failure; a timeout is reported without a retry", async () => {
    let messages: Msg[] = [{ role: "user", content: ASK }];
    messages = extend(messages, await ask(shape, stream, messages, META), [SEARCH_RESULT]);
    const first = await ask(shape, stream, messages, META);
    const failed = { results: [{ tool: "linear/create_issue", ok: false, error: { kind: "vendor", status: 500, message: "Linear answered 500", retryable: false } }] };
    messages = extend(messages, first, [failed]);
    const retry = await ask(shape, stream, messages, META);
    expect(retry.calls[0]).toMatchObject({ name: "qlaud_multi_execute", input: first.calls[0]!.input });
    const again = extend(messages, retry, [failed]);
    expect((await ask(shape, stream, again, META)).text).toBe("The tool failed: Linear answered 500");

    const timeout = { error: { tool: "linear/create_issue", ok: false, error: { kind: "timeout", status: 504, message: "the tool did not answer within 30000 ms", retryable: true } } };
    const timedOut = extend(messages.slice(0, -2), first, [timeout]);
    const answer = await ask(shape, stream, timedOut, META);
    expect(answer.calls).toEqual([]);
    expect(answer.text).toBe("The tool failed: the tool did not answer within 30000 ms");
  });

  it("without meta-tools calls the tool the text names (wire form), then answers from its result", async () => {
    const tools: ToolDef[] = [
      { name: "linear__search_issues", description: "Search.", input_schema: { type: "object", properties: { term: { type: "string" } }, required: ["term"] } },
      { name: "get_weather", description: "Weather (the client runs it).", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    ];
    let messages: Msg[] = [{ role: "user", content: 'What is the weather? Use get_weather {"city":"Oslo"}' }];
    const r1 = await ask(shape, stream, messages, tools);
    expect(r1.calls).toEqual([{ id: "call_agent_0_0", name: "get_weather", input: { city: "Oslo" } }]);
    messages = extend(messages, r1, [{ temp_c: 4 }]);
    expect((await ask(shape, stream, messages, tools)).text).toBe('Done. get_weather returned: {"temp_c":4}');

    const byCatalogName = await ask(shape, stream, [{ role: "user", content: "Find it with linear/search_issues" }], tools);
    expect(byCatalogName.calls[0]).toMatchObject({ name: "linear__search_issues", input: { term: "sample-term" } });
    const unnamed = await ask(shape, stream, [{ role: "user", content: "anything" }], tools);
    expect(unnamed.calls[0]?.name).toBe("linear__search_issues");

    // A direct call that answers with a connect URL: relayed, then repeated after "I connected it".
    let relay: Msg[] = [{ role: "user", content: 'Find {"term":"login"}' }];
    const direct = await ask(shape, stream, relay, tools);
    relay = extend(relay, direct, [{ error: { ok: false, status: "not_connected", connect_url: "http://127.0.0.1:1/connect/t2" } }]);
    const relayed = await ask(shape, stream, relay, tools);
    expect(relayed.text).toContain("http://127.0.0.1:1/connect/t2");
    relay = [...extend(relay, relayed, []), { role: "user", content: "done, I connected it" }];
    expect((await ask(shape, stream, relay, tools)).calls[0]).toMatchObject({ name: "linear__search_issues", input: { term: "login" } });
  });

  it('"repeat=N" makes the same successful call N times, then answers', async () => {
    const tools: ToolDef[] = [{ name: "ping", description: "Ping.", input_schema: { type: "object", properties: {} } }];
    let messages: Msg[] = [{ role: "user", content: 'ping {"n":1} repeat=3' }];
    for (let i = 0; i < 3; i++) {
      const r = await ask(shape, stream, messages, tools);
      expect(r.calls).toEqual([{ id: `call_agent_${i}_0`, name: "ping", input: { n: 1 } }]);
      messages = extend(messages, r, [{ pong: i }]);
    }
    expect((await ask(shape, stream, messages, tools)).text).toBe('Done. ping returned: {"pong":2}');
  });

  it("calls a tool the text names even beside the meta-tools (a client tool in dynamic mode)", async () => {
    const tools: ToolDef[] = [...META, { name: "get_weather", description: "Weather.", input_schema: { type: "object", properties: {} } }];
    const r = await ask(shape, stream, [{ role: "user", content: 'get_weather {"city":"Oslo"}' }], tools);
    expect(r.calls).toEqual([{ id: "call_agent_0_0", name: "get_weather", input: { city: "Oslo" } }]);
  });
});

it("mock/agent without tools repeats the user's text", async () => {
  const res = await mockFetch("openai", "agent", { model: "mock/agent", messages: [{ role: "user", content: "hello there" }] }, new AbortController().signal, { faults: false });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  expect(body.choices[0]?.message.content).toBe("hello there");
});
