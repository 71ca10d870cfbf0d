// The agent loop of POST /v1/threads/:id/messages through the real Worker, D1 and the Wallet,
// the model played by a scripted upstream (the local receiver standing in for Anthropic's and
// OpenAI's APIs through UPSTREAM_<ID>_URL), the tools by runtime/agent (the meta-tool search
// runs against the built-in catalog, no vendor needed). What is stored, in which order, what
// the next round and the next turn send, what is billed, and what is streamed.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../runtime/index";
import { ledgerOf, mintKey } from "./support/money";
import { seedTenant } from "./support/seed";
import { eventually, messagesOf, newThread, sseEvents, threadState, type StoredRow } from "./support/thread-turns";
import { RECEIVER, api, freshPrefix, received, script, toolsEnv } from "./support/tools";

const pending: ExecutionContext[] = [];
afterEach(async () => {
  for (const ctx of pending.splice(0)) await waitOnExecutionContext(ctx);
});

type Block = Record<string, unknown>;
interface Usage {
  input_tokens: number;
  output_tokens: number;
}

// ---- the scripted model -------------------------------------------------------------------

const search = (id: string, intent = "linear ticket"): Block => ({ type: "tool_use", id, name: "qlaud_search_tools", input: { intent } });
const text = (t: string): Block => ({ type: "text", text: t });

/** An Anthropic Messages answer. */
function message(content: Block[], stop: string, usage: Usage = { input_tokens: 40, output_tokens: 8 }) {
  return { body: { id: "msg_test", type: "message", role: "assistant", model: "claude-haiku-4-5", content, stop_reason: stop, stop_sequence: null, usage } };
}

/** The same answer as Anthropic's SSE (text word by word, tool input in two pieces). */
function streamed(content: Block[], stop: string, usage: Usage = { input_tokens: 40, output_tokens: 8 }) {
  const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  let out = ev("message_start", { type: "message_start", message: { id: "msg_test", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input_tokens, output_tokens: 1 } } });
  content.forEach((b, index) => {
    if (b.type === "text") {
      out += ev("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const w of String(b.text).split(/(?<=\s)/)) out += ev("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: w } });
    } else {
      out += ev("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: b.id, name: b.name, input: {} } });
      const json = JSON.stringify(b.input);
      const half = Math.floor(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) out += ev("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } });
    }
    out += ev("content_block_stop", { type: "content_block_stop", index });
  });
  out += ev("message_delta", { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  out += ev("message_stop", { type: "message_stop" });
  return { body: out, headers: { "content-type": "text/event-stream" } };
}

const MODEL = "anthropic/claude-haiku-4-5";

/** The Worker with Anthropic (and OpenAI) pointed at the receiver under a fresh prefix. */
function upstream(label: string) {
  const prefix = freshPrefix(label);
  const e = toolsEnv({ UPSTREAM_ANTHROPIC_URL: `${RECEIVER}${prefix}`, ANTHROPIC_API_KEY: "sk-ant-test", UPSTREAM_OPENAI_URL: `${RECEIVER}${prefix}`, OPENAI_API_KEY: "sk-test" });
  return { prefix, e };
}

/** A turn through the Worker; the response as it comes (the test reads or cancels it). */
async function turn(e: Env, key: string, thread: string, body: Record<string, unknown>): Promise<Response> {
  const ctx = createExecutionContext();
  pending.push(ctx);
  const req = new Request(`http://gatehouse.test/v1/threads/${thread}/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, max_tokens: 200, ...body }),
  });
  return worker.fetch(req as Request<unknown, IncomingRequestCfProperties>, e, ctx);
}

/** The bodies the model was sent, in order. */
async function modelCalls(prefix: string): Promise<{ messages: { role: string; content: Block[] | string }[]; tools?: { name: string }[]; stream?: boolean }[]> {
  return (await received(`${prefix}/`)).map((r) => JSON.parse(r.raw));
}

function rowsOf(rows: StoredRow[]) {
  return rows.map((r) => [r.seq, r.role, JSON.parse(r.content) as Block[]] as const);
}

/** What the ledger charged for a turn: every round's charge (round k ≥ 2 under `<id>.r<k>`). */
async function chargedFor(tenantId: string, requestId: string, rounds: number): Promise<number> {
  const entries = await eventually(async () => {
    const found = (await ledgerOf(tenantId)).filter((x) => x.type === "charge" && (x.request_id === requestId || x.request_id?.startsWith(`${requestId}.r`)));
    return found.length >= rounds ? found : undefined;
  });
  expect(entries.length).toBe(rounds);
  return entries.reduce((n, x) => n - x.amount_micros, 0);
}

async function seeded() {
  const t = await seedTenant({ creditMicros: 10_000_000 });
  const thread = await newThread(t.tenantId, "ada");
  return { t, thread };
}

describe("a multi-round turn", () => {
  it("stores [user, assistant(tool_use)] then [user(tool_result), assistant] in seq order; round 2 and the next turn send valid tool pairs; each round billed", async () => {
    const { prefix, e } = upstream("loop-multi");
    const { t, thread } = await seeded();
    await script(`${prefix}/messages`, message([text("Let me look."), search("tu_1")], "tool_use", { input_tokens: 900, output_tokens: 30 }), message([text("Linear can do it.")], "end_turn", { input_tokens: 1200, output_tokens: 12 }), message([text("You're welcome.")], "end_turn"));

    const res = await turn(e, t.masterKey, thread, { content: "find me a tool for a linear ticket" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-qlaud-thread-id")).toBe(thread);
    expect(res.headers.get("x-qlaud-assistant-seq")).toBe("2");
    const requestId = res.headers.get("x-qlaud-request-id") ?? "";
    const body = await res.json<{ thread_id: string; seq: number; content: Block[]; stop_reason: string; usage: Usage; iterations: number; cost_micros: number }>();
    expect(body).toMatchObject({ thread_id: thread, seq: 4, content: [text("Linear can do it.")], stop_reason: "end_turn", iterations: 2, usage: { input_tokens: 2100, output_tokens: 42 } });

    const rows = await messagesOf(t.tenantId, thread);
    const stored = rowsOf(rows);
    expect(stored.map(([seq, role]) => [seq, role])).toEqual([[1, "user"], [2, "assistant"], [3, "user"], [4, "assistant"]]);
    expect(stored[0]?.[2]).toEqual([text("find me a tool for a linear ticket")]);
    expect(stored[1]?.[2]).toEqual([text("Let me look."), search("tu_1")]);
    const results = stored[2]?.[2] ?? [];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ type: "tool_result", tool_use_id: "tu_1" });
    expect(results[0]?.is_error).not.toBe(true);
    expect(JSON.stringify(results[0]?.content)).toContain("linear/"); // the catalog's hits, real names
    expect(stored[3]?.[2]).toEqual([text("Linear can do it.")]);
    expect(rows.every((r) => r.request_id === requestId && r.end_user_id === "ada")).toBe(true);
    expect(rows[2]?.tokens).toBe(1200 - 900 - 30); // round 2's input less round 1's input and output
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 4, message_count: 4, busy_token: null, busy_until: null });

    // Round 2 was sent round 1's answer and the tool's result; the meta-tools both times.
    const [r1, r2] = await modelCalls(prefix);
    expect(r1?.tools?.map((x) => x.name).sort()).toEqual(["qlaud_get_tool_schemas", "qlaud_manage_connections", "qlaud_multi_execute", "qlaud_search_tools"]);
    expect(r2?.tools).toEqual(r1?.tools);
    expect(r2?.messages).toEqual([
      { role: "user", content: stored[0]?.[2] },
      { role: "assistant", content: stored[1]?.[2] },
      { role: "user", content: results },
    ]);

    // Each round is its own hold and charge; the summary's cost is their sum.
    expect(body.cost_micros).toBeGreaterThan(0);
    expect(body.cost_micros).toBe(await chargedFor(t.tenantId, requestId, 2));
    // Each assistant message carries its round's cost, and they add up to the turn's; user messages carry none.
    const page = await api<{ data: { seq: number; role: string; cost_micros: number | null }[] }>(e, "GET", `/v1/threads/${thread}/messages?order=asc`, t.masterKey);
    const costs = page.body.data.map((m) => [m.role, m.cost_micros]);
    expect(costs.filter(([role]) => role === "user").every(([, c]) => c === null)).toBe(true);
    const perRound = costs.filter(([role]) => role === "assistant").map(([, c]) => c as number);
    expect(perRound).toHaveLength(2);
    expect(perRound.every((c) => c > 0)).toBe(true);
    expect(perRound[0]! + perRound[1]!).toBe(body.cost_micros);

    // The next turn's context holds the whole first turn, tool pair included.
    const next = await turn(e, t.masterKey, thread, { content: "thanks" });
    expect(next.status).toBe(200);
    expect(next.headers.get("x-qlaud-assistant-seq")).toBe("6");
    await next.text();
    const r3 = (await modelCalls(prefix))[2];
    expect(r3?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(r3?.messages.slice(0, 4).map((m) => m.content)).toEqual(stored.map(([, , c]) => c));
  });

  it("an OpenAI-shaped upstream carries the same loop: tool_calls become tool_use blocks, results go back as tool messages", async () => {
    const { prefix, e } = upstream("loop-openai");
    const { t, thread } = await seeded();
    const completion = (msg: Record<string, unknown>, finish: string, usage = { prompt_tokens: 30, completion_tokens: 6, total_tokens: 36 }) => ({
      body: { id: "chatcmpl-test", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", ...msg }, finish_reason: finish }], usage },
    });
    await script(
      `${prefix}/chat/completions`,
      completion({ content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "qlaud_search_tools", arguments: JSON.stringify({ intent: "github issue" }) } }] }, "tool_calls"),
      completion({ content: "GitHub it is." }, "stop"),
    );
    const res = await turn(e, t.masterKey, thread, { model: "openai/gpt-4o-mini", content: "open a github issue" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ seq: 4, iterations: 2, stop_reason: "end_turn", content: [text("GitHub it is.")] });
    const stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored[1]?.[2]).toEqual([{ type: "tool_use", id: "call_a", name: "qlaud_search_tools", input: { intent: "github issue" } }]);
    expect(stored[2]?.[2][0]).toMatchObject({ type: "tool_result", tool_use_id: "call_a" });

    const second = (await received(prefix))[1];
    const sent = JSON.parse(second?.raw ?? "{}") as { messages: { role: string; tool_call_id?: string; tool_calls?: { id: string }[] }[]; tools: { function: { name: string } }[] };
    expect(sent.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(sent.messages[1]?.tool_calls?.[0]?.id).toBe("call_a");
    expect(sent.messages[2]?.tool_call_id).toBe("call_a");
    expect(sent.tools.map((x) => x.function.name)).toContain("qlaud_search_tools");
  });
});

describe("a streamed turn", () => {
  it("per round: qlaud.iteration_start, the round's Anthropic events, tool dispatch events; then qlaud.done; text deltas byte-exact", async () => {
    const { prefix, e } = upstream("loop-stream");
    const { t, thread } = await seeded();
    await script(`${prefix}/messages`, streamed([search("tu_s")], "tool_use"), streamed([text("All done here.")], "end_turn"));
    const res = await turn(e, t.masterKey, thread, { content: "stream the loop", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-qlaud-assistant-seq")).toBe("2");
    const raw = await res.text();
    const events = sseEvents(raw);
    const message = ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"];
    const text3 = ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"];
    expect(events.map((x) => x.event)).toEqual([
      "qlaud.iteration_start",
      ...message,
      "qlaud.tool_dispatch_start",
      "qlaud.tool_dispatch_done",
      "qlaud.iteration_start",
      ...text3,
      "qlaud.done",
    ]);
    const data = (name: string) => events.filter((x) => x.event === name).map((x) => x.data);
    expect(data("qlaud.iteration_start")).toEqual(['{"iteration":1}', '{"iteration":2}']);
    expect(data("qlaud.tool_dispatch_start")).toEqual(['{"tool_use_id":"tu_s","name":"qlaud_search_tools"}']);
    expect(data("qlaud.tool_dispatch_done")).toEqual(['{"tool_use_id":"tu_s","name":"qlaud_search_tools","ok":true}']);
    expect(raw).toContain('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"All "}}\n\n');
    const done = JSON.parse(data("qlaud.done")[0] ?? "{}") as { iterations: number; hit_max_iterations: boolean; cost_micros: number; seq: number };
    expect(done).toMatchObject({ iterations: 2, hit_max_iterations: false, seq: 4 });
    expect(done.cost_micros).toBe(await chargedFor(t.tenantId, res.headers.get("x-qlaud-request-id") ?? "", 2));
    expect(rowsOf(await messagesOf(t.tenantId, thread)).map(([s, r]) => [s, r])).toEqual([[1, "user"], [2, "assistant"], [3, "user"], [4, "assistant"]]);
    // Both rounds were asked to stream.
    expect((await modelCalls(prefix)).map((c) => c.stream)).toEqual([true, true]);
  });

  it("max_iterations reached: hit_max_iterations, the unrun call answered is_error (stored), and the next turn goes on from it", async () => {
    const { prefix, e } = upstream("loop-max");
    const { t, thread } = await seeded();
    await script(`${prefix}/messages`, streamed([search("tu_m1")], "tool_use"), streamed([search("tu_m2", "slack message")], "tool_use"), message([text("Fine.")], "end_turn"));
    const res = await turn(e, t.masterKey, thread, { content: "keep searching", stream: true, max_iterations: 2 });
    const events = sseEvents(await res.text());
    expect(events.filter((x) => x.event === "qlaud.tool_dispatch_start").map((x) => JSON.parse(x.data).tool_use_id)).toEqual(["tu_m1"]);
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ iterations: 2, hit_max_iterations: true, seq: 5 });
    expect(events.at(-1)?.event).toBe("qlaud.done");
    const stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored.map(([s, r]) => [s, r])).toEqual([[1, "user"], [2, "assistant"], [3, "user"], [4, "assistant"], [5, "user"]]);
    expect(stored[4]?.[2]).toEqual([{ type: "tool_result", tool_use_id: "tu_m2", is_error: true, content: expect.stringContaining("max_iterations (2)") }]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 5, busy_token: null });

    const next = await turn(e, t.masterKey, thread, { content: "stop now" });
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ seq: 7, iterations: 1 });
    // The unrun call's result and the new text went as one user message after the tool call.
    const last = (await modelCalls(prefix))[2];
    expect(last?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(last?.messages.at(-1)?.content).toEqual([stored[4]?.[2][0], text("stop now")]);
  });

  it("a client that disconnects mid-turn: the loop stops after that round, which is stored with its call answered is_error; nothing more is billed", async () => {
    const { prefix, e } = upstream("loop-hangup");
    const { t, thread } = await seeded();
    await script(`${prefix}/messages`, { ...streamed([text("Searching."), search("tu_h")], "tool_use"), delayMs: 300 }, streamed([text("never sent")], "end_turn"));
    const res = await turn(e, t.masterKey, thread, { content: "go and hang up", stream: true });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // qlaud.iteration_start
    await reader.cancel();
    const rows = await eventually(async () => {
      const r = await messagesOf(t.tenantId, thread);
      return r.length === 3 ? r : undefined;
    });
    const stored = rowsOf(rows);
    expect(stored[1]?.[2]).toEqual([text("Searching."), search("tu_h")]);
    expect(stored[2]?.[2]).toEqual([{ type: "tool_result", tool_use_id: "tu_h", is_error: true, content: expect.stringContaining("disconnected") }]);
    await eventually(async () => ((await threadState(t.tenantId, thread))?.busy_token === null ? true : undefined));
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 3 });
    expect(await modelCalls(prefix)).toHaveLength(1);
  });
});

describe("client tools", () => {
  it("the turn stops for the app's tool (stop_reason tool_use), our call in the same round runs and is stored; a tool_result content array continues the turn", async () => {
    const { prefix, e } = upstream("loop-client");
    const { t, thread } = await seeded();
    const weather = { type: "tool_use", id: "tu_w", name: "get_weather", input: { city: "Oslo" } };
    await script(`${prefix}/messages`, message([search("tu_c"), weather], "tool_use"), message([text("Sunny in Oslo, and Linear is there.")], "end_turn"));
    const client_tools = [{ name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];

    const first = await turn(e, t.masterKey, thread, { content: "weather in Oslo, and a linear tool", client_tools });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ seq: 2, stop_reason: "tool_use", iterations: 1, content: [search("tu_c"), weather] });
    const r1 = (await modelCalls(prefix))[0];
    expect(r1?.tools?.map((x) => x.name)).toContain("get_weather");
    let stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored.map(([s, r]) => [s, r])).toEqual([[1, "user"], [2, "assistant"], [3, "user"]]);
    expect(stored[2]?.[2].map((b) => b.tool_use_id)).toEqual(["tu_c"]); // only ours: the app answers tu_w
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: null });

    const cont = await turn(e, t.masterKey, thread, { content: [{ type: "tool_result", tool_use_id: "tu_w", content: "sunny, 21°C" }], client_tools });
    expect(cont.status).toBe(200);
    expect(cont.headers.get("x-qlaud-assistant-seq")).toBe("5");
    expect(await cont.json()).toMatchObject({ seq: 5, stop_reason: "end_turn", content: [text("Sunny in Oslo, and Linear is there.")] });
    stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored[3]).toEqual([4, "user", [{ type: "tool_result", tool_use_id: "tu_w", content: "sunny, 21°C" }]]);
    // The model saw both results in the one message after its calls.
    const r2 = (await modelCalls(prefix))[1];
    expect(r2?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect((r2?.messages[2]?.content as Block[]).map((b) => b.tool_use_id)).toEqual(["tu_c", "tu_w"]);
  });

  it("a next turn that leaves the app's call unanswered gets an is_error result for it, so the thread stays valid", async () => {
    const { prefix, e } = upstream("loop-client-skip");
    const { t, thread } = await seeded();
    await script(`${prefix}/messages`, message([{ type: "tool_use", id: "tu_x", name: "lookup", input: {} }], "tool_use"), message([text("ok")], "end_turn"));
    const client_tools = [{ name: "lookup", input_schema: { type: "object" } }];
    expect((await turn(e, t.masterKey, thread, { content: "look it up", client_tools })).status).toBe(200);
    expect((await messagesOf(t.tenantId, thread)).map((r) => r.seq)).toEqual([1, 2]);
    const res = await turn(e, t.masterKey, thread, { content: "never mind" });
    expect(res.status).toBe(200);
    const stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored[2]?.[2]).toEqual([{ type: "tool_result", tool_use_id: "tu_x", is_error: true, content: expect.stringContaining("lookup") }, text("never mind")]);
  });
});

describe("the cap between rounds", () => {
  it("402 for round 2: qlaud.error (cap_exceeded), round 1 and its tool results stored, nothing half-written, only round 1 charged, nothing left held", async () => {
    const { prefix, e } = upstream("loop-cap");
    const { t, thread } = await seeded();
    // Round 1 holds ≈ its output limit (1,000 tokens × $5/Mtok = 5,000 µ$) plus its input; it costs 6,000 µ$,
    // leaving 3,000 of the 9,000 cap: less than round 2's hold.
    const poor = await mintKey(t.masterKey, { scope: "standard", end_user_id: "ada", max_spend_usd: 0.009 });
    await script(`${prefix}/messages`, streamed([search("tu_p")], "tool_use", { input_tokens: 1000, output_tokens: 1000 }), streamed([text("unreachable")], "end_turn"));
    const res = await turn(e, poor.secret, thread, { content: "spend it", stream: true, max_tokens: 1000 });
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text());
    expect(events.map((x) => x.event)).not.toContain("qlaud.done");
    expect(events.filter((x) => x.event === "qlaud.iteration_start")).toHaveLength(2);
    const last = events.at(-1);
    expect(last?.event).toBe("qlaud.error");
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ type: "cap_exceeded", message: expect.stringContaining("round 1 is stored (the thread ends at seq 3)") });

    const stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored.map(([s, r]) => [s, r])).toEqual([[1, "user"], [2, "assistant"], [3, "user"]]);
    expect(stored[2]?.[2][0]).toMatchObject({ type: "tool_result", tool_use_id: "tu_p" });
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 3, message_count: 3, busy_token: null });
    expect(await modelCalls(prefix)).toHaveLength(1);

    const requestId = res.headers.get("x-qlaud-request-id") ?? "";
    expect(await chargedFor(t.tenantId, requestId, 1)).toBe(6_000);
    const wallet = await (await worker.fetch(new Request("http://gatehouse.test/v1/wallet", { headers: { "x-api-key": t.masterKey } }) as Request<unknown, IncomingRequestCfProperties>, e, createExecutionContext())).json<{ reserved_micros: number }>();
    expect(wallet.reserved_micros).toBe(0);
  });

  it("the same refusal without streaming is the 402, its message saying what was stored", async () => {
    const { prefix, e } = upstream("loop-cap-json");
    const { t, thread } = await seeded();
    const poor = await mintKey(t.masterKey, { scope: "standard", end_user_id: "ada", max_spend_usd: 0.009 });
    await script(`${prefix}/messages`, message([search("tu_q")], "tool_use", { input_tokens: 1000, output_tokens: 1000 }), message([text("unreachable")], "end_turn"));
    const res = await turn(e, poor.secret, thread, { content: "spend it", max_tokens: 1000 });
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: { type: "cap_exceeded", message: expect.stringContaining("round 1 is stored") } });
    expect((await messagesOf(t.tenantId, thread)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: null });
  });
});

describe("a tool that fails", () => {
  it("is an is_error result the model reads in the next round (tool_dispatch_done ok: false); the turn completes", async () => {
    const { prefix, e } = upstream("loop-toolfail");
    const { t, thread } = await seeded();
    const hook = `${prefix}-hook/orders`;
    const created = await api(e, "POST", "/v1/tools", t.masterKey, { name: "lookup_order", description: "Look up an order.", input_schema: { type: "object", properties: { n: { type: "string" } } }, url: `${RECEIVER}${hook}` });
    expect(created.status).toBe(201);
    await script(hook, { status: 500, body: { error: "order service down" } });
    const call = { type: "tool_use", id: "tu_f", name: "lookup_order", input: { n: "42" } };
    await script(`${prefix}/messages`, streamed([call], "tool_use"), streamed([text("The order service is down.")], "end_turn"));

    const res = await turn(e, t.masterKey, thread, { content: "where is order 42?", stream: true, tools_mode: "tenant" });
    const events = sseEvents(await res.text());
    expect(events.find((x) => x.event === "qlaud.tool_dispatch_done")?.data).toBe('{"tool_use_id":"tu_f","name":"lookup_order","ok":false}');
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ iterations: 2, hit_max_iterations: false, seq: 4 });
    expect((await received(hook)).length).toBeGreaterThan(0);
    const stored = rowsOf(await messagesOf(t.tenantId, thread));
    expect(stored[2]?.[2]).toEqual([expect.objectContaining({ type: "tool_result", tool_use_id: "tu_f", is_error: true })]);
    // Round 2 was sent that error result.
    const r2 = (await modelCalls(prefix))[1];
    expect(r2?.tools?.map((x) => x.name)).toEqual(["lookup_order"]);
    expect(r2?.messages.at(-1)?.content).toEqual(stored[2]?.[2]);
    expect(stored[3]?.[2]).toEqual([text("The order service is down.")]);
  });
});
