// The request log's writer, off the response path: the request whose row finds no other waiting
// waits GATHER_MS, then writes every row gathered by then, one D1 batch per tenant; a request whose
// row joins waiting ones returns at once (that first request writes it). A D1 write per request
// cost the Worker's process ~420 µs a request locally (and in production would queue every
// request behind D1's one writer per database); gathered, it is one write per tenant per
// GATHER_MS per isolate. (Each request waiting on its own timer and the first to wake writing does not batch:
// the timers fire in the order the rows came, each taking about one row.)
// What is shared across requests is plain data only — the array of rows. The writing request
// waits on its own timer and writes in its own waitUntil: in Workers a promise or timer made
// while serving one request cannot be settled from another's ("Promise will never complete"),
// which is how an earlier shared batch promise lost the rows of 200 concurrent turns. A failed
// write is logged and its rows dropped (the log is for operators; it must never slow or fail a
// request).
import { endUserPseudonym } from "../db/erased-end-users";
import { insertRequestLogStatement, type RequestLogRow } from "../db/request-log";
import { groupBy } from "../group-by";

/** How long a row waits for others before a write. */
export const GATHER_MS = 25;
/** Rows per D1 batch: they go as one JSON parameter per tenant (a row is ~400 bytes of it). */
const MAX_ROWS_PER_WRITE = 250;

/** Rows waiting in this isolate, in the order their requests ended. */
const gathered: RequestLogRow[] = [];

/**
 * Queues a row. The first row of a gathering waits GATHER_MS for others and then writes them
 * all (resolving once that is done or its failure logged); a later row of the same gathering
 * resolves at once. Never rejects.
 */
export async function recordRow(db: D1Database, row: RequestLogRow, gatherMs = GATHER_MS): Promise<void> {
  gathered.push(row);
  if (gathered.length > 1) return; // the request that started this gathering writes it
  await new Promise((done) => setTimeout(done, gatherMs));
  const rows = gathered.splice(0);
  for (let i = 0; i < rows.length; i += MAX_ROWS_PER_WRITE) await write(db, rows.slice(i, i + MAX_ROWS_PER_WRITE));
}

/**
 * Writes gathered rows, each tenant's in a D1 batch of its own: a batch is one transaction, so
 * sharing one would let a write that fails for one tenant's rows take the others' down with it.
 */
async function write(db: D1Database, rows: RequestLogRow[]): Promise<void> {
  await Promise.all(
    [...groupBy(rows, (r) => r.tenant_id, (r) => r)].map(async ([tenantId, mine]) => {
      try {
        await db.batch([insertRequestLogStatement(db, tenantId, await withPseudonyms(tenantId, mine))]);
      } catch (e) {
        console.error(JSON.stringify({ type: "gatehouse.request_log", tenant_id: tenantId, error: `could not write ${mine.length} request log rows: ${(e as Error).message}` }));
      }
    }),
  );
}

/** Each row with its end user's pseudonym beside the id (one hash per distinct end user). */
async function withPseudonyms(tenantId: string, rows: readonly RequestLogRow[]): Promise<(RequestLogRow & { end_user_pseudonym?: string })[]> {
  const ids = [...new Set(rows.map((r) => r.end_user_id).filter((id): id is string => id !== null))];
  const pseudonyms = new Map(await Promise.all(ids.map(async (id) => [id, await endUserPseudonym(tenantId, id)] as const)));
  return rows.map((r) => (r.end_user_id === null ? r : { ...r, end_user_pseudonym: pseudonyms.get(r.end_user_id) as string }));
}
