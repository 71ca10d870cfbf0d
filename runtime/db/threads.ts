// D1 `threads`: every statement on the table. A soft-deleted thread (deleted_at set) is found by
// no read here; the daily job and the erase remove rows for good. Every statement takes the
// tenant, except the daily job's sweep of soft-deleted threads (it finds their tenants).

/** A thread's row as stored (metadata as JSON text). */
export interface ThreadRow {
  tenant_id: string;
  id: string;
  end_user_id: string | null;
  metadata: string;
  created_at: number;
  last_active_at: number;
  last_seq: number;
  message_count: number;
}

const COLUMNS = "tenant_id, id, end_user_id, metadata, created_at, last_active_at, last_seq, message_count";

export async function insertThread(
  db: D1Database,
  tenantId: string,
  row: { id: string; end_user_id: string | null; metadata: string; now: number },
): Promise<ThreadRow> {
  await db
    .prepare("INSERT INTO threads (tenant_id, id, end_user_id, metadata, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(tenantId, row.id, row.end_user_id, row.metadata, row.now, row.now)
    .run();
  return { tenant_id: tenantId, id: row.id, end_user_id: row.end_user_id, metadata: row.metadata, created_at: row.now, last_active_at: row.now, last_seq: 0, message_count: 0 };
}

/** The tenant's thread unless soft-deleted; another tenant's id is not found. */
export function findLiveThread(db: D1Database, tenantId: string, id: string): Promise<ThreadRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM threads WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL`).bind(tenantId, id).first<ThreadRow>();
}

/** Where a page of threads starts: strictly after this (created_at, id) in the page's order. */
export interface ThreadListPosition {
  createdAt: number;
  id: string;
}

/**
 * Up to `limit` live threads of the tenant (or of one end user) in (created_at, id) order,
 * strictly after `after`. Served by the partial indexes threads_by_{tenant,end_user}_created.
 */
export async function listLiveThreads(
  db: D1Database,
  tenantId: string,
  q: { endUserId: string | undefined; order: "asc" | "desc"; limit: number; after: ThreadListPosition | undefined },
): Promise<ThreadRow[]> {
  const where = ["tenant_id = ?", "deleted_at IS NULL"];
  const params: (string | number)[] = [tenantId];
  if (q.endUserId !== undefined) {
    where.push("end_user_id = ?");
    params.push(q.endUserId);
  }
  const cmp = q.order === "asc" ? ">" : "<";
  if (q.after) {
    where.push(`(created_at, id) ${cmp} (?, ?)`);
    params.push(q.after.createdAt, q.after.id);
  }
  const dir = q.order === "asc" ? "ASC" : "DESC";
  const sql = `SELECT ${COLUMNS} FROM threads WHERE ${where.join(" AND ")} ORDER BY created_at ${dir}, id ${dir} LIMIT ?`;
  const { results } = await db.prepare(sql).bind(...params, q.limit).all<ThreadRow>();
  return results;
}

/** Replaces a live thread's metadata; null when there is no such live thread. */
export function replaceThreadMetadata(db: D1Database, tenantId: string, id: string, metadata: string): Promise<ThreadRow | null> {
  return db
    .prepare(`UPDATE threads SET metadata = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL RETURNING ${COLUMNS}`)
    .bind(metadata, tenantId, id)
    .first<ThreadRow>();
}

/** Soft-deletes a live thread; false when there was none (already deleted, or not the tenant's). */
export async function softDeleteThread(db: D1Database, tenantId: string, id: string, now: number): Promise<boolean> {
  const res = await db.prepare("UPDATE threads SET deleted_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL").bind(now, tenantId, id).run();
  return res.meta.changes > 0;
}

/**
 * Hard-deletes the tenant's (or one end user's) live threads that hold no message and run no
 * turn (a turn in flight holds the lock and is about to write its first messages); returns how many.
 */
export async function deleteEmptyThreads(db: D1Database, tenantId: string, endUserId: string | undefined, now: number): Promise<number> {
  const byUser = endUserId === undefined ? "" : " AND end_user_id = ?";
  const sql =
    "DELETE FROM threads WHERE tenant_id = ? AND deleted_at IS NULL AND message_count = 0 AND last_seq = 0 " +
    `AND (busy_until IS NULL OR busy_until < ?)${byUser}`;
  const params: (string | number)[] = endUserId === undefined ? [tenantId, now] : [tenantId, now, endUserId];
  const res = await db.prepare(sql).bind(...params).run();
  return res.meta.changes;
}

// ---- erase and the daily job ----

/** Deletes one end user's threads, soft-deleted ones included (for the erase's batch, after their messages). */
export function deleteEndUserThreadsStatement(db: D1Database, tenantId: string, endUserId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM threads WHERE tenant_id = ? AND end_user_id = ?").bind(tenantId, endUserId);
}

/**
 * Up to `limit` of the tenant's threads (live or not) last active before `cutoff`, but none
 * running a turn at `now` (its lock is held: the turn is about to make it active again).
 */
export async function inactiveThreadIds(db: D1Database, tenantId: string, cutoff: number, now: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM threads WHERE tenant_id = ? AND last_active_at < ? AND (busy_until IS NULL OR busy_until < ?) LIMIT ?")
    .bind(tenantId, cutoff, now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Up to `limit` soft-deleted threads of any tenant, with their tenant: the daily job's sweep
 * (it cannot take a tenant: it is how it finds them). Served by the partial index threads_deleted.
 */
export async function softDeletedThreads(db: D1Database, limit: number): Promise<Array<{ tenant_id: string; id: string }>> {
  const { results } = await db.prepare("SELECT tenant_id, id FROM threads WHERE deleted_at IS NOT NULL LIMIT ?").bind(limit).all<{ tenant_id: string; id: string }>();
  return results;
}

/** Deletes these threads of one tenant (their messages go in the same batch: thread-messages.ts). */
export function deleteThreadsStatement(db: D1Database, tenantId: string, ids: readonly string[]): D1PreparedStatement {
  return db.prepare("DELETE FROM threads WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))").bind(tenantId, JSON.stringify(ids));
}
