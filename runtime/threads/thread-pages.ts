// Paging threads and a thread's messages. Both ask D1 for one row more than the page shows:
// that row's presence is `has_more`, so no count query is needed.
import type { components } from "../../generated/api/types";
import { listThreadMessageRows } from "../db/thread-messages";
import { listLiveThreads, type ThreadRow } from "../db/threads";
import type { Scope } from "./access";
import { decodeThreadCursor, encodeThreadCursor } from "./list-cursor";
import { threadMessageView, threadView } from "./thread-view";

type ThreadPage = components["schemas"]["ThreadPage"];
type ThreadMessagePage = components["schemas"]["ThreadMessagePage"];
type Order = "asc" | "desc";

export const DEFAULT_PAGE_SIZE = 20;

/** A page of the scope's live threads by (created_at, id); `next_after` resumes after its last. */
export async function threadPage(db: D1Database, scope: Scope, q: { limit?: number; order?: Order; after?: string }): Promise<ThreadPage> {
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.after === undefined ? undefined : decodeThreadCursor(q.after);
  const rows = await listLiveThreads(db, scope.tenantId, { endUserId: scope.endUserId, order: q.order ?? "desc", limit: limit + 1, after });
  const shown = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last: ThreadRow | undefined = shown.at(-1);
  return {
    object: "list",
    data: shown.map(threadView),
    has_more: hasMore,
    next_after: hasMore && last ? encodeThreadCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

/**
 * A page of one thread's messages with after_seq < seq < before_seq, in `order`; `has_more`
 * says whether more lie beyond the page in that direction (inside the window).
 */
export async function messagePage(
  db: D1Database,
  tenantId: string,
  threadId: string,
  q: { limit?: number; order?: Order; after_seq?: number; before_seq?: number },
): Promise<ThreadMessagePage> {
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await listThreadMessageRows(db, tenantId, threadId, { order: q.order ?? "desc", limit: limit + 1, afterSeq: q.after_seq, beforeSeq: q.before_seq });
  const shown = rows.slice(0, limit);
  const seqs = shown.map((r) => r.seq);
  return {
    object: "list",
    data: shown.map(threadMessageView),
    has_more: rows.length > limit,
    next_after_seq: seqs.length ? Math.max(...seqs) : null,
    next_before_seq: seqs.length ? Math.min(...seqs) : null,
  };
}
