// The request log's writer: each request's row is written in that request's own waitUntil, in
// one D1 round trip, never on the response path; a failed write is logged and dropped (the log
// is for operators, it must never slow or fail a request).
// Rows are not batched across requests: in Workers a promise or timer made while serving one
// request cannot be settled from another's ("Cannot perform I/O on behalf of a different
// request", then "Promise will never complete"), and a shared batch lost all of its rows that way
// under 200 concurrent turns.
import { endUserPseudonym } from "../db/erased-end-users";
import { insertRequestLogStatement, type RequestLogRow } from "../db/request-log";
import { groupBy } from "../group-by";

/** Writes a row; resolves once it was written (or its failure logged). Never rejects. */
export function recordRow(db: D1Database, row: RequestLogRow): Promise<void> {
  return write(db, [row]);
}

async function write(db: D1Database, rows: RequestLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    const statements = await Promise.all(
      [...groupBy(rows, (r) => r.tenant_id, (r) => r)].map(async ([tenantId, mine]) => insertRequestLogStatement(db, tenantId, await withPseudonyms(tenantId, mine))),
    );
    await db.batch(statements);
  } catch (e) {
    console.error(JSON.stringify({ type: "gatehouse.request_log", error: `could not write ${rows.length} request log rows: ${(e as Error).message}` }));
  }
}

/** Each row with its end user's pseudonym beside the id (one hash per distinct end user). */
async function withPseudonyms(tenantId: string, rows: readonly RequestLogRow[]): Promise<(RequestLogRow & { end_user_pseudonym?: string })[]> {
  const ids = [...new Set(rows.map((r) => r.end_user_id).filter((id): id is string => id !== null))];
  const pseudonyms = new Map(await Promise.all(ids.map(async (id) => [id, await endUserPseudonym(tenantId, id)] as const)));
  return rows.map((r) => (r.end_user_id === null ? r : { ...r, end_user_pseudonym: pseudonyms.get(r.end_user_id) as string }));
}
