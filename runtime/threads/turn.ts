// A thread turn (POST /v1/threads/:id/messages), without tools: lock the thread → load the
// context that fits → one complete() call (held and billed through the wallet like
// /v1/messages) → read its IR events to the end → store both messages together → release.
// Split in two so the HTTP status can still say what went wrong before any output (startTurn
// throws: 402, 404, 409, an upstream's refusal — nothing stored, lock released) while the rest
// runs as the answer is streamed (finishTurn, which never throws: its outcome says).
import type { KeyRecord } from "../db/api-keys";
import { configOf } from "../config";
import { ApiError, type ErrorKind } from "../errors";
import { complete, type Billed, type EventBatch } from "../gateway/complete";
import { resolveModel } from "../gateway/resolve-model";
import type { RequestContext } from "../http/context";
import { renderAnthropicResponse } from "../translate/anthropic/render-response";
import { IrAssembler } from "../translate/ir-assembler";
import type { TokenUsage } from "../translate";
import { contextBudget, estimateTokens, type ContentBlock } from "./context-window";
import { loadContext, modelLimits } from "./turn-context";
import { TurnLock } from "./turn-lock";
import { persistTurn } from "./turn-persist";
import { modelBody, newTurnTokens, refuseAgentLoopParams, userBlocks, type TurnInput } from "./turn-request";

const enc = new TextEncoder();

/** A turn whose model call was accepted: its events are still to be read. */
export interface StartedTurn {
  threadId: string;
  /** The seq the reply will be stored under (known before the model answers: a header). */
  assistantSeq: number;
  stream: boolean;
  upstreamMs: number;
  events: AsyncIterable<EventBatch>;
  billed: Promise<Billed>;
  lock: TurnLock;
  user: ContentBlock[];
  /** Context and system tokens sent besides the user's message. */
  otherInputTokens: number;
}

export type TurnOutcome =
  | { kind: "stored"; seq: number; content: ContentBlock[]; stopReason: string | null; usage: TokenUsage; costMicros: number; persistMs: number }
  | { kind: "failed"; error: ApiError; costMicros: number };

export async function startTurn(threadId: string, input: TurnInput, key: KeyRecord, ctx: RequestContext): Promise<StartedTurn> {
  refuseAgentLoopParams(input);
  // An unknown model is a 404 before the thread is even locked.
  const candidates = resolveModel(input.model, configOf(ctx.env).unlistedRoutes);
  const lock = await TurnLock.take(ctx.env.DB, key, threadId);
  try {
    lock.keepAlive();
    const user = userBlocks(input.content);
    const limits = modelLimits(candidates, input.max_tokens);
    const budget = contextBudget({ contextWindow: limits.contextWindow, maxTokens: limits.maxTokens, newTokens: newTurnTokens(input, user) });
    const context = await loadContext(ctx.env.DB, key.tenant_id, threadId, lock.lastSeq, budget);
    const stream = input.stream === true;
    const body = modelBody(input, context.messages, user, stream);
    const done = await complete({ surface: "anthropic", body, bodyBytes: enc.encode(JSON.stringify(body)).byteLength, key: actingFor(key, lock.endUserId) }, detached(ctx));
    if (done.kind === "refused") throw new ApiError(kindOfStatus(done.status), done.error.message, { status: done.status });
    if (done.answer.kind !== "events") throw new ApiError("internal", `complete() answered ${done.answer.kind}, not events`);
    return {
      threadId,
      assistantSeq: lock.lastSeq + 2,
      stream: done.stream,
      upstreamMs: done.upstreamMs,
      events: done.answer.events,
      billed: done.billed,
      lock,
      user,
      otherInputTokens: context.tokens + estimateTokens(input.system),
    };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/**
 * Reads the answer to its end (`onBatch` sees each batch first, e.g. to stream it; its failures
 * are the caller's), then stores the turn. An answer that failed or is empty stores nothing: the
 * tokens it spent are billed by complete() regardless. The lock is free when this returns.
 */
export async function finishTurn(turn: StartedTurn, ctx: RequestContext, onBatch?: (batch: EventBatch) => Promise<void>): Promise<TurnOutcome> {
  const asm = new IrAssembler();
  try {
    for await (const batch of turn.events) {
      for (const e of batch) asm.handle(e);
      if (onBatch) await onBatch(batch);
    }
    const billed = await turn.billed;
    const failed = (message: string, kind: ErrorKind = "upstream"): TurnOutcome => ({ kind: "failed", error: new ApiError(kind, message), costMicros: billed.costMicros });
    if (asm.error !== undefined) return failed(`the model's answer failed mid-way (${asm.error.type}: ${asm.error.message}); nothing was stored, send the turn again`);
    if (!asm.ended || asm.blocks.length === 0) return failed("the model's answer was empty or cut off; nothing was stored, send the turn again");
    const content = renderAnthropicResponse({ id: "", model: "", created: undefined, content: asm.blocks, stop: asm.stop, usage: billed.usage }).content as ContentBlock[];
    const t0 = performance.now();
    const stored = await persistTurn(ctx, { lock: turn.lock, user: turn.user, assistant: content, usage: billed.usage, otherInputTokens: turn.otherInputTokens });
    const persistMs = performance.now() - t0;
    if (!stored) return failed("the thread was deleted, or its lock taken by another turn, while this turn ran; nothing was stored", "thread_busy");
    return { kind: "stored", seq: turn.assistantSeq, content, stopReason: asm.stop?.reason ?? null, usage: billed.usage, costMicros: billed.costMicros, persistMs };
  } catch (e) {
    console.error(`gatehouse ${ctx.requestId}: thread ${turn.threadId} turn failed: ${(e as Error).message}`);
    const error = e instanceof ApiError ? e : new ApiError("upstream", `the turn failed before it was stored (${(e as Error).message}); nothing was stored, send it again`);
    return { kind: "failed", error, costMicros: (await turn.billed.catch(() => undefined))?.costMicros ?? 0 };
  } finally {
    await turn.lock.release();
  }
}

/**
 * The request context without the client's hang-up signal: a turn runs to its end and is stored
 * even when the client leaves (the work is billed either way), so complete() must not stop the
 * upstream at a hang-up. The headers stay (the beta headers forwarded to Anthropic).
 */
function detached(ctx: RequestContext): RequestContext {
  return { ...ctx, req: new Request(ctx.req.url, { method: "POST", headers: ctx.req.headers }) };
}

/**
 * The key as the turn bills it: a master key's turn on an end user's thread is that end user's
 * usage (per-end-user invoices, the erase's pseudonymizing), while the key's id, tenant and cap
 * still decide the hold. A standard key acts for its own end user already.
 */
function actingFor(key: KeyRecord, threadEndUser: string | null): KeyRecord {
  return key.scope === "master" && threadEndUser !== null ? { ...key, end_user_id: threadEndUser } : key;
}

/** An upstream's refusal, in the one taxonomy, keeping its status. */
function kindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 413 || status === 422) return "invalid_request";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 503 || status === 529) return "overloaded";
  return "upstream";
}
