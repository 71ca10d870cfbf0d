// D1 `response_items`: every statement on the table. What a stored Responses API turn leaves
// behind for `previous_response_id` — its input and output items — per tenant, for 30 days.

/** How long a stored response can be continued (OpenAI keeps them 30 days too). */
export const RESPONSE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface StoredResponse {
  input: unknown[];
  output: unknown[];
  /** The provider that answered keeps this response itself (an OpenAI pass-through): its id is the provider's. */
  upstreamHeld: boolean;
}

export async function saveResponseItems(
  db: D1Database,
  tenantId: string,
  row: { id: string; end_user_id: string | null; input: readonly unknown[]; output: readonly unknown[]; now: number; upstreamHeld?: boolean },
): Promise<void> {
  await db
    .prepare(
      "INSERT INTO response_items (id, tenant_id, end_user_id, input_items, output_items, created_at, expires_at, upstream_held) VALUES (?, ?, ?, ?, ?, ?, ?, ?) " +
        // A provider's id seen again (a retried request) is the same turn: the first copy stands.
        "ON CONFLICT (id) DO NOTHING",
    )
    .bind(row.id, tenantId, row.end_user_id, JSON.stringify(row.input), JSON.stringify(row.output), row.now, row.now + RESPONSE_TTL_MS, row.upstreamHeld === true ? 1 : 0)
    .run();
}

/** The tenant's stored response, unless it expired; another tenant's id is not found. */
export async function findResponseItems(db: D1Database, tenantId: string, id: string, now: number): Promise<StoredResponse | null> {
  const row = await db
    .prepare("SELECT input_items, output_items, upstream_held FROM response_items WHERE tenant_id = ? AND id = ? AND expires_at > ?")
    .bind(tenantId, id, now)
    .first<{ input_items: string; output_items: string; upstream_held: number }>();
  if (row === null) return null;
  return { input: JSON.parse(row.input_items) as unknown[], output: JSON.parse(row.output_items) as unknown[], upstreamHeld: row.upstream_held === 1 };
}

/** Erases everything stored for one end user of the tenant (GDPR); returns how many turns went. */
export async function deleteEndUserResponses(db: D1Database, tenantId: string, endUserId: string): Promise<number> {
  const res = await db.prepare("DELETE FROM response_items WHERE tenant_id = ? AND end_user_id = ?").bind(tenantId, endUserId).run();
  return res.meta.changes;
}

/** Drops expired turns of every tenant (a scheduled sweep may call it; reads already ignore them). */
export async function deleteExpiredResponses(db: D1Database, now: number): Promise<number> {
  const res = await db.prepare("DELETE FROM response_items WHERE expires_at <= ?").bind(now).run();
  return res.meta.changes;
}

/** The same erase as a statement, for a batch that must be all-or-nothing (the end-user erase). */
export function deleteEndUserResponsesStatement(db: D1Database, tenantId: string, endUserId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM response_items WHERE tenant_id = ? AND end_user_id = ?").bind(tenantId, endUserId);
}
