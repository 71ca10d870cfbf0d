// One candidate provider, tried once: send, read its refusal or its answer, bill it. What comes
// back is an answer in IR events (complete()'s own path), or the upstream's bytes untouched
// when the caller asked for same-shape pass-through; or a retry for the next candidate.
import { configOf } from "../config";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { parseResponse, parseUpstreamError, responseEvents, responseUsage, type UpstreamError } from "../translate";
import { answerUsage, streamUsage } from "./consumed-usage";
import type { EventBatch } from "./event-decoder";
import type { CompletionRequest, Meter } from "./meter";
import type { Candidate } from "./resolve-model";
import { sendUpstream } from "./send";
import { streamLimits } from "./stream-limits";
import { readEvents, relayBytes } from "./stream-answer";
import type { StreamEnd } from "./stream-pump";
import { readAnswer } from "./upstream-answer";
import { buildUpstreamBody, nativeFormat, responseOptions } from "./upstream-body";

/** The upstream's answer, as complete() hands it on. */
export type Answer =
  /** IR events in the batches the upstream delivered them (a whole answer: one batch). */
  | { kind: "events"; events: AsyncIterable<EventBatch> }
  /** Same-shape pass-through (asked for with `passThrough`): the stream's bytes as they came. */
  | { kind: "bytes"; body: ReadableStream<Uint8Array> }
  /** Same-shape pass-through of a whole answer: its text as it came. */
  | { kind: "text"; text: string };

export type Outcome =
  | { kind: "answer"; provider: string; stream: boolean; upstreamMs: number; answer: Answer }
  /** The provider refused the request (a non-retryable error status): it did no work. */
  | { kind: "refused"; provider: string; status: number; error: UpstreamError }
  /** `reason` goes to the operator's logs only; `message`, when set, is what the client may be told; `error`, the upstream's own. */
  | { kind: "retry"; reason: string; status: number; message?: string; error?: UpstreamError };

export interface AttemptOptions {
  passThrough: boolean;
  send: typeof sendUpstream;
}

export async function attempt(request: CompletionRequest, ctx: RequestContext, meter: Meter, c: Candidate, isLast: boolean, opts: AttemptOptions): Promise<Outcome> {
  const { surface, body } = request;
  const model = String(body.model);
  const native = nativeFormat(c, surface);
  const upstreamBody = buildUpstreamBody(request, native, c, meter.plan(c));
  const t0 = performance.now();
  const sent = await opts.send(ctx, c, native, upstreamBody, { tenant: request.key.tenant_id, key: request.key.id, model, surface });
  if (sent.kind === "failed") return { kind: "retry", reason: sent.reason, status: 503 };
  const res = sent.response;
  const limits = streamLimits(ctx.env);

  if (!res.ok) {
    const answer = await readAnswer(res, limits.maxBodyBytes);
    const text = answer.kind === "whole" ? answer.text : "";
    if (res.status === 401 || res.status === 403) {
      // The operator's provider key was refused: the client cannot fix that, and the
      // upstream's text may quote the key. Another provider may still serve.
      console.error(`gatehouse ${ctx.requestId}: ${c.provider.id} refused the operator's credentials (HTTP ${res.status}): ${text.slice(0, 1000)}`);
      return { kind: "retry", reason: `HTTP ${res.status} (credentials refused)`, status: 502, message: `upstream authentication failed for ${model}; the operator has been told in the logs` };
    }
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    const error = parseUpstreamError(native, res.status, text);
    if (retryable) return { kind: "retry", reason: `HTTP ${res.status}`, status: res.status, ...(isLast ? { error } : {}) };
    meter.nothing(`upstream_${res.status}`, c);
    return { kind: "refused", provider: c.provider.id, status: res.status, error };
  }

  const passThrough = opts.passThrough && native === surface;
  const respOpts = responseOptions(request);
  const upstreamMs = () => performance.now() - t0;
  if (body.stream !== true || !res.body) {
    // Read also after a hang-up: the provider has done the work, its usage is the evidence.
    const answer = await readAnswer(res, limits.maxBodyBytes);
    let parsed: unknown;
    try {
      if (answer.kind !== "whole") throw new Error(answer.kind);
      parsed = JSON.parse(answer.text);
    } catch {
      // Another provider may serve a client still there; a gone client's request ends here, billed.
      if (!isLast && !ctx.req.signal?.aborted) return { kind: "retry", reason: `unreadable answer (${answer.kind})`, status: 502 };
      // Accepted, but what it consumed cannot be read: only the bound held is known to cover it.
      meter.chargeHold(c, "upstream_error");
      const why = answer.kind === "too_large" ? `an answer larger than ${limits.maxBodyBytes} bytes (UPSTREAM_MAX_BODY_BYTES)` : "an answer that is not whole JSON";
      throw new ApiError("upstream", `${c.provider.id} returned ${why}`);
    }
    const usage = answerUsage(responseUsage(native, parsed), request.bodyBytes, answer.bytes);
    meter.bill(c, usage, ctx.req.signal?.aborted ? "client_disconnected" : "ok", parsed);
    const out: Answer = passThrough
      ? { kind: "text", text: answer.text }
      : { kind: "events", events: once(responseEvents(parseResponse(native, parsed, respOpts.stopSequences))) };
    return { kind: "answer", provider: c.provider.id, stream: false, upstreamMs: upstreamMs(), answer: out };
  }

  const started = passThrough
    ? await relayBytes(res.body, native, respOpts, !isLast, sent.abort, limits, ctx.req.signal, configOf(ctx.env).nativePipe)
    : await readEvents(res.body, native, respOpts, !isLast, sent.abort, limits, ctx.req.signal);
  if (started.kind === "retry") return started;
  ctx.exec.waitUntil(settleStream(started.pump, request, ctx, meter, c));
  const out: Answer = started.kind === "bytes" ? { kind: "bytes", body: started.body } : { kind: "events", events: started.events };
  return { kind: "answer", provider: c.provider.id, stream: true, upstreamMs: upstreamMs(), answer: out };
}

/** Bills a stream when it ends: its usage (or the estimate), or the hold when the relay itself failed. */
function settleStream(pump: Promise<StreamEnd>, request: CompletionRequest, ctx: RequestContext, meter: Meter, c: Candidate): Promise<void> {
  return pump.then(
    (end) => {
      const usage = streamUsage(end, request.bodyBytes);
      const outcome = end.clientGone || ctx.req.signal?.aborted ? "client_disconnected" : end.obs.upstreamError || end.cut ? "upstream_error" : "ok";
      meter.bill(c, usage, outcome);
    },
    (e: unknown) => {
      // The relay itself failed (a bug, not the upstream): the provider accepted the request and
      // what it consumed is unknown, so the bound held is charged — never nothing, never a hold left open.
      console.error(`gatehouse ${ctx.requestId}: stream relay failed: ${(e as Error).message}`);
      meter.chargeHold(c, "relay_failed");
    },
  );
}

/** One batch, as an async iterable: a whole answer's events. */
function once(batch: EventBatch): AsyncIterable<EventBatch> {
  return {
    async *[Symbol.asyncIterator]() {
      yield batch;
    },
  };
}

