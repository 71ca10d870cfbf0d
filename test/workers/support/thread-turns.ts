// Helpers of the thread-turn tests: threads and messages straight in D1, turns through the
// Worker, and a reader for the SSE a streamed turn sends.
import { env } from "cloudflare:test";
import { call } from "./seed";

export interface StoredRow {
  seq: number;
  role: "user" | "assistant";
  content: string;
  end_user_id: string | null;
  request_id: string | null;
  tokens: number;
}

export interface ThreadRowState {
  last_seq: number;
  message_count: number;
  busy_token: string | null;
  busy_until: number | null;
  last_active_at: number;
}

/** A live thread of the tenant, inserted as POST /v1/threads would. */
export async function newThread(tenantId: string, endUserId: string | null = null): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await env.DB.prepare("INSERT INTO threads (tenant_id, id, end_user_id, created_at, last_active_at) VALUES (?, ?, ?, ?, ?)").bind(tenantId, id, endUserId, now, now).run();
  return id;
}

export async function messagesOf(tenantId: string, threadId: string): Promise<StoredRow[]> {
  const r = await env.DB.prepare("SELECT seq, role, content, end_user_id, request_id, tokens FROM thread_messages WHERE tenant_id = ? AND thread_id = ? ORDER BY seq")
    .bind(tenantId, threadId)
    .all<StoredRow>();
  return r.results;
}

export async function threadState(tenantId: string, threadId: string): Promise<ThreadRowState | null> {
  return env.DB.prepare("SELECT last_seq, message_count, busy_token, busy_until, last_active_at FROM threads WHERE tenant_id = ? AND id = ?").bind(tenantId, threadId).first<ThreadRowState>();
}

export function turn(key: string, threadId: string, body: Record<string, unknown>) {
  return call("POST", `/v1/threads/${threadId}/messages`, key, { model: "mock/echo", max_tokens: 100, ...body });
}

export interface SseEvent {
  event: string;
  data: string;
}

/** The events of an SSE text, in order. */
export function sseEvents(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "";
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      return { event, data };
    });
}

/** Waits for something that happens in waitUntil after the answer (a charge, a stored turn). */
export async function eventually<T>(read: () => Promise<T | undefined | null>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
