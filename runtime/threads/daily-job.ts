// The Cron Trigger's daily job (wrangler.toml [triggers]): erases for good
//  - each tenant's threads inactive for longer than its thread_retention_days (tenant_settings),
//  - every soft-deleted thread (already invisible: DELETE /v1/threads/:id), whatever its age,
//  - expired stored /v1/responses turns.
// Work goes in batches of BATCH threads, at most MAX_BATCHES a run, so a huge tenant cannot
// push one invocation past a Worker's limits; what is left waits for the next run (`unfinished`).
// One JSON log line per run says what went.
import { deleteExpiredResponses } from "../db/response-items";
import { tenantsWithThreadRetention } from "../db/tenant-settings";
import { inactiveThreadIds, softDeletedThreads } from "../db/threads";
import { eraseThreads, type ErasedThreads } from "./erase-threads";

export const BATCH = 500;
export const MAX_BATCHES = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DailyJobReport {
  job: "threads.daily";
  tenants_with_retention: number;
  inactive_threads: number;
  deleted_threads: number;
  messages: number;
  search_entries: number;
  expired_responses: number;
  /** True when the batch budget ran out before the work did (the next run continues). */
  unfinished: boolean;
}

export async function runDailyJob(env: Env, now: number): Promise<DailyJobReport> {
  const report: DailyJobReport = {
    job: "threads.daily",
    tenants_with_retention: 0,
    inactive_threads: 0,
    deleted_threads: 0,
    messages: 0,
    search_entries: 0,
    expired_responses: 0,
    unfinished: false,
  };
  let budget = MAX_BATCHES;
  /** Takes one batch from the budget; false (and the run marked unfinished) when none is left. */
  const spend = (): boolean => {
    if (budget === 0) report.unfinished = true;
    else budget--;
    return !report.unfinished;
  };
  const add = (erased: ErasedThreads, into: "inactive_threads" | "deleted_threads") => {
    report[into] += erased.threads;
    report.messages += erased.messages;
    report.search_entries += erased.searchEntries;
  };

  const tenants = await tenantsWithThreadRetention(env.DB);
  report.tenants_with_retention = tenants.length;
  for (const t of tenants) {
    for (;;) {
      if (!spend()) break;
      const ids = await inactiveThreadIds(env.DB, t.tenant_id, now - t.days * DAY_MS, now, BATCH);
      add(await eraseThreads(env, t.tenant_id, ids), "inactive_threads");
      if (ids.length < BATCH) break;
    }
  }

  for (;;) {
    if (!spend()) break;
    const found = await softDeletedThreads(env.DB, BATCH);
    for (const [tenantId, ids] of byTenant(found)) add(await eraseThreads(env, tenantId, ids), "deleted_threads");
    if (found.length < BATCH) break;
  }

  report.expired_responses = await deleteExpiredResponses(env.DB, now);
  console.log(JSON.stringify(report));
  return report;
}

function byTenant(rows: readonly { tenant_id: string; id: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.tenant_id, [...(out.get(r.tenant_id) ?? []), r.id]);
  return out;
}
