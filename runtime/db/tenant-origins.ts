// D1 `tenant_origins` (migration 0006): the browser origins each tenant allows (CORS).

/** The tenant's allowed origins, sorted. */
export async function listTenantOrigins(db: D1Database, tenantId: string): Promise<string[]> {
  const rows = await db.prepare("SELECT origin FROM tenant_origins WHERE tenant_id = ? ORDER BY origin").bind(tenantId).all<{ origin: string }>();
  return rows.results.map((r) => r.origin);
}

/** Replaces the tenant's allowed origins with `origins` (one batch: never half a list). */
export async function replaceTenantOrigins(db: D1Database, tenantId: string, origins: readonly string[], nowMs: number): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM tenant_origins WHERE tenant_id = ?").bind(tenantId),
    ...origins.map((o) => db.prepare("INSERT OR IGNORE INTO tenant_origins (tenant_id, origin, created_at) VALUES (?, ?, ?)").bind(tenantId, o, nowMs)),
  ]);
}

/**
 * Whether any tenant allows `origin`. Takes no tenant, and says why: a CORS preflight carries
 * no key (browsers send none), so it cannot name its tenant; the answer to the real request,
 * which does, is checked against that tenant's own list.
 */
export async function anyTenantAllowsOrigin(db: D1Database, origin: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS ok FROM tenant_origins WHERE origin = ? LIMIT 1").bind(origin).first<{ ok: number }>()) !== null;
}
