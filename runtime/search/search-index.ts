// The search room's contract (see runtime/search/README.md): what the threads room calls.
// Implementations: D1 FTS5 (local and default), and FTS5 fused with Workers AI embeddings +
// Vectorize by reciprocal rank where those bindings exist (production).

/** One stored message to index; the text is what the index keeps of its content blocks. */
export interface SearchDoc {
  tenantId: string;
  endUserId: string | null;
  threadId: string;
  seq: number;
  role: "user" | "assistant";
  text: string;
  createdAt: number;
}

export interface SearchQuery {
  tenantId: string;
  /** undefined: the whole tenant (master keys only); a string: that end user only. */
  endUserId?: string;
  q: string;
  limit: number;
}

export interface SearchHit {
  thread_id: string;
  seq: number;
  role: "user" | "assistant";
  score: number;
  snippet: string;
  created_at: number;
}

export interface SearchIndex {
  /** Index these messages; idempotent on (tenant, thread, seq). */
  index(docs: SearchDoc[]): Promise<void>;
  /** Drop every entry of these threads of one tenant; returns how many entries went. */
  removeThreads(tenantId: string, threadIds: string[]): Promise<number>;
  /** Drop every entry of one end user of one tenant; returns how many entries went. */
  removeEndUser(tenantId: string, endUserId: string): Promise<number>;
  /** The best matches, best first, never outside the query's tenant and end user. */
  search(query: SearchQuery): Promise<SearchHit[]>;
}

/** What a turn enqueues after storing its messages: the consumer reads them back from D1. */
export interface IndexJob {
  tenantId: string;
  threadId: string;
  seqs: number[];
}
