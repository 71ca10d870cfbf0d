// D1 `connections`: every statement on the table (an end user's account at one vendor). Every
// statement takes the tenant, except the vault rotation's page walk (it visits every tenant).
// `credential` is a vault record (runtime/vault), never a secret in clear; a revoked row has
// none. Statements that must go in one batch with connect_sessions' are returned unbound-run
// (D1PreparedStatement) so the caller batches them.

/** The lifecycle: pending → connected (or failed); any → revoked (terminal, credential wiped). */
export type ConnectionStatus = "pending" | "connected" | "failed" | "revoked";

/** A connection's row as stored (config and mcp_tools as JSON text). */
export interface ConnectionRow {
  tenant_id: string;
  id: string;
  end_user_id: string;
  connector: string;
  label: string | null;
  status: ConnectionStatus;
  credential: string | null;
  config: string;
  mcp_tools: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  connected_at: number | null;
}

const COLUMNS = "tenant_id, id, end_user_id, connector, label, status, credential, config, mcp_tools, last_error, created_at, updated_at, connected_at";

/** A new connection id: `conn_` and 32 hex digits (random). */
export function newConnectionId(): string {
  return `conn_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Inserts a pending connection (for mintConnectUrl's batch, with its connect session). */
export function insertPendingConnectionStatement(
  db: D1Database,
  tenantId: string,
  row: { id: string; endUserId: string; connector: string; label: string | null; now: number },
): D1PreparedStatement {
  return db
    .prepare("INSERT INTO connections (tenant_id, id, end_user_id, connector, label, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)")
    .bind(tenantId, row.id, row.endUserId, row.connector, row.label, row.now, row.now);
}

/** The end user's newest pending connection of this connector and label (null label = none), to mint a new URL for. */
export async function findPendingConnectionId(
  db: D1Database,
  tenantId: string,
  q: { endUserId: string; connector: string; label: string | null },
): Promise<string | null> {
  const row = await db
    .prepare(
      "SELECT id FROM connections WHERE tenant_id = ? AND end_user_id = ? AND connector = ? AND status = 'pending' AND label IS ? " +
        "ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(tenantId, q.endUserId, q.connector, q.label)
    .first<{ id: string }>();
  return row?.id ?? null;
}

/**
 * Deletes pending connections created before `before` that have no unexpired connect session
 * (every URL minted for them has run out: nobody is about to finish them). Returns how many.
 */
export async function deleteAbandonedPendingConnections(db: D1Database, before: number, now: number): Promise<number> {
  const res = await db
    .prepare(
      "DELETE FROM connections WHERE status = 'pending' AND created_at < ? AND NOT EXISTS (" +
        "SELECT 1 FROM connect_sessions s WHERE s.tenant_id = connections.tenant_id AND s.connection_id = connections.id AND s.expires_at > ?)",
    )
    .bind(before, now)
    .run();
  return res.meta.changes;
}

/** The tenant's connection by id, whatever its status; another tenant's id is not found. */
export function findConnection(db: D1Database, tenantId: string, id: string): Promise<ConnectionRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM connections WHERE tenant_id = ? AND id = ?`).bind(tenantId, id).first<ConnectionRow>();
}

/**
 * The connection a tool call uses: the end user's newest connected one of this connector
 * (with this label, when given). Never a pending, failed or revoked one.
 */
export function findDefaultConnection(
  db: D1Database,
  tenantId: string,
  q: { endUserId: string; connector: string; label?: string | undefined },
): Promise<ConnectionRow | null> {
  const byLabel = q.label === undefined ? "" : " AND label = ?";
  const params: string[] = [tenantId, q.endUserId, q.connector];
  if (q.label !== undefined) params.push(q.label);
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM connections WHERE tenant_id = ? AND end_user_id = ? AND connector = ? AND status = 'connected'${byLabel} ` +
        "ORDER BY connected_at DESC, id DESC LIMIT 1",
    )
    .bind(...params)
    .first<ConnectionRow>();
}

/**
 * An end user's connections (of one connector, when given), newest first; revoked ones too
 * (the list shows them as revoked). At most `limit` rows.
 */
export async function listConnections(
  db: D1Database,
  tenantId: string,
  q: { endUserId: string; connector?: string | undefined; limit: number },
): Promise<ConnectionRow[]> {
  const byConnector = q.connector === undefined ? "" : " AND connector = ?";
  const params: (string | number)[] = [tenantId, q.endUserId];
  if (q.connector !== undefined) params.push(q.connector);
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM connections WHERE tenant_id = ? AND end_user_id = ?${byConnector} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...params, q.limit)
    .all<ConnectionRow>();
  return results;
}

/** Revokes a connection: status revoked, credential wiped (for a batch with its sessions' delete). */
export function revokeConnectionStatement(db: D1Database, tenantId: string, id: string, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE connections SET status = 'revoked', credential = NULL, mcp_tools = NULL, updated_at = ? WHERE tenant_id = ? AND id = ?")
    .bind(now, tenantId, id);
}

/**
 * Records why a connection could not be used (e.g. its vault record no longer opens), without
 * changing its status: restoring a vault key heals it, and a reconnect makes a newer default.
 */
export async function noteConnectionError(db: D1Database, tenantId: string, id: string, message: string, now: number): Promise<void> {
  await db.prepare("UPDATE connections SET last_error = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status <> 'revoked'").bind(message, now, tenantId, id).run();
}

/**
 * Marks a connection connected with its sealed credential, only while a given connect session
 * is still open (the EXISTS): for completeConnection's batch, ahead of the session's own update.
 */
export function connectConnectionStatement(
  db: D1Database,
  session: { tenant_id: string; connection_id: string; token_hash: string },
  values: { credential: string; config: string; mcpTools: string | null; now: number; maxAttempts: number },
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE connections SET status = 'connected', credential = ?, config = ?, mcp_tools = ?, last_error = NULL, connected_at = ?, updated_at = ? " +
        "WHERE tenant_id = ? AND id = ? AND status IN ('pending', 'failed') AND EXISTS (SELECT 1 FROM connect_sessions " +
        "WHERE token_hash = ? AND tenant_id = ? AND connection_id = ? AND used_at IS NULL AND expires_at > ? AND attempts <= ?)",
    )
    .bind(
      values.credential,
      values.config,
      values.mcpTools,
      values.now,
      values.now,
      session.tenant_id,
      session.connection_id,
      session.token_hash,
      session.tenant_id,
      session.connection_id,
      values.now,
      values.maxAttempts,
    );
}

/**
 * Records a refused attempt on a pending (or failed) connection; it becomes `failed` once its
 * session has no attempts left (attempts ≥ maxAttempts). Returns the status after the update.
 */
export async function failConnectionRow(
  db: D1Database,
  session: { tenant_id: string; connection_id: string; token_hash: string },
  message: string,
  maxAttempts: number,
  now: number,
): Promise<ConnectionStatus | null> {
  const row = await db
    .prepare(
      "UPDATE connections SET last_error = ?, updated_at = ?, status = CASE WHEN " +
        "(SELECT attempts FROM connect_sessions WHERE token_hash = ?) >= ? THEN 'failed' ELSE status END " +
        "WHERE tenant_id = ? AND id = ? AND status IN ('pending', 'failed') RETURNING status",
    )
    .bind(message, now, session.token_hash, maxAttempts, session.tenant_id, session.connection_id)
    .first<{ status: ConnectionStatus }>();
  return row?.status ?? null;
}

/** Deletes one end user's connections, every status (for the GDPR erase's batch). */
export function deleteEndUserConnectionsStatement(db: D1Database, tenantId: string, endUserId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM connections WHERE tenant_id = ? AND end_user_id = ?").bind(tenantId, endUserId);
}

// ---- vault rotation ----

/** Where the rotation's walk over sealed rows resumes: strictly after this (tenant, id). */
export interface SealedRowPosition {
  tenantId: string;
  id: string;
}

/** Up to `limit` rows holding a credential, of every tenant, in (tenant_id, id) order after `after`. */
export async function sealedConnections(db: D1Database, after: SealedRowPosition | undefined, limit: number): Promise<ConnectionRow[]> {
  const where = after ? " AND (tenant_id, id) > (?, ?)" : "";
  const params: (string | number)[] = after ? [after.tenantId, after.id, limit] : [limit];
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM connections WHERE credential IS NOT NULL${where} ORDER BY tenant_id, id LIMIT ?`)
    .bind(...params)
    .all<ConnectionRow>();
  return results;
}

/** Replaces a row's credential only if it still holds `previous` (a concurrent reconnect or revoke wins). */
export function replaceCredentialStatement(db: D1Database, tenantId: string, id: string, previous: string, next: string): D1PreparedStatement {
  return db.prepare("UPDATE connections SET credential = ? WHERE tenant_id = ? AND id = ? AND credential = ?").bind(next, tenantId, id, previous);
}

/** The connectors an end user holds at least one connected account of (tool search's connection state). */
export async function connectedConnectorIds(db: D1Database, tenantId: string, endUserId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT connector FROM connections WHERE tenant_id = ? AND end_user_id = ? AND status = 'connected'")
    .bind(tenantId, endUserId)
    .all<{ connector: string }>();
  return results.map((r) => r.connector);
}
