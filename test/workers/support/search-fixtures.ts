// Threads and messages for the search tests, written straight into D1 (migration 0009's tables),
// so the search room is tested without the threads room's routes.
import { env } from "cloudflare:test";
import { indexJob } from "../../../runtime/search/queue-consumer";
import { FtsIndex } from "../../../runtime/search/fts-index";
import type { SearchIndex } from "../../../runtime/search/search-index";
import { mintKey } from "./money";

/** A live thread of the tenant (end user optional). */
export async function makeThread(tenantId: string, endUserId: string | null): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await env.DB.prepare("INSERT INTO threads (tenant_id, id, end_user_id, created_at, last_active_at) VALUES (?, ?, ?, ?, ?)").bind(tenantId, id, endUserId, now, now).run();
  return id;
}

/** Stores messages (content blocks, or a string as one text block) at seqs 1, 2, …; returns the seqs. */
export async function storeMessages(tenantId: string, threadId: string, endUserId: string | null, contents: Array<string | unknown[]>, firstSeq = 1): Promise<number[]> {
  const seqs = contents.map((_, i) => firstSeq + i);
  await env.DB.batch(
    contents.map((c, i) =>
      env.DB.prepare("INSERT INTO thread_messages (tenant_id, thread_id, seq, role, content, end_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(
        tenantId,
        threadId,
        seqs[i],
        i % 2 === 0 ? "user" : "assistant",
        JSON.stringify(typeof c === "string" ? [{ type: "text", text: c }] : c),
        endUserId,
        1_700_000_000_000 + i,
      ),
    ),
  );
  return seqs;
}

/** A thread holding these messages, indexed (as the queue consumer would). */
export async function indexedThread(tenantId: string, endUserId: string | null, contents: Array<string | unknown[]>, index: SearchIndex = new FtsIndex(env.DB)): Promise<string> {
  const threadId = await makeThread(tenantId, endUserId);
  const seqs = await storeMessages(tenantId, threadId, endUserId, contents);
  await indexJob(env.DB, index, { tenantId, threadId, seqs });
  return threadId;
}

/** A standard key acting for one end user. */
export async function endUserKey(masterKey: string, endUserId: string): Promise<string> {
  return (await mintKey(masterKey, { end_user_id: endUserId })).secret;
}

export function softDelete(tenantId: string, threadId: string) {
  return env.DB.prepare("UPDATE threads SET deleted_at = ? WHERE tenant_id = ? AND id = ?").bind(Date.now(), tenantId, threadId).run();
}
