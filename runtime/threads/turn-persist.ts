// How a turn is stored: whole messages only, a round at a time — round 1 appends [user,
// assistant], each later round [user (tool results), assistant], and a turn that stops with
// tool calls unanswered appends their tool_result message alone. Blocks are stored exactly as
// the model saw or produced them (thinking with its signature), each message with its share of
// the usage, in one batch guarded by the turn's lock (which the last append frees); then the
// search index is told, without waiting for it.
import { storeTurn } from "../db/thread-turns";
import type { RequestContext } from "../http/context";
import { enqueueIndexing } from "../search/queue-consumer";
import type { TokenUsage } from "../translate";
import type { ContentBlock } from "./context-window";
import type { TurnLock } from "./turn-lock";

export interface MessageToStore {
  role: "user" | "assistant";
  content: ContentBlock[];
  tokens: number;
  /** An assistant message: what its model round cost, micro-dollars. */
  costMicros?: number;
}

/**
 * The user message's tokens: the round's whole input less what the rest of the request accounts
 * for (stored counts or estimates), at least 1 (estimates may run high). Later turns fit the
 * window with it.
 */
export function userTokens(usage: TokenUsage, otherInputTokens: number): number {
  const input = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return Math.max(1, input - otherInputTokens);
}

/**
 * Appends `messages` after the lock's last seq (the first takes lastSeq+1); `release` frees the
 * lock in the same batch. Returns the seqs written, or null — nothing written — when the lock
 * was lost or the thread deleted meanwhile.
 */
export async function appendMessages(ctx: RequestContext, lock: TurnLock, messages: readonly MessageToStore[], release: boolean): Promise<number[] | null> {
  const first = lock.lastSeq + 1;
  const seqs = messages.map((_, i) => first + i);
  const stored = await storeTurn(ctx.env.DB, lock.tenantId, {
    threadId: lock.threadId,
    token: lock.token,
    lastSeq: lock.lastSeq,
    endUserId: lock.endUserId,
    requestId: ctx.requestId,
    now: Date.now(),
    release,
    messages: messages.map((m, i) => ({ seq: first + i, role: m.role, content: JSON.stringify(m.content), tokens: m.tokens, costMicros: m.costMicros ?? null })),
  });
  if (!stored) return null;
  if (release) lock.storedAndFreed(messages.length);
  else lock.appended(messages.length);
  if (seqs.length === 0) return seqs;
  // Search catches up on its own: a failed enqueue costs findability, never the stored turn.
  ctx.exec.waitUntil(
    enqueueIndexing(ctx.env, { tenantId: lock.tenantId, threadId: lock.threadId, seqs }).catch((e: unknown) =>
      console.error(`gatehouse ${ctx.requestId}: indexing thread ${lock.threadId} seqs ${seqs[0]}-${seqs.at(-1)} not queued: ${(e as Error).message}`),
    ),
  );
  return seqs;
}
