import { countTokens } from "../gateway/count-tokens";
import { proxy } from "../gateway/proxy";
import { createResponse } from "../gateway/responses-surface";
import { callerKey } from "../http/context";
import { rawBodyOf } from "../http/read-body";
import type { RequestContext } from "../http/context";
import type { AppHandlers } from "../router";
import type { WireFormat } from "../translate";

// The body's size is the bytes the router read (a chunked body has no Content-Length, and a
// re-serialization counts UTF-16 units): the worst case's input bound is built on it, and
// same-shape pass-through sends those bytes as they came.
export const gatewayHandlers: Pick<AppHandlers, "createMessage" | "createChatCompletion" | "countMessageTokens" | "createResponse"> = {
  async createMessage({ body }, ctx) {
    return proxy(gatewayRequest("anthropic", body, ctx));
  },
  async createChatCompletion({ body }, ctx) {
    return proxy(gatewayRequest("openai", body, ctx));
  },
  // Not billed and nothing held (no generation); the key is still required by the route.
  async countMessageTokens({ body }, ctx) {
    return countTokens(gatewayRequest("anthropic", body, ctx));
  },
  async createResponse({ body }, ctx) {
    const raw = rawBodyOf(ctx.req);
    return createResponse({ body: body as Record<string, unknown>, bodyBytes: raw?.byteLength ?? 0, ...(raw ? { raw } : {}), key: callerKey(ctx), ctx });
  },
};

function gatewayRequest(surface: WireFormat, body: unknown, ctx: RequestContext) {
  const raw = rawBodyOf(ctx.req);
  return { surface, body: body as Record<string, unknown>, bodyBytes: raw?.byteLength ?? 0, ...(raw ? { raw } : {}), key: callerKey(ctx), ctx };
}
