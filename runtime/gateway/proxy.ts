import type { WireFormat } from "../../generated/providers/catalog";
import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import {
  anthropicRequestToOpenAI,
  anthropicResponseToOpenAI,
  openAIRequestToAnthropic,
  openAIResponseToAnthropic,
  responseUsage,
  translateErrorBody,
  TranslateError,
  UpstreamFormatError,
  type TokenUsage as Usage,
} from "../translate";
import { reserve, settle, type UsageRecord } from "./billing";
import { resolveModel, type Candidate } from "./resolve-model";
import { answerUsage, streamUsage } from "./consumed-usage";
import { sendUpstream } from "./send";
import { streamLimits } from "./stream-limits";
import { startStream } from "./stream-pump";
import { readAnswer } from "./upstream-answer";
import { limitUpstream } from "./upstream-limits";
import { affordableOutput, billedMicros, planCandidate, planMicros, readRequestShape, shortReplyMicros, type CandidatePlan } from "./worst-case";

export interface GatewayRequest {
  surface: WireFormat;
  body: Record<string, unknown>;
  /** The raw body's byte length as read (not re-serialized): the input bound is built on it. */
  bodyBytes: number;
  key: KeyRecord;
  ctx: RequestContext;
}

/** A candidate's bound and the output limit forwarded to it (what the held amount can pay). */
export type UpstreamPlan = CandidatePlan & { outputLimit: number };

/** A request once its worst case is held: each candidate's plan. */
export interface GatewayCall extends GatewayRequest {
  plans: ReadonlyMap<Candidate, UpstreamPlan>;
}

/** `reason` goes to the operator's logs only; `message`, when set, is what the client may be told. */
type Outcome = { kind: "response"; response: Response } | { kind: "retry"; reason: string; status: number; body?: string; message?: string };

/**
 * One gateway request: resolve the model → reserve the worst case → try each provider
 * in order (falling back only before the first byte reaches the client) → relay or
 * translate the answer → settle the actual cost.
 */
export async function proxy(request: GatewayRequest): Promise<Response> {
  const { ctx, body } = request;
  const candidates = resolveModel(String(body.model));
  const shape = readRequestShape(request.surface, body, request.bodyBytes);
  const bounds = candidates.map((c) => planCandidate(shape, request.bodyBytes, c));
  // Any candidate may end up serving the request (fallback): hold the dearest one's worst case.
  const worst = Math.max(...bounds.map((p) => planMicros(p, p.outputCap)));
  // No limit from the client: hold what the budget allows down to a short reply, and forward
  // the limit that amount pays for (see README, "No output limit").
  const least = shape.outputLimit === undefined ? Math.max(...bounds.map(shortReplyMicros)) : worst;
  const hold = await reserve(ctx.env, request.key, ctx.requestId, worst, ctx.exec, { minMicros: least });
  const plans = new Map(bounds.map((p) => [p.candidate, { ...p, outputLimit: affordableOutput(p, hold.worstMicros) }]));
  const call: GatewayCall = { ...request, plans };

  // The invocation is kept until the request is settled: a client that hangs up must not
  // end it while Gatehouse still reads the upstream's usage (README "Work that goes unbilled").
  let markSettled = () => {};
  ctx.exec.waitUntil(new Promise<void>((done) => (markSettled = done)));
  let settled = false;
  const finish: Finish = (micros, usage) => {
    if (settled) return;
    settled = true;
    markSettled();
    const flushing = settle(ctx.env, call.key, hold, micros, usage);
    if (flushing) ctx.exec.waitUntil(flushing);
  };
  const nothing = (outcome: string): UsageRecord => ({
    model: String(body.model), provider: "none", surface: call.surface, input_tokens: 0, output_tokens: 0, cached_tokens: 0, outcome,
  });
  try {
    const failures: string[] = [];
    let last: Outcome | undefined;
    for (const [i, c] of candidates.entries()) {
      // A client that is gone starts no provider's work: nobody would read it, and the
      // call could not be stopped (its request signal has already fired).
      if (ctx.req.signal?.aborted) {
        finish(0, nothing("client_disconnected"));
        throw new ApiError("upstream", `the client disconnected before ${String(body.model)} answered`);
      }
      last = await attempt(call, c, i === candidates.length - 1, finish, hold.worstMicros);
      if (last.kind === "response") return last.response;
      failures.push(`${c.provider.id}/${c.model}: ${last.reason}`);
    }
    finish(0, nothing("no_provider"));
    // Details (missing secrets, raw network errors, refused operator keys) are the operator's: logs only.
    console.error(`gatehouse ${ctx.requestId}: no provider served ${String(body.model)}: ${failures.join("; ")}`);
    const status = last?.kind === "retry" ? last.status : 503;
    if (last?.kind === "retry" && last.body !== undefined) return errorFromUpstream(call.surface, last.body, status, candidates.at(-1));
    const kind = status === 529 ? "overloaded" : status === 429 ? "rate_limited" : "upstream";
    const message = last?.kind === "retry" && last.message !== undefined ? last.message : `no provider could serve ${String(body.model)} right now; try again later`;
    throw new ApiError(kind, message, undefined, undefined, status);
  } catch (e) {
    finish(0, nothing("failed"));
    if (e instanceof TranslateError) throw new ApiError("invalid_request", e.message, e.param);
    if (e instanceof UpstreamFormatError) throw new ApiError("upstream", e.message);
    throw e;
  }
}

async function attempt(
  call: GatewayCall,
  c: Candidate,
  isLast: boolean,
  finish: Finish,
  /** What is held for the request: charged when the upstream accepted it but its usage cannot be known. */
  holdMicros: number,
): Promise<Outcome> {
  const { ctx, surface, body } = call;
  const native: WireFormat = c.provider.formats.includes(surface) ? surface : (c.provider.formats[0] as WireFormat);
  const upstreamBody = buildUpstreamBody(call, native, c);
  const stream = body.stream === true;
  const t0 = performance.now();
  const sent = await sendUpstream(ctx, c, native, upstreamBody, { tenant: call.key.tenant_id, key: call.key.id, model: String(body.model), surface });
  if (sent.kind === "failed") return { kind: "retry", reason: sent.reason, status: 503 };
  const res = sent.response;
  const headers: Record<string, string> = { "x-qlaud-provider": c.provider.id };
  const limits = streamLimits(ctx.env);

  if (!res.ok) {
    const answer = await readAnswer(res, limits.maxBodyBytes);
    const text = answer.kind === "whole" ? answer.text : "";
    if (res.status === 401 || res.status === 403) {
      // The operator's provider key was refused: the client cannot fix that, and the
      // upstream's text may quote the key. Another provider may still serve.
      console.error(`gatehouse ${ctx.requestId}: ${c.provider.id} refused the operator's credentials (HTTP ${res.status}): ${text.slice(0, 1000)}`);
      return { kind: "retry", reason: `HTTP ${res.status} (credentials refused)`, status: 502, message: `upstream authentication failed for ${String(body.model)}; the operator has been told in the logs` };
    }
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    if (retryable && !isLast) return { kind: "retry", reason: `HTTP ${res.status}`, status: res.status };
    if (retryable) return { kind: "retry", reason: `HTTP ${res.status}`, status: res.status, body: text };
    finish(0, record(call, c, zeroUsage(), `upstream_${res.status}`));
    const translated = translateErrorBody(native, surface, res.status, text);
    return { kind: "response", response: new Response(translated.body, { status: res.status, headers: { ...headers, "content-type": "application/json" } }) };
  }

  // OpenAI clients get the final usage chunk (`choices: []`) only when they asked for it,
  // as OpenAI does; Gatehouse always asks upstream for it, to bill.
  const includeUsage = surface !== "openai" || (body.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
  const respOpts = { model: String(body.model), stopSequences: stopSequencesOf(surface, body), includeUsage };
  if (!stream || !res.body) {
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
      finish(holdMicros, record(call, c, zeroUsage(), "upstream_error"));
      const why = answer.kind === "too_large" ? `an answer larger than ${limits.maxBodyBytes} bytes (UPSTREAM_MAX_BODY_BYTES)` : "an answer that is not whole JSON";
      throw new ApiError("upstream", `${c.provider.id} returned ${why}`);
    }
    const text = answer.text;
    const usage = answerUsage(responseUsage(native, parsed), call.bodyBytes, answer.bytes);
    const cost = billedMicros(planOf(call, c), usage, parsed);
    finish(cost, record(call, c, usage, ctx.req.signal?.aborted ? "client_disconnected" : "ok"));
    const out =
      native === surface ? text : JSON.stringify(native === "openai" ? openAIResponseToAnthropic(parsed as never, respOpts) : anthropicResponseToOpenAI(parsed as never, respOpts));
    headers["x-qlaud-cost-micros"] = String(cost);
    headers["server-timing"] = `upstream;dur=${(performance.now() - t0).toFixed(2)}`;
    return { kind: "response", response: new Response(out, { status: 200, headers: { ...headers, "content-type": "application/json" } }) };
  }

  const started = await startStream(res.body, native, surface, respOpts, !isLast, sent.abort, limits, ctx.req.signal);
  if (started.kind === "retry") return started;
  ctx.exec.waitUntil(
    started.pump.then(
      (end) => {
        const usage = streamUsage(end, call.bodyBytes);
        const outcome = end.clientGone || ctx.req.signal?.aborted ? "client_disconnected" : end.obs.upstreamError || end.cut ? "upstream_error" : "ok";
        finish(billedMicros(planOf(call, c), usage), record(call, c, usage, outcome));
      },
      (e: unknown) => {
        // The relay itself failed (a bug, not the upstream): the provider accepted the request and
        // what it consumed is unknown, so the bound held is charged — never nothing, never a hold left open.
        console.error(`gatehouse ${ctx.requestId}: stream relay failed: ${(e as Error).message}`);
        finish(holdMicros, record(call, c, zeroUsage(), "relay_failed"));
      },
    ),
  );
  headers["server-timing"] = `upstream;dur=${(performance.now() - t0).toFixed(2)}`;
  return {
    kind: "response",
    response: new Response(started.body, {
      status: 200,
      headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    }),
  };
}

type Finish = (micros: number, usage: UsageRecord) => void;

function record(call: GatewayCall, c: Candidate, u: Usage, outcome: string): UsageRecord {
  return {
    model: String(call.body.model),
    provider: c.provider.id,
    surface: call.surface,
    input_tokens: u.input_tokens + (u.cache_creation_input_tokens ?? 0),
    output_tokens: u.output_tokens,
    cached_tokens: u.cache_read_input_tokens,
    outcome,
  };
}

const zeroUsage = (): Usage => ({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });

function planOf(call: GatewayCall, c: Candidate): UpstreamPlan {
  const plan = call.plans.get(c);
  if (!plan) throw new ApiError("internal", `no worst case was planned for ${c.provider.id}/${c.model}`);
  return plan;
}

/** The native-shape body for one candidate, limited to what its plan holds (upstream-limits.ts). */
function buildUpstreamBody(call: GatewayCall, native: WireFormat, c: Candidate): Record<string, unknown> {
  const { surface, body } = call;
  const model = c.model;
  const limit = (out: Record<string, unknown>) => limitUpstream(out, native, planOf(call, c).outputLimit, c.provider, c.price.max_output_tokens);
  if (surface === native) {
    const out: Record<string, unknown> = { ...body, model };
    // Usage in OpenAI streams only comes when asked for; we always need it to bill.
    if (native === "openai" && body.stream === true) {
      out.stream_options = { ...(body.stream_options as Record<string, unknown> | undefined), include_usage: true };
    }
    return limit(out);
  }
  const translated =
    native === "openai"
      ? anthropicRequestToOpenAI(body, { model, maxTokensField: c.provider.max_tokens_field })
      : openAIRequestToAnthropic(body, { model });
  return limit(translated as unknown as Record<string, unknown>);
}

function stopSequencesOf(surface: WireFormat, body: Record<string, unknown>): string[] {
  const v = surface === "anthropic" ? body.stop_sequences : body.stop;
  return typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function errorFromUpstream(surface: WireFormat, text: string, status: number, c: Candidate | undefined): Response {
  const from = (c?.provider.formats[0] ?? surface) as WireFormat;
  const native = c?.provider.formats.includes(surface) ? surface : from;
  const translated = translateErrorBody(native, surface, status, text);
  return new Response(translated.body, { status, headers: { "content-type": "application/json", ...(c ? { "x-qlaud-provider": c.provider.id } : {}) } });
}
