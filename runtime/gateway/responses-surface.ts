// POST /v1/responses, the OpenAI Responses API, as a surface over complete(): a model whose
// provider speaks the Responses API (OpenAI) gets the request as it came and its answer relayed
// as it came (usage read by the tap); every other provider gets it translated (upstream-body.ts)
// and its answer rendered as `response.*` events or a `response` object. Holding, fallback,
// billing and headers are complete()'s, as on the other two surfaces.
// `store` (default true) on a translated turn keeps its items 30 days in D1 for the next
// `previous_response_id`; `store: false` keeps nothing. A pass-through turn is kept by OpenAI
// itself (the flag goes with the request).
import type { KeyRecord } from "../auth/key-store";
import { configOf } from "../config";
import { findResponseItems, saveResponseItems } from "../db/response-items";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { UpstreamFormatError, type IrStreamEvent } from "../translate";
import { SseParser } from "../translate/sse-parser";
import { isRecord } from "../translate/json";
import { randomId } from "../translate/response-options";
import { inputItems, responsesFromEvents, ResponsesStreamRenderer, type OutputItem, type ResponsesRenderOptions } from "../translate/responses";
import { proxy, type EventsRenderer } from "./proxy";
import { sseStream } from "./render-sse";
import { resolveModel } from "./resolve-model";

export interface ResponsesRequest {
  body: Record<string, unknown>;
  /** The raw body's byte length as read. */
  bodyBytes: number;
  /** The raw body, sent byte for byte on pass-through (unless stored turns were prepended). */
  raw?: Uint8Array;
  key: KeyRecord;
  ctx: RequestContext;
}

const enc = new TextEncoder();

/** proxy() on the Responses surface: pass-through answers relayed, translated ones rendered (and kept) here. */
export async function createResponse(request: ResponsesRequest): Promise<Response> {
  const { key, ctx } = request;
  const call = await withStoredTurns(request);
  return proxy({ surface: "responses", ...call, key, ctx }, responsesRenderer(request, call.body));
}

/** Renders IR events as `response.*` events or a `response` object, storing the finished turn unless `store: false`. */
function responsesRenderer(request: ResponsesRequest, body: Record<string, unknown>): EventsRenderer {
  const { key, ctx } = request;
  const opts: ResponsesRenderOptions = { id: randomId("resp_"), model: String(body.model), createdAt: Math.floor(Date.now() / 1000), echo: request.body };
  const keep = (output: readonly OutputItem[]): Promise<void> =>
    body.store === false ? Promise.resolve() : saveResponseItems(ctx.env.DB, key.tenant_id, { id: opts.id, end_user_id: key.end_user_id, input: inputItems(body.input), output, now: Date.now() });
  return {
    sse(events) {
      const renderer = new ResponsesStreamRenderer(opts);
      // Stored before `response.completed` reaches the client, so its next turn finds it.
      return sseStream(renderer, events, async (batch) => {
        if (!batch.some((e) => e.type === "message_end")) return;
        await keep(renderer.items).catch((e: unknown) => console.error(`gatehouse ${ctx.requestId}: storing response failed: ${(e as Error).message}`));
      });
    },
    async json(events) {
      const all: IrStreamEvent[] = [];
      for await (const batch of events) all.push(...batch);
      const whole = responsesFromEvents(all, opts);
      if (whole.error !== undefined) throw new UpstreamFormatError(whole.error.message);
      await keep(whole.items);
      return JSON.stringify(whole.object);
    },
    async passed(answer) {
      if (body.store === false) return;
      const response = answer.kind === "text" ? responseOfJson(answer.text) : await completedResponse(answer.body);
      if (response === undefined) return;
      await keepPassedTurn(request, body, response);
    },
  };
}

/**
 * A turn that passed through to OpenAI, kept under OpenAI's own id so that a follow-up on any
 * other provider can continue it (a follow-up to OpenAI passes the id on). Its input is the
 * chain so far: the turn it continued, when that one is kept here, then its own input. A
 * streamed turn is kept once its copy has been read, after the client got it.
 */
async function keepPassedTurn(request: ResponsesRequest, body: Record<string, unknown>, response: Record<string, unknown>): Promise<void> {
  const { key, ctx } = request;
  const id = response["id"];
  const output = response["output"];
  if (typeof id !== "string" || !Array.isArray(output)) return;
  const prev = body.previous_response_id;
  const before = typeof prev === "string" && prev !== "" ? await findResponseItems(ctx.env.DB, key.tenant_id, prev, Date.now()) : null;
  const input = [...(before ? [...before.input, ...before.output] : []), ...inputItems(body.input)];
  await saveResponseItems(ctx.env.DB, key.tenant_id, { id, end_user_id: key.end_user_id, input, output, now: Date.now(), upstreamHeld: true });
}

function responseOfJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The `response` of a relayed stream's `response.completed` event (undefined when it never came). */
async function completedResponse(body: ReadableStream<Uint8Array>): Promise<Record<string, unknown> | undefined> {
  let found: Record<string, unknown> | undefined;
  const parser = new SseParser((event, data) => {
    if (event !== "response.completed" && !data.includes('"response.completed"')) return;
    const parsed = responseOfJson(data);
    const response = parsed?.["response"];
    if (parsed?.["type"] === "response.completed" && isRecord(response)) found = response;
  });
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.push(value);
  }
  parser.end();
  return found;
}

/**
 * The body to send: as it came, or — when `previous_response_id` names a turn stored here —
 * with that turn's input and output items before `input` (and the id dropped: no provider
 * knows it). An id not stored here goes on to a Responses provider (it may be OpenAI's own);
 * for any other model it is a 404.
 */
async function withStoredTurns(request: ResponsesRequest): Promise<{ body: Record<string, unknown>; bodyBytes: number; raw?: Uint8Array }> {
  const { body, key, ctx } = request;
  const asCame = { body, bodyBytes: request.bodyBytes, ...(request.raw ? { raw: request.raw } : {}) };
  const prev = body.previous_response_id;
  if (typeof prev !== "string" || prev === "") return asCame;
  const stored = await findResponseItems(ctx.env.DB, key.tenant_id, prev, Date.now());
  const speaksResponses = resolveModel(String(body.model), configOf(ctx.env).unlistedRoutes)[0]?.provider.formats.includes("responses") ?? false;
  // OpenAI keeps the turns that passed through to it: its own id goes on to it untouched.
  if (stored?.upstreamHeld === true && speaksResponses) return asCame;
  if (stored === null) {
    if (speaksResponses) return asCame;
    throw new ApiError("not_found", `previous response "${prev.slice(0, 120)}" not found (responses are kept 30 days, and only with store)`, { param: "previous_response_id" });
  }
  const turns = [...stored.input, ...stored.output].flatMap((item) => storedItem(item, speaksResponses));
  const { previous_response_id: _dropped, ...rest } = body;
  const expanded = { ...rest, input: [...turns, ...inputItems(body.input)] };
  // The input bound is built on bytes: the stored turns count too.
  return { body: expanded, bodyBytes: Math.max(request.bodyBytes, enc.encode(JSON.stringify(expanded)).byteLength) };
}

/** A stored item as input again: without its id (no provider stored it), and without reasoning for OpenAI (its signature is another provider's). */
function storedItem(item: unknown, toResponsesProvider: boolean): unknown[] {
  if (!isRecord(item)) return [item];
  if (toResponsesProvider && item["type"] === "reasoning") return [];
  const { id: _id, ...rest } = item;
  return [rest];
}
