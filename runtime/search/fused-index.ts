// Production search: full text (FTS5) and meaning (embeddings) ranked together by reciprocal
// rank fusion. D1 stays the authority on what exists and who may see it: a vector match counts
// only once D1 finds its doc in the query's scope on a live thread, and an erase reads the
// vector ids from D1 and drops the vectors before the docs (so a failed vector delete leaves
// the docs, and a retry, rather than orphans nobody can name).
import { docsByVectorIds, vectorIdsOfEndUser, vectorIdsOfThreads, type FtsMatchRow } from "../db/message-search";
import type { FtsIndex } from "./fts-index";
import { toHit } from "./fts-index";
import { reciprocalRankFusion } from "./fusion";
import { queryTerms } from "./query-terms";
import type { SearchDoc, SearchHit, SearchIndex, SearchQuery } from "./search-index";
import type { SemanticIndex } from "./semantic-index";
import { markTerms } from "./snippet";

/** Candidates taken from each list before fusion. */
const CANDIDATES = 50;

const keyOf = (threadId: string, seq: number) => `${threadId}\u0000${seq}`;

export class FusedIndex implements SearchIndex {
  constructor(
    private readonly db: D1Database,
    private readonly fts: FtsIndex,
    private readonly semantic: SemanticIndex,
  ) {}

  async index(docs: SearchDoc[]): Promise<void> {
    // Only what D1 kept gets a vector: no embedding of a message whose thread is already gone.
    await this.semantic.upsert(await this.fts.indexLive(docs));
  }

  async removeThreads(tenantId: string, threadIds: string[]): Promise<number> {
    await this.semantic.remove(await vectorIdsOfThreads(this.db, tenantId, threadIds));
    return this.fts.removeThreads(tenantId, threadIds);
  }

  async removeEndUser(tenantId: string, endUserId: string): Promise<number> {
    await this.semantic.remove(await vectorIdsOfEndUser(this.db, tenantId, endUserId));
    return this.fts.removeEndUser(tenantId, endUserId);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const terms = queryTerms(query.q);
    if (terms.length === 0) return [];
    const [ftsRows, vectorIds] = await Promise.all([this.fts.matches({ ...query, limit: CANDIDATES }), this.semantic.nearest(query, CANDIDATES)]);
    const docs = await docsByVectorIds(this.db, query.tenantId, query.endUserId, vectorIds);
    const docById = new Map(docs.map((d) => [d.vector_id, d]));
    // Nearest first, only what D1 confirms in scope.
    const semanticDocs = vectorIds.flatMap((id) => docById.get(id) ?? []);
    const ftsByKey = new Map<string, FtsMatchRow>(ftsRows.map((r) => [keyOf(r.thread_id, r.seq), r]));
    const semByKey = new Map(semanticDocs.map((d) => [keyOf(d.thread_id, d.seq), d]));
    const fused = reciprocalRankFusion([[...ftsByKey.keys()], [...semByKey.keys()]]).slice(0, query.limit);
    return fused.map(({ key, score }) => {
      const row = ftsByKey.get(key);
      if (row) return { ...toHit(row), score };
      const d = semByKey.get(key)!;
      return { thread_id: d.thread_id, seq: d.seq, role: d.role, score, snippet: markTerms(d.body, terms), created_at: d.created_at };
    });
  }
}
