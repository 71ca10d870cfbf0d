// D1 `thread_messages`: the reads of a thread's stored messages (the message pages, and a turn's
// context read newest first) and their deletes (the turn's append lives in thread-turns.ts). Pages are range scans of the primary key
// (tenant_id, thread_id, seq); every statement takes the tenant.

export interface ThreadMessageRow {
  seq: number;
  role: "user" | "assistant";
  /** The content blocks as JSON text. */
  content: string;
  request_id: string | null;
  /** Its share of the turn's usage (fits later turns into the model's window). */
  tokens: number;
  /** What the model round that produced it cost (assistant messages), or null. */
  cost_micros: number | null;
  created_at: number;
}

/**
 * Up to `limit` messages of one thread with after < seq < before (either bound optional), in
 * seq order. The caller asks for one more than it shows to learn whether more follow.
 */
export async function listThreadMessageRows(
  db: D1Database,
  tenantId: string,
  threadId: string,
  q: { order: "asc" | "desc"; limit: number; afterSeq: number | undefined; beforeSeq: number | undefined },
): Promise<ThreadMessageRow[]> {
  const where = ["tenant_id = ?", "thread_id = ?"];
  const params: (string | number)[] = [tenantId, threadId];
  if (q.afterSeq !== undefined) {
    where.push("seq > ?");
    params.push(q.afterSeq);
  }
  if (q.beforeSeq !== undefined) {
    where.push("seq < ?");
    params.push(q.beforeSeq);
  }
  const sql = `SELECT seq, role, content, request_id, tokens, cost_micros, created_at FROM thread_messages WHERE ${where.join(" AND ")} ORDER BY seq ${q.order === "asc" ? "ASC" : "DESC"} LIMIT ?`;
  const { results } = await db.prepare(sql).bind(...params, q.limit).all<ThreadMessageRow>();
  return results;
}

/**
 * Deletes one end user's messages (for the erase's batch; its changes are the erase's count):
 * those recorded with the end user, and any other in the end user's threads.
 */
export function deleteEndUserMessagesStatement(db: D1Database, tenantId: string, endUserId: string): D1PreparedStatement {
  return db
    .prepare(
      "DELETE FROM thread_messages WHERE tenant_id = ?1 AND (end_user_id = ?2 OR thread_id IN (SELECT id FROM threads WHERE tenant_id = ?1 AND end_user_id = ?2))",
    )
    .bind(tenantId, endUserId);
}

/** Deletes every message of these threads of one tenant (with deleteThreadsStatement, in one batch). */
export function deleteThreadsMessagesStatement(db: D1Database, tenantId: string, threadIds: readonly string[]): D1PreparedStatement {
  return db
    .prepare("DELETE FROM thread_messages WHERE tenant_id = ? AND thread_id IN (SELECT value FROM json_each(?))")
    .bind(tenantId, JSON.stringify(threadIds));
}
