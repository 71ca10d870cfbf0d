// D1 statements of a thread turn (POST /v1/threads/:id/messages): the one-turn-at-a-time lock
// on the `threads` row (its context is read with thread-messages.ts), and the turn's messages
// appended whole, a round at a time, with the seq counter moved (and, on the last append, the
// lock cleared) — all guarded by the lock's token and the seq it expects, so a turn that lost
// its lock can never write. Every statement takes the tenant.

/** The locked row: where the thread's seqs stand. */
export interface LockedThread {
  last_seq: number;
  end_user_id: string | null;
}

/**
 * Takes the lock in one conditional UPDATE: only a live thread whose lock is free or expired.
 * null: busy (or gone since it was read).
 */
export async function acquireTurnLock(db: D1Database, tenantId: string, threadId: string, token: string, now: number, ttlMs: number): Promise<LockedThread | null> {
  return db
    .prepare(
      "UPDATE threads SET busy_token = ?, busy_until = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL AND (busy_until IS NULL OR busy_until < ?) RETURNING last_seq, end_user_id",
    )
    .bind(token, now + ttlMs, tenantId, threadId, now)
    .first<LockedThread>();
}

/** Extends a lock this token still holds; false when it was lost (expired and taken). */
export async function renewTurnLock(db: D1Database, tenantId: string, threadId: string, token: string, now: number, ttlMs: number): Promise<boolean> {
  const res = await db.prepare("UPDATE threads SET busy_until = ? WHERE tenant_id = ? AND id = ? AND busy_token = ?").bind(now + ttlMs, tenantId, threadId, token).run();
  return res.meta.changes === 1;
}

/** Frees the lock if this token still holds it (another turn's lock is left alone). */
export async function releaseTurnLock(db: D1Database, tenantId: string, threadId: string, token: string): Promise<void> {
  await db.prepare("UPDATE threads SET busy_token = NULL, busy_until = NULL WHERE tenant_id = ? AND id = ? AND busy_token = ?").bind(tenantId, threadId, token).run();
}

/** One message of a turn, ready to store. */
export interface NewMessage {
  seq: number;
  role: "user" | "assistant";
  /** JSON array of content blocks. */
  content: string;
  tokens: number;
  /** The cost of the model round that produced it (assistant messages), or null. */
  costMicros?: number | null;
}

export interface StoredTurn {
  threadId: string;
  /** The lock's token: nothing is written unless it still holds the lock. */
  token: string;
  /** last_seq when the lock was taken: the messages continue it. */
  lastSeq: number;
  endUserId: string | null;
  requestId: string;
  messages: readonly NewMessage[];
  now: number;
  /** Clear the lock in the same batch (the turn's last write). Default true; false keeps it held for the next round. */
  release?: boolean;
}

// The guard every statement of the batch repeats: this turn still holds the lock, and no seq
// was written since it was taken.
const HELD = "SELECT 1 FROM threads WHERE tenant_id = ? AND id = ? AND busy_token = ? AND last_seq = ? AND deleted_at IS NULL";

/**
 * Stores messages of the turn, moves last_seq and message_count, marks the thread active and
 * (unless `release: false`) frees the lock, in one batch (one transaction). Returns false,
 * having written nothing, when the lock was lost, another write moved last_seq, or the thread
 * was deleted meanwhile.
 */
export async function storeTurn(db: D1Database, tenantId: string, t: StoredTurn): Promise<boolean> {
  const guard = [tenantId, t.threadId, t.token, t.lastSeq] as const;
  const inserts = t.messages.map((m) =>
    db
      .prepare(
        `INSERT INTO thread_messages (tenant_id, thread_id, seq, role, content, end_user_id, request_id, tokens, cost_micros, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (${HELD})`,
      )
      .bind(tenantId, t.threadId, m.seq, m.role, m.content, t.endUserId, t.requestId, m.tokens, m.costMicros ?? null, t.now, ...guard),
  );
  const n = t.messages.length;
  const free = t.release === false ? "" : ", busy_token = NULL, busy_until = NULL";
  const update = db
    .prepare(
      `UPDATE threads SET last_seq = last_seq + ?, message_count = message_count + ?, last_active_at = ?${free} ` +
        "WHERE tenant_id = ? AND id = ? AND busy_token = ? AND last_seq = ? AND deleted_at IS NULL",
    )
    .bind(n, n, t.now, ...guard);
  const results = await db.batch([...inserts, update]);
  return results.at(-1)?.meta.changes === 1;
}
