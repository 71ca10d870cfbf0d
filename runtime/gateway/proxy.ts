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
  type Usage,
} from "../translate";
import { reserve, settle, type UsageRecord } from "./billing";
import { costMicros, estimateInputTokens, worstCaseMicros } from "./pricing";
import { resolveModel, type Candidate } from "./resolve-model";
import { sendUpstream } from "./send";
import { startStream, type StreamEnd } from "./stream-pump";

export interface GatewayCall {
  surface: WireFormat;
  body: Record<string, unknown>;
  bodyBytes: number;
  key: KeyRecord;
  ctx: RequestContext;
}

type Outcome = { kind: "response"; response: Response } | { kind: "retry"; reason: string; status: number; body?: string };

/**
 * One gateway request: resolve the model → reserve the worst case → try each provider
 * in order (falling back only before the first byte reaches the client) → relay or
 * translate the answer → settle the actual cost.
 */
export async function proxy(call: GatewayCall): Promise<Response> {
  const { ctx, body } = call;
  const candidates = resolveModel(String(body.model));
  const requestedMax = maxTokensOf(call.surface, body);
  // A model cannot write more than its own maximum, whatever max_tokens asks for.
  const outputCap = (c: Candidate) => Math.min(requestedMax ?? c.price.max_output_tokens, c.price.max_output_tokens);
  const worst = Math.max(...candidates.map((c) => worstCaseMicros(call.bodyBytes, outputCap(c), c.price)));
  const hold = await reserve(ctx.env, call.key, ctx.requestId, worst, ctx.exec);

  let settled = false;
  const finish: Finish = (micros, usage) => {
    if (settled) return;
    settled = true;
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
      last = await attempt(call, c, i === candidates.length - 1, finish);
      if (last.kind === "response") return last.response;
      failures.push(`${c.provider.id}/${c.model}: ${last.reason}`);
    }
    finish(0, nothing("no_provider"));
    const status = last?.kind === "retry" ? last.status : 503;
    if (last?.kind === "retry" && last.body !== undefined) return errorFromUpstream(call.surface, last.body, status, candidates.at(-1));
    const kind = status === 529 ? "overloaded" : status === 429 ? "rate_limited" : "upstream";
    throw new ApiError(kind, `no provider could serve ${String(body.model)}: ${failures.join("; ")}`, undefined, undefined, status);
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
): Promise<Outcome> {
  const { ctx, surface, body } = call;
  const native: WireFormat = c.provider.formats.includes(surface) ? surface : (c.provider.formats[0] as WireFormat);
  const upstreamBody = buildUpstreamBody(surface, native, body, c);
  const stream = body.stream === true;
  const t0 = performance.now();
  const sent = await sendUpstream(ctx, c, native, upstreamBody, { tenant: call.key.tenant_id, key: call.key.id, model: String(body.model), surface });
  if (sent.kind === "failed") return { kind: "retry", reason: sent.reason, status: 503 };
  const res = sent.response;
  const headers: Record<string, string> = { "x-qlaud-provider": c.provider.id };

  if (!res.ok) {
    const text = await res.text().catch(() => "");
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
    const text = await res.text().catch(() => "");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (!isLast) return { kind: "retry", reason: "invalid JSON body", status: 502 };
      throw new ApiError("upstream", `${c.provider.id} returned a body that is not JSON`);
    }
    const usage = responseUsage(native, parsed);
    const cost = costMicros(usage, c.price);
    finish(cost, record(call, c, usage, "ok"));
    const out =
      native === surface ? text : JSON.stringify(native === "openai" ? openAIResponseToAnthropic(parsed as never, respOpts) : anthropicResponseToOpenAI(parsed as never, respOpts));
    headers["x-qlaud-cost-micros"] = String(cost);
    headers["server-timing"] = `upstream;dur=${(performance.now() - t0).toFixed(2)}`;
    return { kind: "response", response: new Response(out, { status: 200, headers: { ...headers, "content-type": "application/json" } }) };
  }

  const started = await startStream(res.body, native, surface, respOpts, !isLast, sent.abort);
  if (started.kind === "retry") return started;
  ctx.exec.waitUntil(
    started.pump.then((end) => {
      const usage = consumedUsage(end, call.bodyBytes);
      const outcome = end.clientGone || ctx.req.signal?.aborted ? "client_disconnected" : end.obs.upstreamError ? "upstream_error" : "ok";
      finish(costMicros(usage, c.price), record(call, c, usage, outcome));
    }),
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

/** Usage as reported, or — when the stream broke before the usage arrived — an estimate of what was consumed. */
function consumedUsage(end: StreamEnd, bodyBytes: number): Usage {
  const u = end.obs.usage;
  // A finished stream reports its usage; so does one that never produced content.
  if (end.obs.stopReason !== undefined || !end.obs.sawContent) return u;
  // Cut short: what was reported so far (Anthropic sends a placeholder output count in
  // message_start) or one token per content event relayed, whichever is larger.
  return { ...u, input_tokens: u.input_tokens || estimateInputTokens(bodyBytes), output_tokens: Math.max(1, u.output_tokens, end.contentEvents) };
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

function buildUpstreamBody(surface: WireFormat, native: WireFormat, body: Record<string, unknown>, c: Candidate): Record<string, unknown> {
  const model = c.model;
  if (surface === native) {
    const out: Record<string, unknown> = { ...body, model };
    // Usage in OpenAI streams only comes when asked for; we always need it to bill.
    if (native === "openai" && body.stream === true) {
      out.stream_options = { ...(body.stream_options as Record<string, unknown> | undefined), include_usage: true };
    }
    return out;
  }
  const translated =
    native === "openai"
      ? anthropicRequestToOpenAI(body, { model, maxTokensField: c.provider.max_tokens_field })
      : openAIRequestToAnthropic(body, { model });
  return translated as unknown as Record<string, unknown>;
}

function maxTokensOf(surface: WireFormat, body: Record<string, unknown>): number | undefined {
  const v = surface === "anthropic" ? body.max_tokens : (body.max_completion_tokens ?? body.max_tokens);
  return typeof v === "number" ? v : undefined;
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
