// POST /v1/responses, the OpenAI Responses API, as a surface over complete(): a model whose
// provider speaks the Responses API (OpenAI) gets the request as it came and its answer relayed
// as it came (usage read by the tap); every other provider gets it translated (upstream-body.ts)
// and its answer rendered as `response.*` events or a `response` object. Holding, fallback,
// billing and headers are complete()'s, as on the other two surfaces.
// `store` (default true) on a translated turn keeps its items 30 days in D1 for the next
// `previous_response_id`; `store: false` keeps nothing. A pass-through turn is kept by OpenAI
// itself (the flag goes with the request).
import type { KeyRecord } from "../auth/key-store";
import { findResponseItems, saveResponseItems } from "../db/response-items";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { renderErrorBody } from "../translate";
import { isRecord } from "../translate/json";
import { randomId } from "../translate/response-options";
import { inputItems, responsesFromEvents, ResponsesStreamRenderer, type OutputItem, type ResponsesRenderOptions } from "../translate/responses";
import { complete } from "./complete";
import type { EventBatch } from "./event-decoder";
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

const JSON_TYPE = "application/json";
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const enc = new TextEncoder();

export async function createResponse(request: ResponsesRequest): Promise<Response> {
  const { key, ctx } = request;
  const call = await withStoredTurns(request);
  const done = await complete({ surface: "responses", ...call, key }, ctx, { passThrough: true });
  if (done.kind === "refused") {
    return new Response(renderErrorBody("responses", done.error), { status: done.status, headers: { "content-type": JSON_TYPE, "x-qlaud-provider": done.provider } });
  }
  const headers: Record<string, string> = { "x-qlaud-provider": done.provider, "server-timing": `upstream;dur=${done.upstreamMs.toFixed(2)}` };
  const answer = done.answer;
  switch (answer.kind) {
    case "bytes":
      return new Response(answer.body, { status: 200, headers: { ...headers, ...SSE_HEADERS } });
    case "text":
      headers["x-qlaud-cost-micros"] = String((await done.billed).costMicros);
      return new Response(answer.text, { status: 200, headers: { ...headers, "content-type": JSON_TYPE } });
    case "events": {
      const body = call.body;
      const opts: ResponsesRenderOptions = { id: randomId("resp_"), model: String(body.model), createdAt: Math.floor(Date.now() / 1000), echo: request.body };
      const items = inputItems(body.input);
      const keep = (output: readonly OutputItem[]) =>
        body.store === false ? Promise.resolve() : saveResponseItems(ctx.env.DB, key.tenant_id, { id: opts.id, end_user_id: key.end_user_id, input: items, output, now: Date.now() });
      if (done.stream) return new Response(renderStream(answer.events, opts, keep, ctx), { status: 200, headers: { ...headers, ...SSE_HEADERS } });
      const all = [];
      for await (const batch of answer.events) all.push(...batch);
      const whole = responsesFromEvents(all, opts);
      // Billed already (the answer was read); a body that is no answer is the upstream's failure.
      if (whole.error !== undefined) throw new ApiError("upstream", whole.error.message);
      await keep(whole.items);
      headers["x-qlaud-cost-micros"] = String((await done.billed).costMicros);
      return new Response(JSON.stringify(whole.object), { status: 200, headers: { ...headers, "content-type": JSON_TYPE } });
    }
    default: {
      const never: never = answer;
      throw new Error(`unknown answer ${JSON.stringify(never)}`);
    }
  }
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
  const speaksResponses = resolveModel(String(body.model))[0]?.provider.formats.includes("responses") ?? false;
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

/** The events as `response.*` SSE, pulled as the client reads; a cleanly finished turn is stored. */
function renderStream(events: AsyncIterable<EventBatch>, opts: ResponsesRenderOptions, keep: (output: readonly OutputItem[]) => Promise<void>, ctx: RequestContext): ReadableStream<Uint8Array> {
  const renderer = new ResponsesStreamRenderer(opts);
  const it = events[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const next = await it.next();
          if (next.done) {
            controller.close();
            return;
          }
          let text = "";
          let clean = false;
          for (const e of next.value) {
            if (e.type === "message_end") clean = true;
            text += renderer.render(e);
          }
          // Stored before `response.completed` reaches the client, so its next turn finds it.
          if (clean) await keep(renderer.items).catch((e: unknown) => console.error(`gatehouse ${ctx.requestId}: storing response failed: ${(e as Error).message}`));
          if (text !== "") {
            controller.enqueue(enc.encode(text));
            return;
          }
        }
      },
      async cancel() {
        await it.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
