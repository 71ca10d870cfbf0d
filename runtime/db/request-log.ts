// D1 `request_log`: one row per gateway request, for operators and the dashboard (migration
// 0015). Written off the response path, the rows of requests ending together in one batch
// (requests/recorder.ts); read a page at a time by GET /v1/requests; deleted after 30 days by
// the daily job. Every statement but that delete takes the tenant; the delete is how the job
// visits every tenant, like deleteExpiredResponses.

/** One row, column for column. */
export interface RequestLogRow {
  request_id: string;
  tenant_id: string;
  key_id: string;
  end_user_id: string | null;
  /** The route's operation id (createMessage, createChatCompletion, createResponse, countMessageTokens). */
  operation: string;
  model: string | null;
  provider: string | null;
  status: number;
  streamed: 0 | 1;
  outcome: string | null;
  latency_ms: number;
  duration_ms: number;
  cost_micros: number;
  overshoot_micros: number;
  created_at: number;
}

export const REQUEST_LOG_COLUMNS = [
  "request_id",
  "tenant_id",
  "key_id",
  "end_user_id",
  "operation",
  "model",
  "provider",
  "status",
  "streamed",
  "outcome",
  "latency_ms",
  "duration_ms",
  "cost_micros",
  "overshoot_micros",
  "created_at",
] as const satisfies readonly (keyof RequestLogRow)[];

/**
 * A row's end user as written: its pseudonym when that end user was erased meanwhile (a request
 * that ended after the erase must not bring the id back), otherwise the id.
 */
const END_USER_AS_WRITTEN =
  "CASE WHEN EXISTS (SELECT 1 FROM erased_end_users e WHERE e.tenant_id = ?1 AND e.pseudonym = json_extract(value, '$.end_user_pseudonym')) " +
  "THEN json_extract(value, '$.end_user_pseudonym') ELSE json_extract(value, '$.end_user_id') END";

const INSERT_FROM_JSON =
  `INSERT OR IGNORE INTO request_log (${REQUEST_LOG_COLUMNS.join(", ")}) ` +
  `SELECT ${REQUEST_LOG_COLUMNS.map((c) => (c === "end_user_id" ? END_USER_AS_WRITTEN : `json_extract(value, '$.${c}')`)).join(", ")} FROM json_each(?2) ` +
  "WHERE json_extract(value, '$.tenant_id') = ?1";

/**
 * The statement that writes one tenant's rows (idempotent on request_id). The rows go as one
 * JSON parameter (D1 binds at most 100 values a statement), each with its end user's
 * pseudonym beside the id (`end_user_pseudonym`). A row of another tenant is a caller's bug.
 */
export function insertRequestLogStatement(
  db: D1Database,
  tenantId: string,
  rows: readonly (RequestLogRow & { end_user_pseudonym?: string })[],
): D1PreparedStatement {
  const foreign = rows.find((r) => r.tenant_id !== tenantId);
  if (foreign) throw new Error(`request log rows of tenant ${foreign.tenant_id} cannot be written as tenant ${tenantId}'s`);
  return db.prepare(INSERT_FROM_JSON).bind(tenantId, JSON.stringify(rows));
}

/** Where a page starts: strictly after this (created_at, request_id), newest first. */
export interface RequestLogPosition {
  createdAt: number;
  id: string;
}

export interface RequestLogQuery {
  keyId?: string;
  endUserId?: string;
  status?: number;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  after?: RequestLogPosition;
  limit: number;
}

/** A page of the tenant's rows, newest first; one more than `limit` is read to tell whether more follow. */
export async function requestLogPage(db: D1Database, tenantId: string, q: RequestLogQuery): Promise<{ rows: RequestLogRow[]; hasMore: boolean }> {
  const where = ["tenant_id = ?"];
  const params: (string | number)[] = [tenantId];
  const add = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (q.keyId !== undefined) add("key_id = ?", q.keyId);
  if (q.endUserId !== undefined) add("end_user_id = ?", q.endUserId);
  if (q.status !== undefined) add("status = ?", q.status);
  if (q.since !== undefined) add("created_at >= ?", q.since);
  if (q.until !== undefined) add("created_at < ?", q.until);
  if (q.after) add("(created_at < ? OR (created_at = ? AND request_id < ?))", q.after.createdAt, q.after.createdAt, q.after.id);
  const sql = `SELECT ${REQUEST_LOG_COLUMNS.join(", ")} FROM request_log WHERE ${where.join(" AND ")} ORDER BY created_at DESC, request_id DESC LIMIT ?`;
  const { results } = await db
    .prepare(sql)
    .bind(...params, q.limit + 1)
    .all<RequestLogRow>();
  return { rows: results.slice(0, q.limit), hasMore: results.length > q.limit };
}

/** The daily job: rows older than `before` (epoch ms), every tenant's, at most `limit` of them. */
export async function deleteRequestLogBefore(db: D1Database, before: number, limit: number): Promise<number> {
  const res = await db
    .prepare("DELETE FROM request_log WHERE request_id IN (SELECT request_id FROM request_log WHERE created_at < ? LIMIT ?)")
    .bind(before, limit)
    .run();
  return res.meta.changes;
}

/** The GDPR erase: one end user's id in the tenant's rows becomes its pseudonym. */
export function pseudonymizeEndUserRequestLogStatement(db: D1Database, tenantId: string, endUserId: string, pseudonym: string): D1PreparedStatement {
  return db.prepare("UPDATE request_log SET end_user_id = ? WHERE tenant_id = ? AND end_user_id = ?").bind(pseudonym, tenantId, endUserId);
}
