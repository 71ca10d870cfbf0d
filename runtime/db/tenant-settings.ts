// D1 `tenant_settings`: per-tenant settings that are not money (the Wallet holds that). Today:
// how many days inactive threads are kept (null: until deleted).

/** The tenant's thread retention in days, or null (no row yet means none set). */
export async function threadRetentionDays(db: D1Database, tenantId: string): Promise<number | null> {
  const row = await db.prepare("SELECT thread_retention_days FROM tenant_settings WHERE tenant_id = ?").bind(tenantId).first<{ thread_retention_days: number | null }>();
  return row?.thread_retention_days ?? null;
}

export async function setThreadRetentionDays(db: D1Database, tenantId: string, days: number | null, now: number): Promise<void> {
  await db
    .prepare(
      "INSERT INTO tenant_settings (tenant_id, thread_retention_days, updated_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (tenant_id) DO UPDATE SET thread_retention_days = excluded.thread_retention_days, updated_at = excluded.updated_at",
    )
    .bind(tenantId, days, now)
    .run();
}

/**
 * Every tenant that set a retention, with its days: the daily job's list (it cannot take a
 * tenant: it is how the job finds them). One short row per such tenant.
 */
export async function tenantsWithThreadRetention(db: D1Database): Promise<Array<{ tenant_id: string; days: number }>> {
  const { results } = await db
    .prepare("SELECT tenant_id, thread_retention_days AS days FROM tenant_settings WHERE thread_retention_days IS NOT NULL ORDER BY tenant_id")
    .all<{ tenant_id: string; days: number }>();
  return results;
}
