// The one LLM call: every surface, and later the thread and agent loops, go through it.
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { TranslateError, UpstreamFormatError, type UpstreamError } from "../translate";
import { attempt, type Answer } from "./attempt";
import { holdWorstCase, type Billed, type CompletionRequest } from "./meter";
import { sendUpstream } from "./send";

export type { Answer } from "./attempt";
export type { EventBatch } from "./event-decoder";
export type { Billed, CompletionRequest } from "./meter";

export interface CompleteOptions {
  /**
   * When a candidate speaks the caller's format, hand on its bytes untouched (`bytes`/`text`
   * answers, read by a usage tap) instead of IR events. The HTTP surfaces ask for it; a caller
   * that consumes events (an agent loop) does not.
   */
  passThrough?: boolean;
  /** The send layer (the seam tests fake). */
  send?: typeof sendUpstream;
}

export type Completion =
  | {
      kind: "answer";
      /** The provider that answered. */
      provider: string;
      stream: boolean;
      /** Time to the upstream's response headers (server-timing). */
      upstreamMs: number;
      answer: Answer;
      /** Resolves once the call is settled: its usage and what was charged (already, for a whole answer). */
      billed: Promise<Billed>;
    }
  /** An error status of the provider's own (a refusal, or a transient error with no provider left to fall back to): nothing was charged; relay it in the caller's shape. */
  | { kind: "refused"; provider: string; status: number; error: UpstreamError };

/**
 * One LLM call: resolve the model → hold the worst case through the lease (402 before anything
 * is sent when it cannot be covered) → try each provider in order, falling back only before the
 * first content and only while the client is there → answer with the translator's IR events
 * (or, with `passThrough`, the same-shape bytes) → settle the actual cost, also after a hang-up.
 * No HTTP response in here: each surface renders the answer (proxy.ts, render-*.ts).
 */
export async function complete(request: CompletionRequest, ctx: RequestContext, opts: CompleteOptions = {}): Promise<Completion> {
  const meter = await holdWorstCase(request, ctx);
  const model = String(request.body.model);
  const attemptOpts = { passThrough: opts.passThrough ?? false, send: opts.send ?? sendUpstream };
  try {
    const failures: string[] = [];
    let last: { status: number; message?: string; error?: UpstreamError } | undefined;
    for (const [i, c] of meter.candidates.entries()) {
      // A client that is gone starts no provider's work: nobody would read it, and the
      // call could not be stopped (its request signal has already fired).
      if (ctx.req.signal?.aborted) {
        meter.nothing("client_disconnected");
        throw new ApiError("upstream", `the client disconnected before ${model} answered`);
      }
      const out = await attempt(request, ctx, meter, c, i === meter.candidates.length - 1, attemptOpts);
      if (out.kind === "answer") return { ...out, billed: meter.billed };
      if (out.kind === "refused") return out;
      failures.push(`${c.provider.id}/${c.model}: ${out.reason}`);
      last = out;
    }
    meter.nothing("no_provider");
    // Details (missing secrets, raw network errors, refused operator keys) are the operator's: logs only.
    console.error(`gatehouse ${ctx.requestId}: no provider served ${model}: ${failures.join("; ")}`);
    const lastProvider = meter.candidates.at(-1)?.provider.id;
    if (last?.error !== undefined && lastProvider !== undefined) return { kind: "refused", provider: lastProvider, status: last.status, error: last.error };
    const status = last?.status ?? 503;
    const kind = status === 529 ? "overloaded" : status === 429 ? "rate_limited" : "upstream";
    const message = last?.message ?? `no provider could serve ${model} right now; try again later`;
    throw new ApiError(kind, message, { status });
  } catch (e) {
    meter.nothing("failed");
    if (e instanceof TranslateError) throw new ApiError("invalid_request", e.message, { param: e.param });
    if (e instanceof UpstreamFormatError) throw new ApiError("upstream", e.message);
    throw e;
  }
}
