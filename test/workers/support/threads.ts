// Test-only helpers for the threads tests: a thread through the API, and stored messages
// written straight into D1 (the turn's real append is the turn room's; these tests must not
// depend on it). Each append takes the next seqs and moves last_seq and message_count as a
// turn does.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { mintKey } from "./money";
import { call } from "./seed";

export interface ThreadJson {
  id: string;
  object: "thread";
  end_user_id: string | null;
  metadata: Record<string, string>;
  message_count: number;
  created_at: number;
  last_active_at: number;
}

export async function createThread(key: string, body: Record<string, unknown> = {}): Promise<ThreadJson> {
  const res = await call("POST", "/v1/threads", key, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<ThreadJson>();
}

/** A standard key acting for one end user. */
export async function endUserKey(masterKey: string, endUser: string): Promise<string> {
  return (await mintKey(masterKey, { scope: "standard", end_user_id: endUser })).secret;
}

/** Appends `count` messages (alternating user/assistant) to a thread; returns their seqs. */
export async function appendMessages(tenantId: string, threadId: string, count: number, at = Date.now()): Promise<number[]> {
  if (count === 0) return [];
  const t = await env.DB.prepare("SELECT last_seq, end_user_id FROM threads WHERE tenant_id = ? AND id = ?")
    .bind(tenantId, threadId)
    .first<{ last_seq: number; end_user_id: string | null }>();
  if (!t) throw new Error(`no thread ${threadId}`);
  const seqs = Array.from({ length: count }, (_, i) => t.last_seq + 1 + i);
  const rows = seqs.map((seq) => ({
    seq,
    role: seq % 2 === 1 ? "user" : "assistant",
    content: JSON.stringify([{ type: "text", text: `message ${seq}` }]),
  }));
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO thread_messages (tenant_id, thread_id, seq, role, content, end_user_id, request_id, created_at) " +
        "SELECT ?1, ?2, json_extract(value, '$.seq'), json_extract(value, '$.role'), json_extract(value, '$.content'), ?3, 'req_test', ?4 FROM json_each(?5)",
    ).bind(tenantId, threadId, t.end_user_id, at, JSON.stringify(rows)),
    env.DB.prepare("UPDATE threads SET last_seq = last_seq + ?1, message_count = message_count + ?1, last_active_at = ?2 WHERE tenant_id = ?3 AND id = ?4").bind(
      count,
      at,
      tenantId,
      threadId,
    ),
  ]);
  return seqs;
}
