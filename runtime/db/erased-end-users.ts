// D1 `erased_end_users` and the one pseudonym an erased end user's id becomes in usage_events.
// Lives in the data layer because the usage copy (usage-events.ts) needs it too.

import { sha256HexOf } from "../bytes";

/**
 * The one-way pseudonym of an end user: "erased_" + the first 32 hex digits of
 * SHA-256(tenant_id + "\0" + end_user_id). The same user's rows still group together on an
 * invoice; the tenant in the hash keeps two tenants' same-named users apart.
 */
export async function endUserPseudonym(tenantId: string, endUserId: string): Promise<string> {
  const hex = await sha256HexOf(`${tenantId}\0${endUserId}`);
  return `erased_${hex.slice(0, 32)}`;
}

/** Records an erased end user by pseudonym (idempotent: an erase may be repeated). */
export function recordErasedEndUserStatement(db: D1Database, tenantId: string, pseudonym: string, now: number): D1PreparedStatement {
  return db.prepare("INSERT OR IGNORE INTO erased_end_users (tenant_id, pseudonym, erased_at) VALUES (?, ?, ?)").bind(tenantId, pseudonym, now);
}
