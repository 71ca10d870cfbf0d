// Dashboard sessions: a master key, typed once into the sign-in form, is exchanged for a random
// session id that lives only in the browser's cookie. D1 keeps the id's SHA-256, the key's id,
// the expiry and the SHA-256 of the session's CSRF token (db/dashboard-sessions.ts). Every
// request re-checks the session: unknown → signed out; expired → deleted; the key it was opened
// with revoked (in D1 or in the tenant's Wallet, the authority) → every session of that key
// deleted. The key itself is never stored anywhere by the dashboard.
import { authenticate } from "../auth/authenticate";
import { randomBase62 } from "../auth/key-material";
import type { KeyRecord } from "../auth/key-store";
import { sha256Hex } from "../auth/sha256";
import { findTenantKey } from "../db/api-keys";
import {
  deleteDashboardSession,
  deleteKeyDashboardSessions,
  expiredSweep,
  findDashboardSession,
  insertStatement,
  type DashboardSessionRow,
} from "../db/dashboard-sessions";
import { reconcile } from "../keys/key-authority";
import { walletFor } from "../wallet/stub";
import { SESSION_COOKIE, readCookie } from "./response";

/** How long a session lasts from sign-in; enforced on every request, not only by the cookie's expiry. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** A session that stands: the key it acts with (fresh from D1 and the Wallet) and its CSRF token. */
export interface DashboardSession {
  idHash: string;
  tenantId: string;
  key: KeyRecord;
  csrf: string;
  /** SHA-256 of the CSRF token, as stored: what a posted token is checked against. */
  csrfHash: string;
  expiresAt: number;
}

/** The CSRF token of a session id: derived from the id (so it is never stored in clear); its hash is stored. */
function csrfOf(sessionId: string): string {
  return sha256Hex(`gatehouse-dashboard-csrf:${sessionId}`);
}

/**
 * Checks a presented secret the way the API does for a master route (shape, D1 and the
 * Wallet, the per-address failure limit): the key record, or the ApiError saying why not
 * (authentication: wrong or revoked; permission: a standard key).
 */
export async function keyForSignIn(req: Request, env: Env, exec: ExecutionContext, secret: string): Promise<KeyRecord> {
  const headers = new Headers({ authorization: `Bearer ${secret}` });
  const address = req.headers.get("cf-connecting-ip");
  if (address) headers.set("cf-connecting-ip", address);
  const caller = await authenticate(new Request(req.url, { headers }), env, exec, "master");
  if (!caller.key) throw new Error("master authentication returned no key");
  return caller.key;
}

/** Opens a session for a master key; returns the cookie value (the session id) and the session. */
export async function openSession(env: Env, key: KeyRecord, nowMs: number): Promise<{ cookieValue: string; session: DashboardSession }> {
  const id = randomBase62(43); // ~256 bits
  const csrf = csrfOf(id);
  const row: DashboardSessionRow = {
    id_hash: sha256Hex(id),
    tenant_id: key.tenant_id,
    key_id: key.id,
    csrf_hash: sha256Hex(csrf),
    created_at: nowMs,
    expires_at: nowMs + SESSION_TTL_MS,
  };
  // Sessions nobody came back to are deleted here: each sign-in sweeps every expired row
  // (one indexed DELETE), so the table holds only live sessions and the last few hours' dead ones.
  await env.DB.batch([insertStatement(env.DB, row), expiredSweep(env.DB, nowMs)]);
  return { cookieValue: id, session: { idHash: row.id_hash, tenantId: key.tenant_id, key, csrf, csrfHash: row.csrf_hash, expiresAt: row.expires_at } };
}

const SESSION_ID = /^[0-9A-Za-z]{43}$/;

/** The request's session, if it has one that stands; a dead one (expired, key revoked) is deleted on the way. */
export async function currentSession(env: Env, req: Request, nowMs: number): Promise<DashboardSession | null> {
  const id = readCookie(req, SESSION_COOKIE);
  if (id === null || !SESSION_ID.test(id)) return null;
  const row = await findDashboardSession(env.DB, sha256Hex(id));
  if (!row) return null;
  if (row.expires_at <= nowMs) {
    await deleteDashboardSession(env.DB, row.tenant_id, row.id_hash);
    return null;
  }
  const key = await activeMasterKey(env, row.tenant_id, row.key_id);
  if (!key) {
    await deleteKeyDashboardSessions(env.DB, row.tenant_id, row.key_id);
    return null;
  }
  return { idHash: row.id_hash, tenantId: row.tenant_id, key, csrf: csrfOf(id), csrfHash: row.csrf_hash, expiresAt: row.expires_at };
}

/** The key as the API would see it now, or null when it is revoked (D1's copy or the Wallet) or not a master key. */
async function activeMasterKey(env: Env, tenantId: string, keyId: string): Promise<KeyRecord | null> {
  const row = await findTenantKey(env.DB, tenantId, keyId);
  if (!row || row.revoked_at !== null || row.scope !== "master") return null;
  const truth = reconcile({ max_spend_micros: row.max_spend_micros, revoked: false }, await walletFor(env.WALLET, tenantId).keyState(keyId));
  if (truth.revoked) return null;
  return { id: row.id, tenant_id: tenantId, scope: row.scope, end_user_id: row.end_user_id, max_spend_micros: truth.max_spend_micros };
}

/** Whether a posted token is this session's CSRF token (compared by hash with the stored one, in constant time). */
export function csrfMatches(session: DashboardSession, posted: string | null): boolean {
  if (posted === null || posted === "") return false;
  return sameText(sha256Hex(posted), session.csrfHash);
}

/** Signs out: the session's row is deleted, so its cookie opens nothing even if the browser kept it. */
export async function endSession(env: Env, session: DashboardSession): Promise<void> {
  await deleteDashboardSession(env.DB, session.tenantId, session.idHash);
}

/** A fresh random token for the sign-in form (double-submitted with its cookie). */
export function newSignInToken(): string {
  return randomBase62(32);
}

/** Constant-time equality of two strings of hex (lengths compared first: both are SHA-256 hex). */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
