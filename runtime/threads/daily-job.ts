// The Cron Trigger's daily job (wrangler.toml [triggers]): erases for good
//  - each tenant's threads inactive for longer than its thread_retention_days (tenant_settings),
//  - every soft-deleted thread (already invisible: DELETE /v1/threads/:id), whatever its age,
//  - expired stored /v1/responses turns,
//  - connect sessions expired for a day, and pending connections nobody finished (no live URL, a day old),
//  - request log rows older than 30 days (runtime/requests/);
// and archives the last full days' usage events to R2 (runtime/requests/usage-archive.ts).
// Work goes in batches of BATCH threads, at most MAX_BATCHES a run, so a huge tenant cannot
// push one invocation past a Worker's limits; what is left waits for the next run (`unfinished`).
// One JSON log line per run says what went.
import { deleteExpiredConnectSessions } from "../db/connect-sessions";
import { deleteAbandonedPendingConnections } from "../db/connections";
import { deleteRequestLogBefore } from "../db/request-log";
import { deleteExpiredResponses } from "../db/response-items";
import { tenantsWithThreadRetention } from "../db/tenant-settings";
import { inactiveThreadIds, softDeletedThreads } from "../db/threads";
import { groupBy } from "../group-by";
import { archiveUsage } from "../requests/usage-archive";
import { eraseThreads, type ErasedThreads } from "./erase-threads";

export const BATCH = 500;
export const MAX_BATCHES = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How long the request log keeps a row. */
export const REQUEST_LOG_DAYS = 30;

export interface DailyJobReport {
  job: "threads.daily";
  tenants_with_retention: number;
  inactive_threads: number;
  deleted_threads: number;
  messages: number;
  search_entries: number;
  expired_responses: number;
  /** Connect sessions (one-time URLs) expired for more than a day. */
  expired_connect_sessions: number;
  /** Pending connections a day old whose every connect URL has expired. */
  abandoned_connections: number;
  /** Request log rows older than REQUEST_LOG_DAYS. */
  expired_request_log: number;
  /** R2 usage archive objects (tenant-days) written, and the events in them; tenant-days already archived as they are. */
  archived_usage_objects: number;
  archived_usage_events: number;
  archived_usage_unchanged: number;
  /** True when the batch budget ran out before the work did (the next run continues). */
  unfinished: boolean;
  /** Erases that failed (logged; their threads stay in D1 for the next run). */
  errors: number;
}

/** How much one run may do: threads per statement, and statements (batches) per run. */
export interface DailyJobLimits {
  batch: number;
  maxBatches: number;
}

export async function runDailyJob(env: Env, now: number, limits: DailyJobLimits = { batch: BATCH, maxBatches: MAX_BATCHES }): Promise<DailyJobReport> {
  const report: DailyJobReport = {
    job: "threads.daily",
    tenants_with_retention: 0,
    inactive_threads: 0,
    deleted_threads: 0,
    messages: 0,
    search_entries: 0,
    expired_responses: 0,
    expired_connect_sessions: 0,
    abandoned_connections: 0,
    expired_request_log: 0,
    archived_usage_objects: 0,
    archived_usage_events: 0,
    archived_usage_unchanged: 0,
    unfinished: false,
    errors: 0,
  };
  let budget = limits.maxBatches;
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
  /** One tenant's failure must not stop the others': it is logged, and its threads wait for the next run. */
  const attempt = async (tenantId: string, work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (e) {
      report.errors++;
      console.error(JSON.stringify({ job: "threads.daily", tenant_id: tenantId, error: (e as Error).message }));
      return false;
    }
  };

  const tenants = await tenantsWithThreadRetention(env.DB);
  report.tenants_with_retention = tenants.length;
  for (const t of tenants) {
    let more = true;
    while (more && spend()) {
      let found = 0;
      const ok = await attempt(t.tenant_id, async () => {
        const ids = await inactiveThreadIds(env.DB, t.tenant_id, now - t.days * DAY_MS, now, limits.batch);
        found = ids.length;
        add(await eraseThreads(env, t.tenant_id, ids), "inactive_threads");
      });
      more = ok && found === limits.batch;
    }
  }

  let more = true;
  while (more && spend()) {
    const found = await softDeletedThreads(env.DB, limits.batch);
    let ok = true;
    for (const [tenantId, ids] of groupBy(found, (r) => r.tenant_id, (r) => r.id)) ok = (await attempt(tenantId, async () => add(await eraseThreads(env, tenantId, ids), "deleted_threads"))) && ok;
    // A failed erase would be found again at once: stop the sweep, the next run retries.
    more = ok && found.length === limits.batch;
  }

  report.expired_responses = await deleteExpiredResponses(env.DB, now);
  // Pending rows first: they look for live sessions, which the second statement never removes.
  report.abandoned_connections = await deleteAbandonedPendingConnections(env.DB, now - DAY_MS, now);
  report.expired_connect_sessions = await deleteExpiredConnectSessions(env.DB, now - DAY_MS);
  for (let deleted = limits.batch; deleted === limits.batch && spend(); ) {
    deleted = await deleteRequestLogBefore(env.DB, now - REQUEST_LOG_DAYS * DAY_MS, limits.batch);
    report.expired_request_log += deleted;
  }
  // Its own failures are counted and logged per tenant-day; one of D1's here must not undo the rest.
  await attempt("*", async () => {
    const archived = await archiveUsage(env, now);
    report.archived_usage_objects = archived.written;
    report.archived_usage_events = archived.events;
    report.archived_usage_unchanged = archived.unchanged;
    report.errors += archived.errors;
  });
  console.log(JSON.stringify(report));
  return report;
}
