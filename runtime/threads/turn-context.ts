// Loads a turn's context: the thread's newest messages, a page at a time, into the ContextWindow
// until it is full or the thread's start is reached. The budget comes from the model's window in
// the catalog (the smallest among an alias's candidates: any of them may serve the turn).
import type { Candidate } from "../gateway/resolve-model";
import { listThreadMessageRows, type ThreadMessageRow } from "../db/thread-messages";
import { ContextWindow, DEFAULT_CONTEXT_WINDOW, type ContentBlock, type StoredMessage } from "./context-window";

/**
 * Rows of the first read: a page covers most threads whole. Each further read doubles, up to
 * MAX_CONTEXT_PAGE_ROWS, so a long thread under a large window (200k tokens of short messages is
 * thousands of rows) fills it in a handful of reads, not dozens.
 */
export const CONTEXT_PAGE_ROWS = 200;
const MAX_CONTEXT_PAGE_ROWS = 1_600;

/** The window and output limit that bound every candidate. */
export function modelLimits(candidates: readonly Candidate[], maxTokens: number): { contextWindow: number; maxTokens: number } {
  const windows = candidates.map((c) => c.price.context_window ?? DEFAULT_CONTEXT_WINDOW);
  const outputs = candidates.map((c) => c.price.max_output_tokens);
  // The gateway never forwards more output than the model's maximum, so only that much shares the window.
  return { contextWindow: Math.min(...windows), maxTokens: Math.min(maxTokens, Math.max(...outputs)) };
}

export interface LoadedContext {
  /** Oldest first. */
  messages: StoredMessage[];
  /** Their stored or estimated tokens. */
  tokens: number;
  pagesRead: number;
}

/** The newest whole turns up to `lastSeq` that fit `budget`, read newest first in pages. */
export async function loadContext(db: D1Database, tenantId: string, threadId: string, lastSeq: number, budget: number, pageRows = CONTEXT_PAGE_ROWS): Promise<LoadedContext> {
  const window = new ContextWindow(budget);
  let below = lastSeq;
  let pagesRead = 0;
  let rowsPerRead = pageRows;
  while (below > 0) {
    const rows = await listThreadMessageRows(db, tenantId, threadId, { order: "desc", limit: rowsPerRead, afterSeq: undefined, beforeSeq: below + 1 });
    pagesRead++;
    if (rows.length === 0 || !window.offer(rows.map(storedMessage))) break;
    below = (rows.at(-1)?.seq ?? 1) - 1;
    if (rows.length < rowsPerRead) break;
    rowsPerRead = Math.min(rowsPerRead * 2, Math.max(pageRows, MAX_CONTEXT_PAGE_ROWS));
  }
  return { messages: window.messages(), tokens: window.tokens, pagesRead };
}

function storedMessage(row: ThreadMessageRow): StoredMessage {
  return { seq: row.seq, role: row.role, content: JSON.parse(row.content) as ContentBlock[], tokens: row.tokens };
}
