// D1 `message_search_docs` and its FTS5 index `message_search` (migration 0010), and the one
// read of `thread_messages` the search indexer needs. Every search joins the thread and requires
// it live (deleted_at IS NULL), so a deleted thread leaves search the moment it is deleted, before
// its entries are erased; and an entry whose thread is gone (erased) can never be found.

/** One indexed message as stored (scope and vector id derived by runtime/search/scope-tokens.ts). */
export interface SearchDocRow {
  thread_id: string;
  seq: number;
  end_user_id: string | null;
  role: "user" | "assistant";
  created_at: number;
  vector_id: string;
  scope: string;
  body: string;
}

/** A full-text match: `snippet` still carries the markers it was asked for (runtime/search/snippet.ts). */
export interface FtsMatchRow {
  thread_id: string;
  seq: number;
  role: "user" | "assistant";
  created_at: number;
  score: number;
  snippet: string;
}

/** A doc found by its vector id (a semantic match), with its text for a snippet. */
export interface DocByVectorRow {
  vector_id: string;
  thread_id: string;
  seq: number;
  role: "user" | "assistant";
  created_at: number;
  body: string;
}

/** A stored message, as the indexer reads it back. */
export interface MessageToIndexRow {
  seq: number;
  role: "user" | "assistant";
  content: string;
  end_user_id: string | null;
  created_at: number;
}

// D1 binds at most 100 parameters a statement.
const CHUNK = 90;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * Writes (or rewrites) the tenant's docs in one batch: idempotent on (tenant, thread, seq). A doc
 * is written only while its thread is live: an indexer that read a message just before its
 * thread was deleted or erased cannot put its text back after the erase. Returns the docs written.
 */
export async function upsertSearchDocs(db: D1Database, tenantId: string, docs: readonly SearchDocRow[]): Promise<SearchDocRow[]> {
  if (docs.length === 0) return [];
  const sql = `INSERT INTO message_search_docs (tenant_id, thread_id, seq, end_user_id, role, created_at, vector_id, scope, body)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM threads WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL)
    ON CONFLICT (tenant_id, thread_id, seq) DO UPDATE SET end_user_id = excluded.end_user_id, role = excluded.role,
      created_at = excluded.created_at, vector_id = excluded.vector_id, scope = excluded.scope, body = excluded.body`;
  const results = await db.batch(
    docs.map((d) => db.prepare(sql).bind(tenantId, d.thread_id, d.seq, d.end_user_id, d.role, d.created_at, d.vector_id, d.scope, d.body, tenantId, d.thread_id)),
  );
  return docs.filter((_, i) => (results[i]?.meta.changes ?? 0) > 0);
}

/** Deletes the docs of these threads of the tenant; returns the deleted docs' vector ids. */
export async function deleteThreadDocs(db: D1Database, tenantId: string, threadIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const ids of chunks(threadIds)) {
    const rows = await db
      .prepare(`DELETE FROM message_search_docs WHERE tenant_id = ? AND thread_id IN (${marks(ids.length)}) RETURNING vector_id`)
      .bind(tenantId, ...ids)
      .all<{ vector_id: string }>();
    out.push(...rows.results.map((r) => r.vector_id));
  }
  return out;
}

/** Deletes every doc of one end user of the tenant; returns the deleted docs' vector ids. */
export async function deleteEndUserDocs(db: D1Database, tenantId: string, endUserId: string): Promise<string[]> {
  const rows = await db
    .prepare("DELETE FROM message_search_docs WHERE tenant_id = ? AND end_user_id = ? RETURNING vector_id")
    .bind(tenantId, endUserId)
    .all<{ vector_id: string }>();
  return rows.results.map((r) => r.vector_id);
}

/** The vector ids of these threads' docs (read before their vectors are dropped). */
export async function vectorIdsOfThreads(db: D1Database, tenantId: string, threadIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const ids of chunks(threadIds)) {
    const rows = await db
      .prepare(`SELECT vector_id FROM message_search_docs WHERE tenant_id = ? AND thread_id IN (${marks(ids.length)})`)
      .bind(tenantId, ...ids)
      .all<{ vector_id: string }>();
    out.push(...rows.results.map((r) => r.vector_id));
  }
  return out;
}

/** The vector ids of one end user's docs. */
export async function vectorIdsOfEndUser(db: D1Database, tenantId: string, endUserId: string): Promise<string[]> {
  const rows = await db.prepare("SELECT vector_id FROM message_search_docs WHERE tenant_id = ? AND end_user_id = ?").bind(tenantId, endUserId).all<{ vector_id: string }>();
  return rows.results.map((r) => r.vector_id);
}

const FTS_SELECT = `SELECT d.thread_id, d.seq, d.role, d.created_at, -bm25(message_search, 0.0, 1.0) AS score,
    snippet(message_search, 1, ?, ?, '…', ?) AS snippet
  FROM message_search
  JOIN message_search_docs d ON d.id = message_search.rowid
  JOIN threads t ON t.tenant_id = d.tenant_id AND t.id = d.thread_id
  WHERE message_search MATCH ? AND d.tenant_id = ? AND t.deleted_at IS NULL`;
const FTS_ORDER = "ORDER BY bm25(message_search, 0.0, 1.0) LIMIT ?";

/**
 * The same search in two stages, its cost bounded whatever the words: the newest
 * RANKED_WINDOW matches are taken from the FTS5 index alone (its MATCH already holds the scope
 * token; FTS5 walks rowids newest first and stops there) and ranked by BM25; only the best few
 * are joined to their docs and threads and get a snippet. A word in most of a tenant's messages
 * would otherwise have every one of them ranked, joined and snippeted before the sort. When a
 * query matches more than the window, the best of its newest matches are returned.
 */
const FTS_TWO_STAGE = `WITH candidates AS (
    SELECT id, rank FROM (
      SELECT rowid AS id, bm25(message_search, 0.0, 1.0) AS rank FROM message_search
      WHERE message_search MATCH ? ORDER BY rowid DESC LIMIT ?
    ) ORDER BY rank LIMIT ?
  )
  SELECT d.thread_id, d.seq, d.role, d.created_at, -c.rank AS score,
    snippet(message_search, 1, ?, ?, '…', ?) AS snippet, (SELECT count(*) FROM candidates) AS candidate_count
  FROM candidates c
  JOIN message_search ON message_search.rowid = c.id
  JOIN message_search_docs d ON d.id = c.id
  JOIN threads t ON t.tenant_id = d.tenant_id AND t.id = d.thread_id
  WHERE message_search MATCH ? AND d.tenant_id = ? AND t.deleted_at IS NULL`;

/** The newest matches a query ranks (see FTS_TWO_STAGE). */
export const RANKED_WINDOW = 2_000;

/** Candidates kept per result asked for: room for entries the scope check drops (a deleted thread's, before their removal). */
const CANDIDATES_PER_RESULT = 4;

export interface FtsSearch {
  /** An FTS5 expression built by runtime/search/query-terms.ts (never the caller's text). */
  match: string;
  /** undefined: the whole tenant. */
  endUserId: string | undefined;
  limit: number;
  /** snippet() markers and length in tokens. */
  markOpen: string;
  markClose: string;
  snippetTokens: number;
}

/** The best full-text matches in the tenant (or one end user), live threads only, best first. */
export async function searchFts(db: D1Database, tenantId: string, s: FtsSearch): Promise<FtsMatchRow[]> {
  const candidates = s.limit * CANDIDATES_PER_RESULT;
  const endUser = s.endUserId === undefined ? "" : " AND d.end_user_id = ?";
  const tail = s.endUserId === undefined ? [] : [s.endUserId];
  const fast = await db
    .prepare(`${FTS_TWO_STAGE}${endUser} ORDER BY c.rank LIMIT ?`)
    .bind(s.match, RANKED_WINDOW, candidates, s.markOpen, s.markClose, s.snippetTokens, s.match, tenantId, ...tail, s.limit)
    .all<FtsMatchRow & { candidate_count: number }>();
  const rows = fast.results;
  // Enough, or every match was a candidate: the answer is complete.
  if (rows.length >= s.limit || (rows[0] !== undefined && rows[0].candidate_count < candidates)) return rows.map(({ candidate_count: _, ...row }) => row);
  // Fewer than asked from a full candidate list (or none): the scope check dropped candidates
  // (entries of deleted threads not yet removed), or nothing matched. Only the full query can tell.
  return (
    await db
      .prepare(`${FTS_SELECT}${endUser} ${FTS_ORDER}`)
      .bind(s.markOpen, s.markClose, s.snippetTokens, s.match, tenantId, ...tail, s.limit)
      .all<FtsMatchRow>()
  ).results;
}

/**
 * The tenant's docs with these vector ids, within the end user when given, live threads only:
 * a semantic match counts only if D1 agrees it is in scope (whatever the vector index returned).
 */
export async function docsByVectorIds(db: D1Database, tenantId: string, endUserId: string | undefined, vectorIds: readonly string[]): Promise<DocByVectorRow[]> {
  const out: DocByVectorRow[] = [];
  for (const ids of chunks(vectorIds)) {
    const base = `SELECT d.vector_id, d.thread_id, d.seq, d.role, d.created_at, d.body FROM message_search_docs d
      JOIN threads t ON t.tenant_id = d.tenant_id AND t.id = d.thread_id
      WHERE d.tenant_id = ? AND d.vector_id IN (${marks(ids.length)}) AND t.deleted_at IS NULL`;
    const stmt = endUserId === undefined ? db.prepare(base).bind(tenantId, ...ids) : db.prepare(`${base} AND d.end_user_id = ?`).bind(tenantId, ...ids, endUserId);
    out.push(...(await stmt.all<DocByVectorRow>()).results);
  }
  return out;
}

/**
 * The thread's stored messages with these seqs (from `thread_messages`, migration 0009): what the
 * indexer reads back for a queued job. A message no longer there (erased) is simply absent.
 */
export async function messagesToIndex(db: D1Database, tenantId: string, threadId: string, seqs: readonly number[]): Promise<MessageToIndexRow[]> {
  const out: MessageToIndexRow[] = [];
  for (const part of chunks(seqs)) {
    const rows = await db
      .prepare(`SELECT seq, role, content, end_user_id, created_at FROM thread_messages WHERE tenant_id = ? AND thread_id = ? AND seq IN (${marks(part.length)})`)
      .bind(tenantId, threadId, ...part)
      .all<MessageToIndexRow>();
    out.push(...rows.results);
  }
  return out;
}
