// POST /v1/threads/:id/messages through the real Worker, D1, the Wallet and the mock provider:
// a turn stores the user's message and the reply together under contiguous seqs, the next turn
// sends them as context, a stream carries the qlaud.* events around the Anthropic ones, and
// every refusal (402, 404, 403, a bad tools request) stores nothing and leaves the thread free.
// The agent loop's rounds are tested in agent-loop.test.ts.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { buildToolSet } from "../../runtime/agent";
import { estimateTokens } from "../../runtime/threads/context-window";
import { ledgerOf, mintKey, usageRow } from "./support/money";
import { call, seedTenant } from "./support/seed";
import { eventually, messagesOf, newThread, sseEvents, threadState, turn } from "./support/thread-turns";

/** The estimated tokens of the four meta-tools a turn offers by default. */
async function dynamicToolTokens(tenantId: string): Promise<number> {
  return estimateTokens((await buildToolSet(env, {}, { tenantId, endUserId: undefined })).definitions);
}

async function chargeOf(tenantId: string, requestId: string): Promise<number> {
  const entry = await eventually(async () => (await ledgerOf(tenantId)).find((e) => e.request_id === requestId && e.type === "charge"));
  return -entry.amount_micros;
}

describe("a non-streaming turn", () => {
  it("stores user + assistant under seqs 1, 2 then 3, 4; the second turn's model request holds the first turn", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const key = (await mintKey(t.masterKey, { scope: "standard", end_user_id: "ada" })).secret;
    const thread = await newThread(t.tenantId, "ada");

    const first = await turn(key, thread, { content: "My name is Ada." });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-qlaud-thread-id")).toBe(thread);
    expect(first.headers.get("x-qlaud-assistant-seq")).toBe("2");
    expect(first.headers.get("server-timing")).toMatch(/persist;dur=[\d.]+/);
    const r1 = await first.json<{ thread_id: string; seq: number; content: unknown[]; stop_reason: string; usage: { input_tokens: number; output_tokens: number }; iterations: number; cost_micros: number }>();
    expect(r1).toMatchObject({ thread_id: thread, seq: 2, content: [{ type: "text", text: "My name is Ada." }], stop_reason: "end_turn", iterations: 1 });
    const req1 = first.headers.get("x-qlaud-request-id");
    expect(r1.cost_micros).toBe(await chargeOf(t.tenantId, req1 ?? ""));

    const second = await turn(key, thread, { content: [{ type: "text", text: "Who am I?" }] });
    expect(second.status).toBe(200);
    expect(second.headers.get("x-qlaud-assistant-seq")).toBe("4");
    const r2 = await second.json<typeof r1>();
    const req2 = second.headers.get("x-qlaud-request-id");

    const rows = await messagesOf(t.tenantId, thread);
    expect(rows.map((r) => [r.seq, r.role, JSON.parse(r.content), r.end_user_id, r.request_id])).toEqual([
      [1, "user", [{ type: "text", text: "My name is Ada." }], "ada", req1],
      [2, "assistant", [{ type: "text", text: "My name is Ada." }], "ada", req1],
      [3, "user", [{ type: "text", text: "Who am I?" }], "ada", req2],
      [4, "assistant", [{ type: "text", text: "Who am I?" }], "ada", req2],
    ]);
    expect(rows[1]?.tokens).toBe(r1.usage.output_tokens);
    // The first turn had no context: its input less the offered tools' estimate is the user's (mock/echo does not count tools).
    expect(rows[0]?.tokens).toBe(Math.max(1, r1.usage.input_tokens - (await dynamicToolTokens(t.tenantId))));

    // The model saw the first turn: the same request sent by hand to /v1/messages counts the same input.
    const byHand = await call("POST", "/v1/messages", key, {
      model: "mock/echo",
      max_tokens: 100,
      messages: [
        { role: "user", content: [{ type: "text", text: "My name is Ada." }] },
        { role: "assistant", content: [{ type: "text", text: "My name is Ada." }] },
        { role: "user", content: [{ type: "text", text: "Who am I?" }] },
      ],
    });
    const expected = await byHand.json<{ usage: { input_tokens: number } }>();
    expect(r2.usage.input_tokens).toBe(expected.usage.input_tokens);
    expect(r2.usage.input_tokens).toBeGreaterThan(r1.usage.input_tokens);

    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 4, message_count: 4, busy_token: null, busy_until: null });
  });

  it("a bad tools request is a 400 naming the field, before anything is stored or charged; the thread stays free", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const cases: [Record<string, unknown>, string][] = [
      [{ tools_mode: "explicit" }, "body.tools"],
      [{ client_tools: [{ name: "no spaces allowed", input_schema: { type: "object" } }] }, "body.client_tools"],
      [{ max_iterations: 0 }, "body.max_iterations"],
      [{ max_iterations: 51 }, "body.max_iterations"],
    ];
    for (const [fields, param] of cases) {
      const res = await turn(t.masterKey, thread, { content: "hi", ...fields });
      expect(res.status).toBe(400);
      const body = await res.json<{ error: { param: string; message: string } }>();
      expect(body.error.param).toContain(param);
      expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 0, busy_token: null });
    }
    expect(await messagesOf(t.tenantId, thread)).toEqual([]);
    expect((await ledgerOf(t.tenantId)).filter((e) => e.type === "charge")).toEqual([]);
  });

  it("offers the four meta-tools by default (tools_mode dynamic): a plain turn sends them and still answers in one round", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const res = await turn(t.masterKey, thread, { model: "mock/tools", content: "no tool needed" });
    expect(res.status).toBe(200);
    // mock/tools calls the first tool it is offered: the meta-tool search ran, then it answered from the result.
    const body = await res.json<{ seq: number; iterations: number; stop_reason: string }>();
    expect(body).toMatchObject({ seq: 4, iterations: 2, stop_reason: "end_turn" });
    const rows = await messagesOf(t.tenantId, thread);
    expect(JSON.parse(rows[1]?.content ?? "[]")).toMatchObject([{ type: "tool_use", name: "qlaud_search_tools" }]);
  });
});

describe("a streaming turn", () => {
  it("sends qlaud.iteration_start, the Anthropic events byte for byte, then qlaud.done with the seq and the charged cost; stores the turn", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    await turn(t.masterKey, thread, { content: "first turn" }).then((r) => r.text());

    const res = await turn(t.masterKey, thread, { content: "stream me please", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-qlaud-thread-id")).toBe(thread);
    expect(res.headers.get("x-qlaud-assistant-seq")).toBe("4");
    const text = await res.text();
    const events = sseEvents(text);
    expect(events[0]).toEqual({ event: "qlaud.iteration_start", data: '{"iteration":1}' });
    expect(events.slice(1, -1).map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    // The mock streams one delta per word; the text delta's exact bytes.
    expect(text).toContain('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"stream "}}\n\n');
    const done = events.at(-1);
    expect(done?.event).toBe("qlaud.done");
    const data = JSON.parse(done?.data ?? "{}") as { iterations: number; hit_max_iterations: boolean; cost_micros: number; seq: number };
    expect(data).toMatchObject({ iterations: 1, hit_max_iterations: false, seq: 4 });
    expect(data.cost_micros).toBeGreaterThan(0);
    expect(data.cost_micros).toBe(await chargeOf(t.tenantId, res.headers.get("x-qlaud-request-id") ?? ""));

    const rows = await messagesOf(t.tenantId, thread);
    expect(rows.map((r) => [r.seq, r.role, JSON.parse(r.content)])).toEqual([
      [1, "user", [{ type: "text", text: "first turn" }]],
      [2, "assistant", [{ type: "text", text: "first turn" }]],
      [3, "user", [{ type: "text", text: "stream me please" }]],
      [4, "assistant", [{ type: "text", text: "stream me please" }]],
    ]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 4, busy_token: null });
  });

  it("a stream the upstream cuts mid-way ends in qlaud.error, no qlaud.done, nothing stored, the thread free", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const res = await call("POST", `/v1/threads/${thread}/messages`, t.masterKey, { model: "mock/flaky", max_tokens: 100, content: "please cut this answer off half way through", stream: true });
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text());
    expect(events[0]?.event).toBe("qlaud.iteration_start");
    expect(events.some((e) => e.event === "content_block_delta")).toBe(true);
    expect(events.map((e) => e.event)).not.toContain("qlaud.done");
    const last = events.at(-1);
    expect(last?.event).toBe("qlaud.error");
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ type: "api_error", message: expect.stringContaining("nothing was stored") });
    expect(await messagesOf(t.tenantId, thread)).toEqual([]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 0, busy_token: null });
    expect((await turn(t.masterKey, thread, { content: "again" })).status).toBe(200);
  });

  it("a client that hangs up after the first bytes: the turn still completes and is stored", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    // mock/flaky with slow=: the answer takes a while, word by word (faults are on in tests).
    const res = await call("POST", `/v1/threads/${thread}/messages`, t.masterKey, { model: "mock/flaky", max_tokens: 100, content: "one two three four five slow=30", stream: true });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    const rows = await eventually(async () => {
      const r = await messagesOf(t.tenantId, thread);
      return r.length === 2 ? r : undefined;
    });
    expect(JSON.parse(rows[1]?.content ?? "[]")).toEqual([{ type: "text", text: "one two three four five slow=30" }]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 2, busy_token: null });
  });
});

describe("refusals store nothing, charge nothing and leave the thread free", () => {
  it("402: a key whose cap cannot cover the turn; the next turn with a good key works", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const poor = await mintKey(t.masterKey, { scope: "standard", end_user_id: "ada", max_spend_usd: 0.00001 });
    const thread = await newThread(t.tenantId, "ada");
    const res = await turn(poor.secret, thread, { content: "hello" });
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: { type: "cap_exceeded" } });
    expect(await messagesOf(t.tenantId, thread)).toEqual([]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 0, busy_token: null, busy_until: null });
    const ok = await turn(t.masterKey, thread, { content: "hello" });
    expect(ok.status).toBe(200);
    expect((await messagesOf(t.tenantId, thread)).map((r) => r.seq)).toEqual([1, 2]);
  });

  it("404 for another tenant's thread and a soft-deleted one; 403 for another end user's — before any charge, lock untouched", async () => {
    const a = await seedTenant({ creditMicros: 10_000_000 });
    const b = await seedTenant({ creditMicros: 10_000_000 });
    const bobs = await newThread(a.tenantId, "bob");
    const deleted = await newThread(a.tenantId);
    await env.DB.prepare("UPDATE threads SET deleted_at = ? WHERE tenant_id = ? AND id = ?").bind(Date.now(), a.tenantId, deleted).run();
    const ada = (await mintKey(a.masterKey, { scope: "standard", end_user_id: "ada" })).secret;
    const noUser = (await mintKey(a.masterKey, { scope: "standard" })).secret;

    expect((await turn(b.masterKey, bobs, { content: "x" })).status).toBe(404);
    expect((await turn(a.masterKey, deleted, { content: "x" })).status).toBe(404);
    const foreign = await turn(ada, bobs, { content: "x" });
    expect(foreign.status).toBe(403);
    expect((await turn(noUser, bobs, { content: "x" })).status).toBe(403);
    // Another end user cannot even learn that the thread is busy.
    await env.DB.prepare("UPDATE threads SET busy_token = 'other', busy_until = ? WHERE tenant_id = ? AND id = ?").bind(Date.now() + 60_000, a.tenantId, bobs).run();
    expect((await turn(ada, bobs, { content: "x" })).status).toBe(403);
    expect(await threadState(a.tenantId, bobs)).toMatchObject({ busy_token: "other" });

    for (const t of [a, b]) expect((await ledgerOf(t.tenantId)).filter((e) => e.type === "charge")).toEqual([]);
    expect(await messagesOf(a.tenantId, bobs)).toEqual([]);
  });

  it("an upstream's error before any output is the turn's status (streamed or not); nothing stored or charged, the thread free", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    for (const stream of [false, true]) {
      const res = await call("POST", `/v1/threads/${thread}/messages`, t.masterKey, { model: "mock/flaky", max_tokens: 10, content: "status=429", stream });
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ error: { type: "rate_limit_error", message: expect.stringContaining("mock/flaky") } });
      expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 0, busy_token: null });
    }
    expect(await messagesOf(t.tenantId, thread)).toEqual([]);
    expect((await ledgerOf(t.tenantId)).filter((e) => e.type === "charge" && e.amount_micros !== 0)).toEqual([]);
  });

  it("an unknown model is a 404 naming the model param; nothing locked", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const res = await call("POST", `/v1/threads/${thread}/messages`, t.masterKey, { model: "mock/nope", max_tokens: 10, content: "x" });
    expect(res.status).toBe(404);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: null });
  });
});

describe("whose usage a turn is", () => {
  it("a master key's turn on an end user's thread is that end user's usage row; on a tenant-level thread, nobody's", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId, "grace");
    const res = await turn(t.masterKey, thread, { content: "Hello." });
    expect(res.status).toBe(200);
    const row = await usageRow(t.tenantId, res.headers.get("x-qlaud-request-id") ?? "");
    expect(row).toMatchObject({ end_user_id: "grace", key_id: t.masterKeyId });

    const tenantLevel = await newThread(t.tenantId, null);
    const res2 = await turn(t.masterKey, tenantLevel, { content: "Hello." });
    expect(res2.status).toBe(200);
    expect(await usageRow(t.tenantId, res2.headers.get("x-qlaud-request-id") ?? "")).toMatchObject({ end_user_id: null, key_id: t.masterKeyId });
  });
});
