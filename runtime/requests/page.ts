// GET /v1/requests: a page of the tenant's request log, newest first, as the API shows it.
// The cursor is the last row's (created_at, request id), the same opaque form as the thread
// list's (threads/list-cursor.ts), so it stays valid when that row expires.
import type { components } from "../../generated/api/types";
import { requestLogPage, type RequestLogRow } from "../db/request-log";
import { badRequest } from "../errors";
import { decodeThreadCursor, encodeThreadCursor } from "../threads/list-cursor";

type RequestLogEntry = components["schemas"]["RequestLogEntry"];
type RequestLogPage = components["schemas"]["RequestLogPage"];

export const DEFAULT_LIMIT = 50;

export interface RequestLogFilters {
  key_id?: string;
  end_user_id?: string;
  status?: number;
  since?: number;
  until?: number;
  limit?: number;
  after?: string;
}

/** One page for the tenant; `since` after `until` is the caller's 400. */
export async function readRequestLog(db: D1Database, tenantId: string, f: RequestLogFilters): Promise<RequestLogPage> {
  if (f.since !== undefined && f.until !== undefined && f.since > f.until) {
    throw badRequest(`since (${f.since}) is after until (${f.until}); since must not be later than until`, "query.since");
  }
  const { rows, hasMore } = await requestLogPage(db, tenantId, {
    ...(f.key_id !== undefined ? { keyId: f.key_id } : {}),
    ...(f.end_user_id !== undefined ? { endUserId: f.end_user_id } : {}),
    ...(f.status !== undefined ? { status: f.status } : {}),
    ...(f.since !== undefined ? { since: f.since } : {}),
    ...(f.until !== undefined ? { until: f.until } : {}),
    ...(f.after !== undefined ? { after: decodeThreadCursor(f.after) } : {}),
    limit: f.limit ?? DEFAULT_LIMIT,
  });
  const last = rows.at(-1);
  return {
    object: "list",
    data: rows.map(entryOf),
    has_more: hasMore,
    next_after: hasMore && last ? encodeThreadCursor({ createdAt: last.created_at, id: last.request_id }) : null,
  };
}

function entryOf(r: RequestLogRow): RequestLogEntry {
  return {
    id: r.request_id,
    object: "request",
    operation: r.operation,
    key_id: r.key_id,
    end_user_id: r.end_user_id,
    model: r.model,
    provider: r.provider,
    status: r.status,
    streamed: r.streamed === 1,
    outcome: r.outcome,
    latency_ms: r.latency_ms,
    duration_ms: r.duration_ms,
    cost_micros: r.cost_micros,
    overshoot_micros: r.overshoot_micros,
    created_at: r.created_at,
  };
}
