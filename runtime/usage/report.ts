import type { components } from "../../generated/api/types";
import type { UsageWindow } from "./window";

type UsageReport = components["schemas"]["UsageReport"];
type UsageCounts = components["schemas"]["UsageCounts"];
type UsageByModel = components["schemas"]["UsageByModel"];

// Every rollup sums the same columns of usage_events (one row per gateway request).
const COUNTS =
  "COUNT(*) AS requests, COALESCE(SUM(input_tokens), 0) AS input_tokens, " +
  "COALESCE(SUM(output_tokens), 0) AS output_tokens, COALESCE(SUM(cost_micros), 0) AS cost_micros, " +
  "COALESCE(SUM(overshoot_micros > 0), 0) AS overshoots, COALESCE(SUM(overshoot_micros), 0) AS overshoot_micros";
const IN_WINDOW = "tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3";

const counts = (r: UsageCounts): UsageCounts => ({
  requests: r.requests,
  input_tokens: r.input_tokens,
  output_tokens: r.output_tokens,
  cost_micros: r.cost_micros,
  overshoots: r.overshoots,
  overshoot_micros: r.overshoot_micros,
});

/**
 * The tenant's rollups over the window in one D1 round trip. Every statement is bound to the
 * caller's tenant id, so another tenant's events can never be counted.
 */
export async function usageReport(db: D1Database, tenantId: string, w: UsageWindow): Promise<UsageReport> {
  const q = (sql: string) => db.prepare(sql).bind(tenantId, w.from_ms, w.to_ms);
  const statements = [
    q(`SELECT ${COUNTS} FROM usage_events WHERE ${IN_WINDOW}`),
    w.groups.has("key")
      ? q(`SELECT key_id, MAX(end_user_id) AS end_user_id, ${COUNTS} FROM usage_events WHERE ${IN_WINDOW}
           GROUP BY key_id ORDER BY cost_micros DESC, key_id`)
      : null,
    w.groups.has("model")
      ? q(`SELECT model, ${COUNTS} FROM usage_events WHERE ${IN_WINDOW} GROUP BY model ORDER BY cost_micros DESC, model`)
      : null,
    w.groups.has("day")
      ? q(`SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, ${COUNTS} FROM usage_events
           WHERE ${IN_WINDOW} GROUP BY day ORDER BY day`)
      : null,
  ];
  const results = await db.batch(statements.filter((s): s is D1PreparedStatement => s !== null));
  const next = <T>() => (results.shift()?.results ?? []) as T[];
  const totals = next<UsageCounts>()[0];
  type KeyRow = UsageCounts & { key_id: string; end_user_id: string | null };
  type DayRow = UsageCounts & { day: string };
  const byKey = w.groups.has("key") ? next<KeyRow>() : [];
  const byModel = w.groups.has("model") ? next<UsageByModel>() : [];
  const byDay = w.groups.has("day") ? next<DayRow>() : [];
  return {
    from_ms: w.from_ms,
    to_ms: w.to_ms,
    totals: totals ? counts(totals) : { requests: 0, input_tokens: 0, output_tokens: 0, cost_micros: 0, overshoots: 0, overshoot_micros: 0 },
    by_key: byKey.map((r) => ({ key_id: r.key_id, end_user_id: r.end_user_id, ...counts(r) })),
    by_model: byModel.map((r) => ({ model: r.model, ...counts(r) })),
    by_day: byDay.map((r) => ({ day: r.day, ...counts(r) })),
  };
}

/** One key's usage per model since it was created (tenant-bound like every query here). */
export async function keyUsageByModel(db: D1Database, tenantId: string, keyId: string): Promise<UsageByModel[]> {
  const { results } = await db
    .prepare(`SELECT model, ${COUNTS} FROM usage_events WHERE tenant_id = ? AND key_id = ? GROUP BY model ORDER BY cost_micros DESC, model`)
    .bind(tenantId, keyId)
    .all<UsageByModel>();
  return results.map((r) => ({ model: r.model, ...counts(r) }));
}
