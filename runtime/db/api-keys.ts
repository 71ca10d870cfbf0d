// D1 `api_keys`: every statement on the table. Every query takes the tenant but the secret
// lookup, which is how a request finds its tenant. D1 holds what describes a key (name,
// prefix, scope, end user) and a copy of its cap and revocation, whose authority is the
// tenant's Wallet (see keys/key-authority.ts).
import type { SqlStatement } from "./statements";

/** A key as the runtime needs it for authorisation (never the secret). */
export interface KeyRecord {
  id: string;
  tenant_id: string;
  scope: "master" | "standard";
  end_user_id: string | null;
  max_spend_micros: number | null;
}

/** A key's row as the key routes show it. */
export interface KeyRow {
  id: string;
  hash: string;
  prefix: string;
  name: string;
  scope: "master" | "standard";
  end_user_id: string | null;
  max_spend_micros: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** What D1 copies from the Wallet: the cap, and the revocation (which never goes back). */
export interface KeyCopy {
  max_spend_micros: number | null;
  revoked: boolean;
}

const COLUMNS = "id, hash, prefix, name, scope, end_user_id, max_spend_micros, created_at, last_used_at, revoked_at";

/**
 * The active key with this secret hash, of any tenant: the one query without a tenant,
 * because it is how a request finds its tenant.
 */
export function findActiveKeyByHash(db: D1Database, hash: string): Promise<KeyRecord | null> {
  return db
    .prepare("SELECT id, tenant_id, scope, end_user_id, max_spend_micros FROM api_keys WHERE hash = ? AND revoked_at IS NULL")
    .bind(hash)
    .first<KeyRecord>();
}

/** One of the tenant's keys, revoked or not; another tenant's id is not found. */
export function findTenantKey(db: D1Database, tenantId: string, id: string): Promise<KeyRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ? AND tenant_id = ?`).bind(id, tenantId).first<KeyRow>();
}

export async function listActiveKeys(db: D1Database, tenantId: string): Promise<KeyRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at, id`)
    .bind(tenantId)
    .all<KeyRow>();
  return results;
}

/**
 * The statement that writes a new key. `reseed` (npm start's dev master key, whose secret is
 * kept in .dev.vars across runs) rewrites the secret of a key that already has this id in
 * this tenant and un-revokes it; `fail` refuses any existing id or hash.
 */
export function keyInsert(tenantId: string, row: KeyRow, onExisting: "fail" | "reseed"): SqlStatement {
  const insert =
    "INSERT INTO api_keys (id, tenant_id, hash, prefix, name, scope, end_user_id, max_spend_micros, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  const reseed =
    " ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, prefix = excluded.prefix, revoked_at = NULL WHERE api_keys.tenant_id = excluded.tenant_id";
  return {
    sql: onExisting === "reseed" ? insert + reseed : insert,
    params: [row.id, tenantId, row.hash, row.prefix, row.name, row.scope, row.end_user_id, row.max_spend_micros, row.created_at],
  };
}

export async function insertKey(db: D1Database, tenantId: string, row: KeyRow): Promise<void> {
  const s = keyInsert(tenantId, row, "fail");
  await db.prepare(s.sql).bind(...s.params).run();
}

/**
 * Writes the Wallet's cap and revocation into D1 (and the name when given). Idempotent:
 * a revocation keeps its first time, so writing the same copy twice changes nothing.
 */
export async function writeKeyCopy(db: D1Database, tenantId: string, id: string, copy: KeyCopy, name?: string): Promise<void> {
  await db
    .prepare(
      "UPDATE api_keys SET name = COALESCE(?, name), max_spend_micros = ?, revoked_at = CASE WHEN ? THEN COALESCE(revoked_at, ?) ELSE revoked_at END WHERE id = ? AND tenant_id = ?",
    )
    .bind(name ?? null, copy.max_spend_micros, copy.revoked ? 1 : 0, Date.now(), id, tenantId)
    .run();
}

export async function touchLastUsed(db: D1Database, tenantId: string, id: string, at: number): Promise<void> {
  await db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND tenant_id = ?").bind(at, id, tenantId).run();
}
