import type { components } from "../../generated/api/types";
import { keyUsageRows, usageRollups, type UsageCountsRow } from "../db/usage-events";
import { settleQueued } from "../gateway/billing";
import { walletFor } from "../wallet/stub";
import type { UsageWindow } from "./window";

type UsageReport = components["schemas"]["UsageReport"];
type UsageCounts = components["schemas"]["UsageCounts"];
type UsageByModel = components["schemas"]["UsageByModel"];

const counts = (r: UsageCountsRow): UsageCounts => ({
  requests: r.requests,
  input_tokens: r.input_tokens,
  output_tokens: r.output_tokens,
  cost_micros: r.cost_micros,
  overshoots: r.overshoots,
  overshoot_micros: r.overshoot_micros,
});

const ZERO: UsageCounts = { requests: 0, input_tokens: 0, output_tokens: 0, cost_micros: 0, overshoots: 0, overshoot_micros: 0 };

/**
 * The tenant's rollups over the window. Every query is bound to the caller's tenant id
 * (db/usage-events.ts), so another tenant's events can never be counted.
 */
export async function usageReport(db: D1Database, tenantId: string, w: UsageWindow): Promise<UsageReport> {
  const rows = await usageRollups(db, tenantId, w);
  return {
    from_ms: w.from_ms,
    to_ms: w.to_ms,
    totals: rows.totals ? counts(rows.totals) : ZERO,
    by_key: rows.byKey.map((r) => ({ key_id: r.key_id, end_user_id: r.end_user_id, ...counts(r) })),
    by_model: rows.byModel.map((r) => ({ model: r.model, ...counts(r) })),
    by_day: rows.byDay.map((r) => ({ day: r.day, ...counts(r) })),
  };
}

/** One key's usage per model since it was created (tenant-bound like every query). */
export async function keyUsageByModel(db: D1Database, tenantId: string, keyId: string): Promise<UsageByModel[]> {
  return (await keyUsageRows(db, tenantId, keyId)).map((r) => ({ model: r.model, ...counts(r) }));
}

/**
 * The tenant's report as of now: usage rows reach D1 in batches from the Wallet, so this
 * isolate's queued charges are sent and the Wallet's outbox copied before the read.
 */
export async function currentUsageReport(env: Env, tenantId: string, w: UsageWindow): Promise<UsageReport> {
  await settleQueued(env, tenantId);
  await walletFor(env.WALLET, tenantId).flushUsage();
  return usageReport(env.DB, tenantId, w);
}
