// The full-text SearchIndex: D1 FTS5 with BM25 ranking (runtime/db/message-search.ts).
// A query first requires every word (precise); when that finds nothing it takes any word, ranked
// by BM25, so a query with one word the messages lack still finds the rest.
import { deleteEndUserDocs, deleteThreadDocs, searchFts, upsertSearchDocs, type FtsMatchRow, type SearchDocRow } from "../db/message-search";
import { groupBy } from "../group-by";
import { matchExpression, queryTerms } from "./query-terms";
import { endUserToken, queryScopeToken, tenantToken, vectorId } from "./scope-tokens";
import type { SearchDoc, SearchHit, SearchIndex, SearchQuery } from "./search-index";
import { MARK_CLOSE, MARK_OPEN, renderMarked, searchableText } from "./snippet";

/** Words of context in a snippet. */
const SNIPPET_TOKENS = 24;

export class FtsIndex implements SearchIndex {
  constructor(private readonly db: D1Database) {}

  async index(docs: SearchDoc[]): Promise<void> {
    await this.indexLive(docs);
  }

  /** Indexes the docs; returns those written (with text, on a live thread) — the ones worth a vector. */
  async indexLive(docs: readonly SearchDoc[]): Promise<SearchDoc[]> {
    const written: SearchDoc[] = [];
    // A message with no searchable text (an image alone, thinking alone) has nothing to find.
    for (const [tenantId, ofTenant] of groupBy(docs.filter((d) => d.text.trim() !== ""), (d) => d.tenantId)) {
      const rows = await Promise.all(ofTenant.map(docRow));
      const kept = new Set(await upsertSearchDocs(this.db, tenantId, rows));
      written.push(...ofTenant.filter((_, i) => kept.has(rows[i] as SearchDocRow)));
    }
    return written;
  }

  async removeThreads(tenantId: string, threadIds: string[]): Promise<number> {
    return (await deleteThreadDocs(this.db, tenantId, threadIds)).length;
  }

  async removeEndUser(tenantId: string, endUserId: string): Promise<number> {
    return (await deleteEndUserDocs(this.db, tenantId, endUserId)).length;
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return (await this.matches(query)).map(toHit);
  }

  /** Full-text matches with their snippets still marked (the fused index cuts its own for the rest). */
  async matches(query: SearchQuery): Promise<FtsMatchRow[]> {
    const terms = queryTerms(query.q);
    if (terms.length === 0) return [];
    const scope = await queryScopeToken(query.tenantId, query.endUserId);
    const run = (mode: "all" | "any") =>
      searchFts(this.db, query.tenantId, {
        match: matchExpression(scope, terms, mode),
        endUserId: query.endUserId,
        limit: query.limit,
        markOpen: MARK_OPEN,
        markClose: MARK_CLOSE,
        snippetTokens: SNIPPET_TOKENS,
      });
    const all = await run("all");
    return all.length > 0 || terms.length === 1 ? all : run("any");
  }
}

export function toHit(row: FtsMatchRow): SearchHit {
  return { thread_id: row.thread_id, seq: row.seq, role: row.role, score: row.score, snippet: renderMarked(row.snippet), created_at: row.created_at };
}

async function docRow(doc: SearchDoc): Promise<SearchDocRow> {
  const [tenant, endUser, vid] = await Promise.all([tenantToken(doc.tenantId), endUserToken(doc.tenantId, doc.endUserId), vectorId(doc.tenantId, doc.threadId, doc.seq)]);
  return {
    thread_id: doc.threadId,
    seq: doc.seq,
    end_user_id: doc.endUserId,
    role: doc.role,
    created_at: doc.createdAt,
    vector_id: vid,
    scope: `${tenant} ${endUser}`,
    body: searchableText(doc.text),
  };
}
