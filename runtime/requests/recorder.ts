// The request log's writer: rows are queued per isolate and written FLUSH_MS later, with
// whatever other requests queued meanwhile, in one D1 round trip (one statement per tenant).
// It runs inside the request's waitUntil, never on the response path, and a failed write is
// logged and dropped: the log is for operators, it must never slow or fail a request.
import { endUserPseudonym } from "../db/erased-end-users";
import { insertRequestLogStatement, type RequestLogRow } from "../db/request-log";
import { groupBy } from "../group-by";

/** How long a row waits for others to join its batch. */
export const FLUSH_MS = 250;
/** A batch this large is written at once. */
export const MAX_BATCH = 200;

interface Batch {
  rows: RequestLogRow[];
  written: Promise<void>;
  flushNow: () => void;
}

// Per D1 binding: in one isolate it is always the same one, but tests may hand in others.
const open = new Map<D1Database, Batch>();

/** Queues a row; resolves once its batch was written (or its failure logged). Never rejects. */
export function recordRow(db: D1Database, row: RequestLogRow): Promise<void> {
  let batch = open.get(db);
  if (!batch) batch = startBatch(db);
  batch.rows.push(row);
  if (batch.rows.length >= MAX_BATCH) batch.flushNow();
  return batch.written;
}

function startBatch(db: D1Database): Batch {
  let fire: () => void = () => {};
  const due = new Promise<void>((r) => (fire = r));
  const timer = setTimeout(fire, FLUSH_MS);
  const batch: Batch = {
    rows: [],
    // Closed to new rows before it is read: a row queued from here on starts the next batch.
    written: due.then(() => {
      if (open.get(db) === batch) open.delete(db);
      return write(db, batch.rows);
    }),
    flushNow: () => {
      clearTimeout(timer);
      fire();
    },
  };
  open.set(db, batch);
  return batch;
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
