import { proxy } from "../gateway/proxy";
import { callerKey } from "../http/context";
import { bodyByteLength } from "../http/read-body";
import type { AppHandlers } from "../router";

// The body's size is the bytes the router read (a chunked body has no Content-Length, and a
// re-serialization counts UTF-16 units): the worst case's input bound is built on it.
export const gatewayHandlers: Pick<AppHandlers, "createMessage" | "createChatCompletion"> = {
  async createMessage({ body }, ctx) {
    return proxy({ surface: "anthropic", body: body as Record<string, unknown>, bodyBytes: bodyByteLength(ctx.req), key: callerKey(ctx), ctx });
  },
  async createChatCompletion({ body }, ctx) {
    return proxy({ surface: "openai", body: body as Record<string, unknown>, bodyBytes: bodyByteLength(ctx.req), key: callerKey(ctx), ctx });
  },
};
