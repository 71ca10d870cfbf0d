import { proxy } from "../gateway/proxy";
import { createResponse } from "../gateway/responses-surface";
import { callerKey } from "../http/context";
import { rawBodyOf } from "../http/read-body";
import type { AppHandlers } from "../router";
import type { WireFormat } from "../translate";
import type { RequestContext } from "../http/context";

// The body's size is the bytes the router read (a chunked body has no Content-Length, and a
// re-serialization counts UTF-16 units): the worst case's input bound is built on it, and
// same-shape pass-through sends those bytes as they came.
export const gatewayHandlers: Pick<AppHandlers, "createMessage" | "createChatCompletion" | "createResponse"> = {
  async createMessage({ body }, ctx) {
    return proxy(gatewayRequest("anthropic", body, ctx));
  },
  async createChatCompletion({ body }, ctx) {
    return proxy(gatewayRequest("openai", body, ctx));
  },
  async createResponse({ body }, ctx) {
    return createResponse({ body: body as Record<string, unknown>, bodyBytes: rawBodyOf(ctx.req)?.byteLength ?? 0, key: callerKey(ctx), ctx });
  },
};

function gatewayRequest(surface: WireFormat, body: unknown, ctx: RequestContext) {
  const raw = rawBodyOf(ctx.req);
  return { surface, body: body as Record<string, unknown>, bodyBytes: raw?.byteLength ?? 0, ...(raw ? { raw } : {}), key: callerKey(ctx), ctx };
}
