// D1 `dashboard_sessions`: the dashboard's sign-in sessions (migration 0016). A row holds the
// SHA-256 of the session id (the cookie's value) and of its CSRF token, never either in clear.
// The lookup by id hash is the one query without a tenant: it is how a browser's request
// finds its tenant, as a key's hash is for an API request. Every other query takes the tenant.

/** A session as stored. */
export interface DashboardSessionRow {
  id_hash: string;
  tenant_id: string;
  key_id: string;
  csrf_hash: string;
  created_at: number;
  expires_at: number;
}

/** The statement that writes a new session (run in a batch with the expired-row sweep). */
export function insertStatement(db: D1Database, row: DashboardSessionRow): D1PreparedStatement {
  return db
    .prepare("INSERT INTO dashboard_sessions (id_hash, tenant_id, key_id, csrf_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(row.id_hash, row.tenant_id, row.key_id, row.csrf_hash, row.created_at, row.expires_at);
}

/** The session with this id hash, expired or not (the caller decides and deletes). */
export function findDashboardSession(db: D1Database, idHash: string): Promise<DashboardSessionRow | null> {
  return db
    .prepare("SELECT id_hash, tenant_id, key_id, csrf_hash, created_at, expires_at FROM dashboard_sessions WHERE id_hash = ?")
    .bind(idHash)
    .first<DashboardSessionRow>();
}

/** Ends one session of the tenant (sign-out, expiry); another tenant's session is untouched. */
export async function deleteDashboardSession(db: D1Database, tenantId: string, idHash: string): Promise<void> {
  await db.prepare("DELETE FROM dashboard_sessions WHERE tenant_id = ? AND id_hash = ?").bind(tenantId, idHash).run();
}

/** Ends every session opened with this key (the key was revoked). Returns how many ended. */
export async function deleteKeyDashboardSessions(db: D1Database, tenantId: string, keyId: string): Promise<number> {
  const res = await db.prepare("DELETE FROM dashboard_sessions WHERE tenant_id = ? AND key_id = ?").bind(tenantId, keyId).run();
  return res.meta.changes ?? 0;
}

/**
 * The statement that deletes every tenant's sessions expired by `nowMs`: a clean-up run at each
 * sign-in (expiry is enforced on every read anyway; an expired row opens nothing).
 */
export function expiredSweep(db: D1Database, nowMs: number): D1PreparedStatement {
  return db.prepare("DELETE FROM dashboard_sessions WHERE expires_at <= ?").bind(nowMs);
}
