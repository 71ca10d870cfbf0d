// POST /v1/responses, the OpenAI Responses API, as a renderer over complete(): the request
// (with the stored turns `previous_response_id` names, first) becomes the body the model's
// provider speaks, complete() holds, sends, falls back and bills exactly as on the other two
// surfaces, and its IR events come back as `response.*` events or a `response` object.
// `store` (default true) keeps the turn's items 30 days for the next `previous_response_id`;
// `store: false` keeps nothing.
import type { KeyRecord } from "../auth/key-store";
import { findResponseItems, saveResponseItems } from "../db/response-items";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { renderErrorBody, TranslateError, type WireFormat } from "../translate";
import { randomId } from "../translate/response-options";
import { inputItems, responsesFromEvents, responsesRequestAs, ResponsesStreamRenderer, type OutputItem, type ResponsesRenderOptions } from "../translate/responses";
import { complete } from "./complete";
import type { EventBatch } from "./event-decoder";
import { resolveModel } from "./resolve-model";

export interface ResponsesRequest {
  body: Record<string, unknown>;
  bodyBytes: number;
  key: KeyRecord;
  ctx: RequestContext;
}

const JSON_TYPE = "application/json";
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const enc = new TextEncoder();

export async function createResponse(request: ResponsesRequest): Promise<Response> {
  const { body, key, ctx } = request;
  const items = [...(await storedTurns(body, key, ctx)), ...inputItems(body.input)];
  const candidates = resolveModel(String(body.model));
  const first = candidates[0];
  // The first candidate's format: a fallback to another format is translated by complete() itself.
  const format = (first?.provider.formats[0] ?? "openai") as WireFormat;
  let native: Record<string, unknown>;
  try {
    native = responsesRequestAs(format, body, items, { maxTokensField: first?.provider.max_tokens_field });
  } catch (e) {
    if (e instanceof TranslateError) throw new ApiError("invalid_request", e.message, { param: e.param });
    throw e;
  }
  // The input bound is built on bytes: the stored turns and the re-serialized body count too.
  const bodyBytes = Math.max(request.bodyBytes, enc.encode(JSON.stringify(native)).byteLength);
  const done = await complete({ surface: format, body: native, bodyBytes, key }, ctx);
  if (done.kind === "refused") {
    return new Response(renderErrorBody("openai", done.error), { status: done.status, headers: { "content-type": JSON_TYPE, "x-qlaud-provider": done.provider } });
  }
  const answer = done.answer;
  if (answer.kind !== "events") throw new ApiError("internal", "complete() answered in bytes without passThrough");
  const headers: Record<string, string> = { "x-qlaud-provider": done.provider, "server-timing": `upstream;dur=${done.upstreamMs.toFixed(2)}` };
  const opts: ResponsesRenderOptions = { id: randomId("resp_"), model: String(body.model), createdAt: Math.floor(Date.now() / 1000), echo: body };
  const keep = (output: readonly OutputItem[]) => (body.store === false ? Promise.resolve() : saveResponseItems(ctx.env.DB, key.tenant_id, { id: opts.id, end_user_id: key.end_user_id, input: items, output, now: Date.now() }));
  if (done.stream) return new Response(renderStream(answer.events, opts, keep, ctx), { status: 200, headers: { ...headers, ...SSE_HEADERS } });

  const all = [];
  for await (const batch of answer.events) all.push(...batch);
  const whole = responsesFromEvents(all, opts);
  if (whole.error !== undefined) throw new ApiError("upstream", whole.error.message);
  await keep(whole.items);
  headers["x-qlaud-cost-micros"] = String((await done.billed).costMicros);
  return new Response(JSON.stringify(whole.object), { status: 200, headers: { ...headers, "content-type": JSON_TYPE } });
}

/** The input and output items of the turn `previous_response_id` names (this tenant's, unexpired), or none. */
async function storedTurns(body: Record<string, unknown>, key: KeyRecord, ctx: RequestContext): Promise<unknown[]> {
  const prev = body.previous_response_id;
  if (typeof prev !== "string" || prev === "") return [];
  const stored = await findResponseItems(ctx.env.DB, key.tenant_id, prev, Date.now());
  if (stored === null) throw new ApiError("not_found", `previous response "${prev.slice(0, 120)}" not found (responses are kept 30 days, and only with store)`, { param: "previous_response_id" });
  return [...stored.input, ...stored.output];
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
