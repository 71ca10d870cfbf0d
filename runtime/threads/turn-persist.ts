// How a finished turn is stored: the user's blocks and the assistant's blocks exactly as the
// model produced them (thinking with its signature), each with its share of the usage, in one
// batch guarded by the turn's lock; then the search index is told, without waiting for it.
import { storeTurn } from "../db/thread-turns";
import type { RequestContext } from "../http/context";
import { enqueueIndexing } from "../search/queue-consumer";
import type { TokenUsage } from "../translate";
import type { ContentBlock } from "./context-window";
import type { TurnLock } from "./turn-lock";

export interface FinishedTurn {
  lock: TurnLock;
  user: ContentBlock[];
  assistant: ContentBlock[];
  usage: TokenUsage;
  /** Tokens of what was sent besides the new user message: the stored context and the system prompt (stored counts or estimates). */
  otherInputTokens: number;
}

/**
 * The user message's tokens: the turn's whole input less what the context and system account
 * for, at least 1 (estimates may run high). Later turns fit the window with it.
 */
export function userTokens(usage: TokenUsage, otherInputTokens: number): number {
  const input = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return Math.max(1, input - otherInputTokens);
}

/** Stores the turn (seqs lastSeq+1, lastSeq+2); false, with nothing written, when the lock was lost or the thread deleted. */
export async function persistTurn(ctx: RequestContext, t: FinishedTurn): Promise<boolean> {
  const { lock } = t;
  const userSeq = lock.lastSeq + 1;
  const stored = await storeTurn(ctx.env.DB, lock.tenantId, {
    threadId: lock.threadId,
    token: lock.token,
    lastSeq: lock.lastSeq,
    endUserId: lock.endUserId,
    requestId: ctx.requestId,
    now: Date.now(),
    messages: [
      { seq: userSeq, role: "user", content: JSON.stringify(t.user), tokens: userTokens(t.usage, t.otherInputTokens) },
      { seq: userSeq + 1, role: "assistant", content: JSON.stringify(t.assistant), tokens: t.usage.output_tokens },
    ],
  });
  if (!stored) return false;
  lock.storedAndFreed();
  // Search catches up on its own: a failed enqueue costs findability, never the stored turn.
  ctx.exec.waitUntil(
    enqueueIndexing(ctx.env, { tenantId: lock.tenantId, threadId: lock.threadId, seqs: [userSeq, userSeq + 1] }).catch((e: unknown) =>
      console.error(`gatehouse ${ctx.requestId}: indexing thread ${lock.threadId} seqs ${userSeq}-${userSeq + 1} not queued: ${(e as Error).message}`),
    ),
  );
  return true;
}
