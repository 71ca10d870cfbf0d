// A thread turn (POST /v1/threads/:id/messages): the agent loop. Lock the thread → load the
// context that fits → build the turn's tools (runtime/agent) → round 1 → then, while the model
// asks for tools Gatehouse runs: store the round, run its calls (runtime/agent dispatch), send
// their results as the next round — up to max_iterations. Every round is its own complete()
// call, held and settled through the wallet; every round is stored as whole messages under the
// lock, which is held (renewed) for the whole turn and freed by the last write.
// Split in two so the HTTP status can still say what went wrong before any output (startTurn
// throws: 402, 404, 409, an upstream's refusal — nothing stored, lock released) while the rest
// runs as the answer is streamed (finishTurn, which never throws: its outcome says).
import { buildToolSet, DEFAULT_TIMEOUT_MS, dispatchToolCalls, type ToolResultBlock, type ToolSet, type ToolUseCall } from "../agent";
import type { KeyRecord } from "../db/api-keys";
import { configOf, numberVar } from "../config";
import { ApiError } from "../errors";
import type { EventBatch } from "../gateway/complete";
import { resolveModel } from "../gateway/resolve-model";
import type { RequestContext } from "../http/context";
import { onBehalfOf } from "../requests/observation";
import type { TokenUsage } from "../translate";
import { contextBudget, estimateTokens, type ContentBlock } from "./context-window";
import { loadContext, modelLimits } from "./turn-context";
import { TurnLock } from "./turn-lock";
import { appendMessages, userTokens, type MessageToStore } from "./turn-persist";
import { answerPending, maxIterations, modelBody, newTurnTokens, toolSetRequest, userBlocks, type TurnInput, type TurnMessage } from "./turn-request";
import { addUsage, callModel, inputTotal, readRound, toolCalls, type RoundCall } from "./turn-round";

/** A turn whose first model call was accepted: its events are still to be read. */
export interface StartedTurn {
  threadId: string;
  /** The seq of the turn's first assistant message (known before the model answers: a header). */
  assistantSeq: number;
  stream: boolean;
  /** Round 1's time to the upstream's headers. */
  upstreamMs: number;
  first: RoundCall;
  lock: TurnLock;
  /** The new user message as stored (with results for calls the thread still owed). */
  user: ContentBlock[];
  /** Round 1's input tokens besides the user message: context, system, tools (stored counts or estimates). */
  otherInputTokens: number;
  input: TurnInput;
  /** The key the turn bills (see actingFor). */
  key: KeyRecord;
  tools: ToolSet;
  /** What round 1 sent: the context, then the user message. Later rounds extend it. */
  conversation: TurnMessage[];
}

/** What the loop tells whoever renders the turn (the stream); every member optional but clientGone. */
export interface TurnObserver {
  /** A round after the first begins (round 1's start is the caller's: it precedes the answer). */
  iterationStart?(iteration: number): Promise<void>;
  /** Each batch of a round's events, before the loop reads it. */
  batch?(batch: EventBatch): Promise<void>;
  toolStart?(call: ToolUseCall): void;
  toolDone?(call: ToolUseCall, ok: boolean): void;
  /** Waits until what the observer was told has gone out (before the next round starts). */
  flush?(): Promise<void>;
  /** True once the client has gone: the loop stops after the round it is in. */
  clientGone(): boolean;
}

export type TurnOutcome =
  | {
      kind: "stored";
      /** The last assistant message's seq (its content is `content`). */
      seq: number;
      /** The thread's last seq after the turn (a tool_result message may follow the last assistant message). */
      lastSeq: number;
      content: ContentBlock[];
      stopReason: string | null;
      usage: TokenUsage;
      costMicros: number;
      iterations: number;
      hitMaxIterations: boolean;
      persistMs: number;
    }
  | { kind: "failed"; error: ApiError; costMicros: number; iterations: number };

export async function startTurn(threadId: string, input: TurnInput, key: KeyRecord, ctx: RequestContext): Promise<StartedTurn> {
  // An unknown model is a 404 before the thread is even locked.
  const candidates = resolveModel(input.model, configOf(ctx.env).unlistedRoutes);
  const lock = await TurnLock.take(ctx.env.DB, key, threadId);
  try {
    lock.keepAlive();
    const tools = await buildToolSet(ctx.env, toolSetRequest(input), { tenantId: key.tenant_id, endUserId: lock.endUserId ?? undefined });
    const given = userBlocks(input.content);
    const limits = modelLimits(candidates, input.max_tokens);
    const budget = contextBudget({ contextWindow: limits.contextWindow, maxTokens: limits.maxTokens, newTokens: newTurnTokens(input, given, tools.definitions) });
    const context = await loadContext(ctx.env.DB, key.tenant_id, threadId, lock.lastSeq, budget);
    const user = answerPending(context.messages, given);
    const conversation: TurnMessage[] = [...context.messages.map((m) => ({ role: m.role, content: m.content })), { role: "user", content: user }];
    const acting = actingFor(key, lock.endUserId);
    const first = await callModel(modelBody(input, conversation, tools.definitions, input.stream === true), acting, roundContext(ctx, 1));
    const toolTokens = tools.definitions.length > 0 ? estimateTokens(tools.definitions) : 0;
    return {
      threadId,
      assistantSeq: lock.lastSeq + 2,
      stream: first.stream,
      upstreamMs: first.upstreamMs,
      first,
      lock,
      user,
      otherInputTokens: context.tokens + estimateTokens(input.system) + toolTokens,
      input,
      key: acting,
      tools,
      conversation,
    };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/**
 * Runs the turn to its end from round 1's answer and stores it; the lock is free when this
 * returns. A round that fails stores nothing of itself (the rounds before it stay stored); a
 * turn that stops after a round that asked for tools leaves every call Gatehouse runs answered
 * (a result, or an is_error result saying why it did not run), so the next turn is valid; the
 * app's own calls are answered by the app as the next turn's content.
 */
export async function finishTurn(turn: StartedTurn, ctx: RequestContext, observer: TurnObserver = { clientGone: () => ctx.req.signal?.aborted === true }): Promise<TurnOutcome> {
  const { lock, input } = turn;
  const limit = maxIterations(input);
  let usage: TokenUsage | undefined;
  let costMicros = 0;
  let persistMs = 0;
  let iteration = 1;
  let call = turn.first;
  // The message that goes before this round's answer, and the tokens the rest of the round's input accounts for.
  let pending: ContentBlock[] = turn.user;
  let otherTokens = turn.otherInputTokens;
  let last: { seq: number; content: ContentBlock[]; stopReason: string | null } | undefined;
  const store = async (messages: MessageToStore[], release: boolean): Promise<number[] | null> => {
    const t0 = performance.now();
    const seqs = messages.length === 0 ? [] : await appendMessages(ctx, lock, messages, release);
    if (messages.length === 0 && release) await lock.release();
    persistMs += performance.now() - t0;
    return seqs;
  };
  const failed = (error: ApiError): TurnOutcome => ({ kind: "failed", error, costMicros, iterations: iteration });
  const lostLock = () => failed(new ApiError("thread_busy", "the thread was deleted, or its lock taken by another turn, while this turn ran; what was not stored before is lost"));
  try {
    for (;;) {
      const round = await readRound(call, observer.batch);
      costMicros += round.costMicros;
      if (round.kind === "failed") {
        // Round 1: nothing stored. Later: the previous round's tool results, so its calls stay answered.
        if (iteration > 1 && (await store([{ role: "user", content: pending, tokens: estimateTokens(pending) }], true)) === null) return lostLock();
        return failed(roundError(round.error, iteration, lock.lastSeq));
      }
      usage = usage === undefined ? round.usage : addUsage(usage, round.usage);
      const assistant: MessageToStore = { role: "assistant", content: round.content, tokens: round.usage.output_tokens, costMicros: round.costMicros };
      const calls = round.stopReason === "tool_use" ? toolCalls(round.content) : [];
      const ours = calls.filter((c) => turn.tools.classify(c.name)?.kind !== "client");
      const gone = observer.clientGone();
      const stopNow = calls.length === 0 || iteration >= limit || gone;
      // Unrun calls get their is_error results in the same batch, so no write leaves a call unanswered that Gatehouse owes.
      const unrun = stopNow && ours.length > 0 ? ours.map((c) => notRun(c, gone ? "the client disconnected before it ran" : `the turn reached max_iterations (${limit}) before it ran`)) : [];
      const messages: MessageToStore[] = [{ role: "user", content: pending, tokens: userTokens(round.usage, otherTokens) }, assistant];
      if (unrun.length > 0) messages.push({ role: "user", content: unrun, tokens: estimateTokens(unrun) });
      const seqs = await store(messages, stopNow);
      if (seqs === null) return lostLock();
      last = { seq: seqs[1] ?? lock.lastSeq, content: round.content, stopReason: round.stopReason };
      if (stopNow) return stored(!gone && ours.length > 0);

      const dispatched = await dispatchToolCalls(ctx.env, calls, turn.tools, {
        tenantId: lock.tenantId,
        endUserId: lock.endUserId ?? undefined,
        origin: new URL(ctx.req.url).origin,
        now: Date.now(),
        requestId: ctx.requestId,
        timeoutMs: numberVar(ctx.env, "TOOL_TIMEOUT_MS", DEFAULT_TIMEOUT_MS),
        onStart: observer.toolStart,
        onDone: observer.toolDone,
      });
      await observer.flush?.();
      const results = dispatched.results.map(asBlock);
      if (dispatched.clientCalls.length > 0 || observer.clientGone()) {
        // The app runs its own calls and sends their results as the next turn's content.
        if ((await store(results.length > 0 ? [{ role: "user", content: results, tokens: estimateTokens(results) }] : [], true)) === null) return lostLock();
        return stored(false);
      }

      turn.conversation.push({ role: "assistant", content: round.content }, { role: "user", content: results });
      otherTokens = inputTotal(round.usage) + round.usage.output_tokens;
      pending = results;
      iteration++;
      await observer.iterationStart?.(iteration);
      try {
        call = await callModel(modelBody(input, turn.conversation, turn.tools.definitions, turn.stream), turn.key, roundContext(ctx, iteration));
      } catch (e) {
        // A refusal between rounds (402 at the cap, an upstream's status): the results are stored, the turn ends.
        if ((await store([{ role: "user", content: pending, tokens: estimateTokens(pending) }], true)) === null) return lostLock();
        const error = e instanceof ApiError ? e : new ApiError("upstream", `round ${iteration} could not start (${(e as Error).message})`);
        return failed(roundError(error, iteration, lock.lastSeq));
      }
    }
  } catch (e) {
    console.error(`gatehouse ${ctx.requestId}: thread ${turn.threadId} turn failed: ${(e as Error).message}`);
    const error = e instanceof ApiError ? e : new ApiError("upstream", `the turn failed in round ${iteration} (${(e as Error).message}); what was stored before stays, send the next turn to go on`);
    return failed(error);
  } finally {
    await lock.release();
  }

  function stored(hitMaxIterations: boolean): TurnOutcome {
    const u = usage ?? { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    const l = last ?? { seq: lock.lastSeq, content: [], stopReason: null };
    return { kind: "stored", seq: l.seq, lastSeq: lock.lastSeq, content: l.content, stopReason: l.stopReason, usage: u, costMicros, iterations: iteration, hitMaxIterations, persistMs };
  }
}

/** The is_error result of a call the loop did not run, saying why (the model reads it next turn). */
function notRun(call: ToolUseCall, why: string): ContentBlock {
  return { type: "tool_result", tool_use_id: call.id, is_error: true, content: `${call.name} was not run: ${why}. Call it again if it is still needed.` };
}

/** A tool_result as the thread stores it. */
function asBlock(r: ToolResultBlock): ContentBlock {
  return { ...r };
}

/** A round's failure as the turn reports it: what is stored and what to do. */
function roundError(e: ApiError, iteration: number, lastSeq: number): ApiError {
  const before = iteration === 2 ? "round 1 is stored" : `rounds 1–${iteration - 1} are stored`;
  const stored = iteration === 1 ? "nothing was stored, send the turn again" : `${before} (the thread ends at seq ${lastSeq}), send the next turn to go on`;
  return new ApiError(e.kind, `${e.message}; ${stored}`, { status: e.status, param: e.param, extra: e.extra });
}

/**
 * The request context one round's complete() runs in. Without the client's hang-up signal: a
 * round runs to its end and is stored even when the client leaves (the work is billed either
 * way), so complete() must not stop the upstream at a hang-up; the headers stay (the beta
 * headers forwarded to Anthropic). Round 1 bills under the request's id; round k ≥ 2 under
 * `<request id>.r<k>`: each round is its own hold, charge and usage row (keyed by that id).
 */
export function roundContext(ctx: RequestContext, iteration: number): RequestContext {
  const requestId = iteration === 1 ? ctx.requestId : `${ctx.requestId}.r${iteration}`;
  // The request log adds the round's cost to the turn's request (runtime/requests/).
  return { ...ctx, requestId, req: onBehalfOf(new Request(ctx.req.url, { method: "POST", headers: ctx.req.headers }), ctx.req) };
}

/**
 * The key as the turn bills it: a master key's turn on an end user's thread is that end user's
 * usage (per-end-user invoices, the erase's pseudonymizing), while the key's id, tenant and cap
 * still decide the hold. A standard key acts for its own end user already.
 */
function actingFor(key: KeyRecord, threadEndUser: string | null): KeyRecord {
  return key.scope === "master" && threadEndUser !== null ? { ...key, end_user_id: threadEndUser } : key;
}
