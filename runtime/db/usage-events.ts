// D1 `usage_events`: one row per billable gateway request, written only by the tenant's
// Wallet (copied from its outbox in batches) and read for the usage routes. Every statement
// is bound to one tenant's id, so another tenant's events are never counted or written.

import { endUserPseudonym } from "./erased-end-users";

/** The sums every rollup reports. */
export interface UsageCountsRow {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  overshoots: number;
  overshoot_micros: number;
}

export interface UsageRollupRows {
  totals: UsageCountsRow | undefined;
  byKey: Array<UsageCountsRow & { key_id: string; end_user_id: string | null }>;
  byModel: Array<UsageCountsRow & { model: string }>;
  byDay: Array<UsageCountsRow & { day: string }>;
}

const COUNTS =
  "COUNT(*) AS requests, COALESCE(SUM(input_tokens), 0) AS input_tokens, " +
  "COALESCE(SUM(output_tokens), 0) AS output_tokens, COALESCE(SUM(cost_micros), 0) AS cost_micros, " +
  "COALESCE(SUM(overshoot_micros > 0), 0) AS overshoots, COALESCE(SUM(overshoot_micros), 0) AS overshoot_micros";
const IN_WINDOW = "tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3";

/** The tenant's sums over [fromMs, toMs), and the breakdowns asked for, in one D1 round trip. */
export async function usageRollups(
  db: D1Database,
  tenantId: string,
  window: { from_ms: number; to_ms: number; groups: ReadonlySet<string> },
): Promise<UsageRollupRows> {
  const q = (sql: string) => db.prepare(sql).bind(tenantId, window.from_ms, window.to_ms);
  const has = (group: "key" | "model" | "day") => window.groups.has(group);
  const statements = [
    q(`SELECT ${COUNTS} FROM usage_events WHERE ${IN_WINDOW}`),
    has("key")
      ? q(`SELECT key_id, MAX(end_user_id) AS end_user_id, ${COUNTS} FROM usage_events WHERE ${IN_WINDOW}
           GROUP BY key_id ORDER BY cost_micros DESC, key_id`)
      : null,
    has("model") ? q(`SELECT model, ${COUNTS} FROM usage_events WHERE ${IN_WINDOW} GROUP BY model ORDER BY cost_micros DESC, model`) : null,
    has("day")
      ? q(`SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, ${COUNTS} FROM usage_events
           WHERE ${IN_WINDOW} GROUP BY day ORDER BY day`)
      : null,
  ];
  const results = await db.batch(statements.filter((s): s is D1PreparedStatement => s !== null));
  const next = <T>() => (results.shift()?.results ?? []) as T[];
  const totals = next<UsageCountsRow>()[0];
  return {
    totals,
    byKey: has("key") ? next() : [],
    byModel: has("model") ? next() : [],
    byDay: has("day") ? next() : [],
  };
}

/** One of the tenant's keys' sums per model since it was created. */
export async function keyUsageRows(db: D1Database, tenantId: string, keyId: string): Promise<Array<UsageCountsRow & { model: string }>> {
  const { results } = await db
    .prepare(`SELECT model, ${COUNTS} FROM usage_events WHERE tenant_id = ? AND key_id = ? GROUP BY model ORDER BY cost_micros DESC, model`)
    .bind(tenantId, keyId)
    .all<UsageCountsRow & { model: string }>();
  return results;
}

/** One of the tenant's usage rows (tests wait for it: rows arrive in batches after the charge). */
export function findUsageEvent(db: D1Database, tenantId: string, requestId: string): Promise<Record<string, unknown> | null> {
  return db.prepare("SELECT * FROM usage_events WHERE request_id = ? AND tenant_id = ?").bind(requestId, tenantId).first<Record<string, unknown>>();
}

/** The columns of `usage_events`, in the order of the table. */
export const USAGE_EVENT_COLUMNS = [
  "request_id",
  "tenant_id",
  "key_id",
  "end_user_id",
  "model",
  "provider",
  "surface",
  "input_tokens",
  "output_tokens",
  "cached_tokens",
  "cost_micros",
  "overshoot_micros",
  "outcome",
  "created_at",
] as const;

/**
 * A row's end user as copied: its pseudonym (carried beside it as `end_user_pseudonym`) when
 * that end user was erased (erased_end_users), so a row queued before an erase and copied after
 * it never brings the id back; otherwise the id.
 */
const END_USER_AS_COPIED =
  "CASE WHEN EXISTS (SELECT 1 FROM erased_end_users e WHERE e.tenant_id = ?1 AND e.pseudonym = json_extract(value, '$.end_user_pseudonym')) " +
  "THEN json_extract(value, '$.end_user_pseudonym') ELSE json_extract(value, '$.end_user_id') END";

/** Copies a JSON array of rows (extra keys ignored) into `usage_events`, keeping only ?1's. */
const INSERT_FROM_JSON =
  `INSERT OR IGNORE INTO usage_events (${USAGE_EVENT_COLUMNS.join(", ")}) ` +
  `SELECT ${USAGE_EVENT_COLUMNS.map((c) => (c === "end_user_id" ? END_USER_AS_COPIED : `json_extract(value, '$.${c}')`)).join(", ")} FROM json_each(?2) ` +
  `WHERE json_extract(value, '$.tenant_id') = ?1`;

/**
 * Copies rows of one tenant into D1 in one statement (idempotent on request_id: a repeated
 * copy is harmless). The rows go as one JSON parameter that SQLite unpacks itself: D1 binds
 * at most 100 values per statement (7 rows' worth), and measured in Miniflare's D1 a row
 * costs about 40% less this way than in 7-row VALUES lists. A row of another tenant is a
 * caller's bug, refused before anything is written.
 */
export async function copyUsageEvents(db: D1Database, tenantId: string, rows: readonly { tenant_id: string }[]): Promise<void> {
  const foreign = rows.find((r) => r.tenant_id !== tenantId);
  if (foreign) throw new Error(`usage rows of tenant ${foreign.tenant_id} cannot be copied as tenant ${tenantId}'s`);
  if (rows.length === 0) return;
  await db.prepare(INSERT_FROM_JSON).bind(tenantId, JSON.stringify(await withPseudonyms(tenantId, rows))).run();
}

/** The rows, each with its end user's pseudonym beside the id (one hash per distinct end user). */
async function withPseudonyms(tenantId: string, rows: readonly { tenant_id: string; end_user_id?: string | null }[]): Promise<object[]> {
  const ids = [...new Set(rows.map((r) => r.end_user_id).filter((id): id is string => typeof id === "string"))];
  const pseudonyms = new Map(await Promise.all(ids.map(async (id) => [id, await endUserPseudonym(tenantId, id)] as const)));
  return rows.map((r) => (typeof r.end_user_id === "string" ? { ...r, end_user_pseudonym: pseudonyms.get(r.end_user_id) } : r));
}

/**
 * Replaces one end user's id in the tenant's usage rows with its pseudonym (the erase's batch);
 * the rows stay for invoicing. Its changes are the erase's `usage_events_pseudonymized`.
 */
export function pseudonymizeEndUserUsageStatement(db: D1Database, tenantId: string, endUserId: string, pseudonym: string): D1PreparedStatement {
  return db.prepare("UPDATE usage_events SET end_user_id = ? WHERE tenant_id = ? AND end_user_id = ?").bind(pseudonym, tenantId, endUserId);
}

/**
 * The R2 archive's find (requests/usage-archive.ts): each tenant with usage events in
 * [fromMs, toMs), with their count and cost. Takes no tenant because it is how the daily job
 * finds them; every read that follows takes one.
 */
export async function usageTenantsInWindow(db: D1Database, fromMs: number, toMs: number): Promise<Array<{ tenant_id: string; events: number; cost_micros: number }>> {
  const { results } = await db
    .prepare(
      "SELECT tenant_id, COUNT(*) AS events, COALESCE(SUM(cost_micros), 0) AS cost_micros FROM usage_events WHERE created_at >= ? AND created_at < ? GROUP BY tenant_id ORDER BY tenant_id",
    )
    .bind(fromMs, toMs)
    .all<{ tenant_id: string; events: number; cost_micros: number }>();
  return results;
}

/** A page of one tenant's usage rows in [fromMs, toMs), oldest first, strictly after `after` (created_at, request_id). */
export async function usageEventsInWindow(
  db: D1Database,
  tenantId: string,
  window: { fromMs: number; toMs: number },
  after: { createdAt: number; requestId: string } | undefined,
  limit: number,
): Promise<Array<Record<(typeof USAGE_EVENT_COLUMNS)[number], string | number | null>>> {
  const from = after ? "(created_at > ?4 OR (created_at = ?4 AND request_id > ?5))" : "created_at >= ?2";
  const { results } = await db
    .prepare(
      `SELECT ${USAGE_EVENT_COLUMNS.join(", ")} FROM usage_events WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3 AND ${from} ` +
        "ORDER BY created_at, request_id LIMIT ?6",
    )
    .bind(tenantId, window.fromMs, window.toMs, after?.createdAt ?? 0, after?.requestId ?? "", limit)
    .all<Record<(typeof USAGE_EVENT_COLUMNS)[number], string | number | null>>();
  return results;
}
