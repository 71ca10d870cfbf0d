// D1 `connect_sessions`: the one-time connect URLs (/connect/<token>) and the page's steps on
// them. Only SHA-256 of a token is stored, so a database read never yields a usable URL. A
// session is good for CONNECT_SESSION_TTL_MS and MAX_CONNECT_ATTEMPTS tries, and is spent by its
// first success: completeConnection is one D1 batch (a transaction) whose updates are both
// conditioned on the session still being open, so of any number of concurrent completions
// exactly one wins.
import { sha256HexOf } from "../bytes";
import { toBase64url } from "../vault/encoding";
import { connectConnectionStatement, failConnectionRow, type ConnectionRow, type ConnectionStatus } from "./connections";

/** How long a connect URL works: 10 minutes. */
export const CONNECT_SESSION_TTL_MS = 10 * 60 * 1000;

/** Tries per connect URL (each reserved by recordConnectAttempt before the vendor is asked). */
export const MAX_CONNECT_ATTEMPTS = 5;

/** A session's row as stored. */
export interface ConnectSessionRow {
  token_hash: string;
  tenant_id: string;
  connection_id: string;
  expires_at: number;
  attempts: number;
  used_at: number | null;
  redirect_url: string | null;
  created_at: number;
}

/** Where a session stands at `now`: only `open` may be tried or completed. */
export type ConnectSessionState = "open" | "expired" | "used" | "exhausted";

/** A session found by its token, with its connection (never revoked: revoking deletes sessions). */
export interface ConnectSessionLookup {
  session: ConnectSessionRow;
  connection: ConnectionRow;
  state: ConnectSessionState;
}

// 32 random bytes, base64url without padding.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh token (32 random bytes, base64url) and the hash that is stored for it. */
export async function newConnectToken(): Promise<{ token: string; hash: string }> {
  const token = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: await hashConnectToken(token) };
}

/** SHA-256 hex of a token: the session's key. */
export async function hashConnectToken(token: string): Promise<string> {
  return sha256HexOf(token);
}

/** Inserts a session (for mintConnectUrl's batch, with its pending connection). */
export function insertConnectSessionStatement(
  db: D1Database,
  row: { tokenHash: string; tenantId: string; connectionId: string; expiresAt: number; redirectUrl: string | null; now: number },
): D1PreparedStatement {
  return db
    .prepare("INSERT INTO connect_sessions (token_hash, tenant_id, connection_id, expires_at, redirect_url, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(row.tokenHash, row.tenantId, row.connectionId, row.expiresAt, row.redirectUrl, row.now);
}

/** Where a session stands at `now`. */
export function connectSessionState(session: ConnectSessionRow, now: number): ConnectSessionState {
  if (session.used_at !== null) return "used";
  if (session.expires_at <= now) return "expired";
  if (session.attempts >= MAX_CONNECT_ATTEMPTS) return "exhausted";
  return "open";
}

/**
 * The session behind a connect URL's token, with its connection and state; null when the
 * token is malformed or names no session (never minted, or its connection was revoked or erased).
 */
export async function findConnectSession(env: Env, token: string, now: number): Promise<ConnectSessionLookup | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const hash = await hashConnectToken(token);
  const row = await env.DB.prepare(
    "SELECT s.token_hash AS s_token_hash, s.expires_at AS s_expires_at, s.attempts AS s_attempts, s.used_at AS s_used_at, " +
      "s.redirect_url AS s_redirect_url, s.created_at AS s_created_at, c.* FROM connect_sessions s " +
      "JOIN connections c ON c.tenant_id = s.tenant_id AND c.id = s.connection_id WHERE s.token_hash = ?",
  )
    .bind(hash)
    .first<ConnectionRow & { s_token_hash: string; s_expires_at: number; s_attempts: number; s_used_at: number | null; s_redirect_url: string | null; s_created_at: number }>();
  if (row === null || row.status === "revoked") return null;
  const { s_token_hash, s_expires_at, s_attempts, s_used_at, s_redirect_url, s_created_at, ...connection } = row;
  const session: ConnectSessionRow = {
    token_hash: s_token_hash,
    tenant_id: connection.tenant_id,
    connection_id: connection.id,
    expires_at: s_expires_at,
    attempts: s_attempts,
    used_at: s_used_at,
    redirect_url: s_redirect_url,
    created_at: s_created_at,
  };
  return { session, connection, state: connectSessionState(session, now) };
}

/**
 * Reserves one try on an open session, before the vendor is asked (so parallel submissions
 * cannot exceed the limit). `allowed` false: the session is used, expired or out of tries.
 */
export async function recordConnectAttempt(env: Env, session: Pick<ConnectSessionRow, "token_hash">, now: number): Promise<{ allowed: boolean; attemptsLeft: number }> {
  const row = await env.DB.prepare(
    "UPDATE connect_sessions SET attempts = attempts + 1 WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND attempts < ? RETURNING attempts",
  )
    .bind(session.token_hash, now, MAX_CONNECT_ATTEMPTS)
    .first<{ attempts: number }>();
  if (row === null) return { allowed: false, attemptsLeft: 0 };
  return { allowed: true, attemptsLeft: MAX_CONNECT_ATTEMPTS - row.attempts };
}

/** What a successful try stores: the credential sealed for this connection (runtime/connections/seal.ts). */
export interface CompletedConnection {
  sealedCredential: string;
  /** The non-secret settings the end user typed. */
  config: Readonly<Record<string, string>>;
  /** An MCP connector's tools from tools/list; null otherwise. */
  mcpTools: readonly unknown[] | null;
}

/**
 * Spends the session and marks its connection connected, atomically and once: true when this
 * call won; false when the session was already used, expired, out of tries, or the connection
 * was revoked meanwhile (then nothing was written).
 */
export async function completeConnection(
  env: Env,
  session: Pick<ConnectSessionRow, "token_hash" | "tenant_id" | "connection_id">,
  done: CompletedConnection,
  now: number,
): Promise<boolean> {
  const db = env.DB;
  const [connection, spent] = await db.batch([
    // First the connection, while the session is still open; then the session, on the same
    // condition. Inside the batch's transaction a second completion sees the session spent.
    connectConnectionStatement(db, session, {
      credential: done.sealedCredential,
      config: JSON.stringify(done.config),
      mcpTools: done.mcpTools === null ? null : JSON.stringify(done.mcpTools),
      now,
      maxAttempts: MAX_CONNECT_ATTEMPTS,
    }),
    db
      .prepare(
        "UPDATE connect_sessions SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND attempts <= ? " +
          "AND EXISTS (SELECT 1 FROM connections WHERE tenant_id = ? AND id = ? AND status = 'connected' AND connected_at = ?)",
      )
      .bind(now, session.token_hash, now, MAX_CONNECT_ATTEMPTS, session.tenant_id, session.connection_id, now),
  ]);
  return (connection?.meta.changes ?? 0) === 1 && (spent?.meta.changes ?? 0) === 1;
}

/**
 * Records a refused try (`message`: the vendor's reason, already redacted — never a secret);
 * the connection becomes `failed` when its session has no tries left. Returns the status after.
 */
export function failConnection(
  env: Env,
  session: Pick<ConnectSessionRow, "token_hash" | "tenant_id" | "connection_id">,
  message: string,
  now: number,
): Promise<ConnectionStatus | null> {
  return failConnectionRow(env.DB, session, message.slice(0, 500), MAX_CONNECT_ATTEMPTS, now);
}

/** Deletes a connection's sessions (for the revoke's batch). */
export function deleteConnectionSessionsStatement(db: D1Database, tenantId: string, connectionId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM connect_sessions WHERE tenant_id = ? AND connection_id = ?").bind(tenantId, connectionId);
}

/** Deletes one end user's sessions (for the GDPR erase's batch, before their connections). */
export function deleteEndUserSessionsStatement(db: D1Database, tenantId: string, endUserId: string): D1PreparedStatement {
  return db
    .prepare("DELETE FROM connect_sessions WHERE tenant_id = ? AND connection_id IN (SELECT id FROM connections WHERE tenant_id = ? AND end_user_id = ?)")
    .bind(tenantId, tenantId, endUserId);
}

/** Deletes sessions that expired before `before` (kept a while after expiry so their page says "expired", not "unknown"). */
export async function deleteExpiredConnectSessions(db: D1Database, before: number): Promise<number> {
  const res = await db.prepare("DELETE FROM connect_sessions WHERE expires_at < ?").bind(before).run();
  return res.meta.changes;
}
