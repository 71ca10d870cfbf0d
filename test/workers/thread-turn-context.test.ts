// The context a turn sends, through the real Worker and D1: a history larger than the model's
// window (mock/echo: 32,768 tokens) loses its oldest WHOLE turns — never a tool_use without its
// tool_result — and a 10,000-message thread is read a page or two from its newest end.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { buildToolSet } from "../../runtime/agent";
import { resolveModel } from "../../runtime/gateway/resolve-model";
import { contextBudget, estimateTokens, startsTurn } from "../../runtime/threads/context-window";
import { loadContext, modelLimits } from "../../runtime/threads/turn-context";
import { call, seedTenant } from "./support/seed";
import { messagesOf, newThread, turn } from "./support/thread-turns";

type Block = Record<string, unknown>;

/** Stores messages (seq 1…n) as earlier turns would have, tokens 0 (estimated from their size). */
async function seedMessages(tenantId: string, threadId: string, messages: Array<{ role: "user" | "assistant"; content: Block[] }>) {
  await env.DB.batch([
    ...messages.map((m, i) =>
      env.DB.prepare("INSERT INTO thread_messages (tenant_id, thread_id, seq, role, content, tokens, created_at) VALUES (?, ?, ?, ?, ?, 0, 0)").bind(tenantId, threadId, i + 1, m.role, JSON.stringify(m.content)),
    ),
    env.DB.prepare("UPDATE threads SET last_seq = ?, message_count = ? WHERE tenant_id = ? AND id = ?").bind(messages.length, messages.length, tenantId, threadId),
  ]);
}

/** The budget a mock/echo turn with this user text and max_tokens gets. */
function echoBudget(text: string, maxTokens: number, toolTokens: number): number {
  const limits = modelLimits(resolveModel("mock/echo"), maxTokens);
  return contextBudget({ contextWindow: limits.contextWindow, maxTokens: limits.maxTokens, newTokens: estimateTokens([{ type: "text", text }]) + toolTokens });
}

/** The estimated tokens of the four meta-tools a turn offers by default (they share the window). */
async function dynamicToolTokens(tenantId: string): Promise<number> {
  return estimateTokens((await buildToolSet(env, {}, { tenantId, endUserId: undefined })).definitions);
}

describe("a history larger than the model's window", () => {
  it("drops the oldest whole turns, keeps each tool_use with its tool_result, and sends exactly the rest", async () => {
    const t = await seedTenant({ creditMicros: 50_000_000 });
    const thread = await newThread(t.tenantId);
    // 12 turns of 4 messages (≈ 1,000 tokens each): user, assistant tool_use, user tool_result, assistant — ≈ 48k tokens.
    const filler = (c: string) => c.repeat(4_000);
    const history = Array.from({ length: 12 }, (_, n) => [
      { role: "user" as const, content: [{ type: "text", text: `${n}: ${filler("q")}` }] },
      { role: "assistant" as const, content: [{ type: "text", text: filler("a") }, { type: "tool_use", id: `toolu_${n}`, name: "lookup", input: { n } }] },
      { role: "user" as const, content: [{ type: "tool_result", tool_use_id: `toolu_${n}`, content: filler("r") }] },
      { role: "assistant" as const, content: [{ type: "text", text: filler("b") }] },
    ]).flat();
    await seedMessages(t.tenantId, thread, history);

    const res = await turn(t.masterKey, thread, { content: "what now?", max_tokens: 100 });
    expect(res.status).toBe(200);
    const got = await res.json<{ seq: number; usage: { input_tokens: number } }>();
    expect(got.seq).toBe(50);

    const toolTokens = await dynamicToolTokens(t.tenantId);
    const sent = await loadContext(env.DB, t.tenantId, thread, 48, echoBudget("what now?", 100, toolTokens));
    // Some turns but not all, whole turns only (4 messages each), starting at a turn's user message.
    expect(sent.messages.length).toBeGreaterThan(0);
    expect(sent.messages.length).toBeLessThan(48);
    expect(sent.messages.length % 4).toBe(0);
    expect(sent.messages.at(-1)?.seq).toBe(48);
    expect(startsTurn(sent.messages[0] as never)).toBe(true);
    const uses = sent.messages.flatMap((m) => m.content.filter((b) => b.type === "tool_use").map((b) => b["id"]));
    const results = sent.messages.flatMap((m) => m.content.filter((b) => b.type === "tool_result").map((b) => b["tool_use_id"]));
    expect(results).toEqual(uses);

    // The model got exactly that context: the same messages sent by hand count the same input.
    const byHand = async (messages: Array<{ role: string; content: Block[] }>) => {
      const r = await call("POST", "/v1/messages", t.masterKey, { model: "mock/echo", max_tokens: 100, messages: [...messages, { role: "user", content: [{ type: "text", text: "what now?" }] }] });
      return (await r.json<{ usage: { input_tokens: number } }>()).usage.input_tokens;
    };
    const kept = history.slice(48 - sent.messages.length);
    expect(got.usage.input_tokens).toBe(await byHand(kept));
    // …and not the history with one more (partial) turn's messages.
    expect(got.usage.input_tokens).not.toBe(await byHand(history.slice(48 - sent.messages.length - 2)));

    // The stored user message's tokens: the input less the context's and the tools' estimates (≥ 1).
    const rows = await messagesOf(t.tenantId, thread);
    expect(rows.at(-2)?.tokens).toBe(Math.max(1, got.usage.input_tokens - sent.tokens - toolTokens));
  });
});

describe("a 10,000-message thread", () => {
  it("is read from its newest end, a page of 200 at a time, only as far as the window reaches", async () => {
    const t = await seedTenant({ creditMicros: 50_000_000 });
    const thread = await newThread(t.tenantId);
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO thread_messages (tenant_id, thread_id, seq, role, content, tokens, created_at) " +
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) " +
          "SELECT ?, ?, i, CASE WHEN i % 2 = 1 THEN 'user' ELSE 'assistant' END, '[{\"type\":\"text\",\"text\":\"message ' || i || '\"}]', 100, 0 FROM n",
      ).bind(t.tenantId, thread),
      env.DB.prepare("UPDATE threads SET last_seq = 10000, message_count = 10000 WHERE tenant_id = ? AND id = ?").bind(t.tenantId, thread),
    ]);

    const small = await loadContext(env.DB, t.tenantId, thread, 10_000, 5_000);
    expect(small.pagesRead).toBe(1);
    expect(small.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 9_951 + i));
    const budget = echoBudget("and now?", 100, await dynamicToolTokens(t.tenantId));
    const window = await loadContext(env.DB, t.tenantId, thread, 10_000, budget);
    expect(window.pagesRead).toBe(readsFor(window.messages.length));
    expect(window.messages.length).toBe(2 * Math.floor(budget / 200));
    // A window that holds the whole thread: reads double (200, 400, 800, then 1,600 each), so
    // 10,000 messages take 9 reads, not 50.
    const whole = await loadContext(env.DB, t.tenantId, thread, 10_000, 2_000_000);
    expect(whole.messages).toHaveLength(10_000);
    expect(whole.pagesRead).toBe(readsFor(10_000));
    expect(whole.pagesRead).toBe(9);

    const started = Date.now();
    const res = await turn(t.masterKey, thread, { content: "and now?", max_tokens: 100 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ seq: 10_002, content: [{ type: "text", text: "and now?" }] });
    console.log(`a turn on a 10,000-message thread: ${Date.now() - started} ms, ${window.pagesRead} pages, ${window.messages.length} messages of context`);
  });
});

/** Reads loadContext makes for `n` rows that all fit: 200, then doubling up to 1,600 a read (turn-context.ts). */
function readsFor(n: number): number {
  let reads = 0;
  let size = 200;
  for (let covered = 0; covered < n; covered += size, size = Math.min(size * 2, 1_600)) reads++;
  return reads;
}
