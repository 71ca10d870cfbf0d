// The HTTP surfaces over complete(): POST /v1/messages, /v1/chat/completions and (through
// responses-surface.ts, with its own EventsRenderer) /v1/responses. Pass-through answers are
// relayed as they came; translated ones are rendered from IR events.
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { renderErrorBody, UpstreamFormatError } from "../translate";
import { complete, type CompletionRequest, type EventBatch } from "./complete";
import { renderJson } from "./render-json";
import { renderSse } from "./render-sse";
import { responseOptions } from "./upstream-body";

/** How a surface renders complete()'s IR events (the default: the caller's provider shape, render-sse.ts / render-json.ts). */
export interface EventsRenderer {
  sse(events: AsyncIterable<EventBatch>): ReadableStream<Uint8Array>;
  /** Throws UpstreamFormatError when the events are no answer. */
  json(events: AsyncIterable<EventBatch>): Promise<string>;
  /**
   * Sees a pass-through answer as it is relayed (a whole JSON text, or a copy of the stream's
   * bytes), e.g. to keep the turn; work it returns is kept alive with waitUntil. Optional.
   */
  passed?(answer: { kind: "text"; text: string } | { kind: "bytes"; body: ReadableStream<Uint8Array> }): Promise<void>;
}

/** complete()'s request (its body's bytes as read, when it came over the wire) and the HTTP context. */
export interface GatewayRequest extends CompletionRequest {
  ctx: RequestContext;
}

const JSON_TYPE = "application/json";
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** One gateway request: complete() with same-shape pass-through, shaped as the caller's HTTP answer. */
export async function proxy(request: GatewayRequest, render?: EventsRenderer): Promise<Response> {
  const { ctx, ...call } = request;
  const done = await complete(call, ctx, { passThrough: true });
  if (done.kind === "refused") {
    return new Response(renderErrorBody(call.surface, done.error), { status: done.status, headers: { "content-type": JSON_TYPE, "x-qlaud-provider": done.provider } });
  }
  const headers: Record<string, string> = { "x-qlaud-provider": done.provider, "server-timing": `upstream;dur=${done.upstreamMs.toFixed(2)}` };
  const answer = done.answer;
  switch (answer.kind) {
    case "bytes": {
      if (!render?.passed) return new Response(answer.body, { status: 200, headers: { ...headers, ...SSE_HEADERS } });
      // Only a surface that asks pays for the copy: the others relay the upstream's bytes as they are.
      const [client, copy] = answer.body.tee();
      ctx.exec.waitUntil(render.passed({ kind: "bytes", body: copy }).catch((e: unknown) => console.error(`gatehouse ${ctx.requestId}: ${(e as Error).message}`)));
      return new Response(client, { status: 200, headers: { ...headers, ...SSE_HEADERS } });
    }
    case "text":
      headers["x-qlaud-cost-micros"] = String((await done.billed).costMicros);
      if (render?.passed) await render.passed({ kind: "text", text: answer.text }).catch((e: unknown) => console.error(`gatehouse ${ctx.requestId}: ${(e as Error).message}`));
      return new Response(answer.text, { status: 200, headers: { ...headers, "content-type": JSON_TYPE } });
    case "events": {
      const opts = responseOptions(call);
      const r = render ?? { sse: (events) => renderSse(call.surface, events, opts), json: (events) => renderJson(call.surface, events, opts) };
      if (done.stream) return new Response(r.sse(answer.events), { status: 200, headers: { ...headers, ...SSE_HEADERS } });
      let text: string;
      try {
        text = await r.json(answer.events);
      } catch (e) {
        // Billed already (the answer was read); a body that is no answer is the upstream's failure.
        if (e instanceof UpstreamFormatError) throw new ApiError("upstream", e.message);
        throw e;
      }
      headers["x-qlaud-cost-micros"] = String((await done.billed).costMicros);
      return new Response(text, { status: 200, headers: { ...headers, "content-type": JSON_TYPE } });
    }
    default: {
      const never: never = answer;
      throw new Error(`unknown answer ${JSON.stringify(never)}`);
    }
  }
}
