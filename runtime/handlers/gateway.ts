import { proxy } from "../gateway/proxy";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";

/** The request's size for the worst-case estimate: the header when sent, else re-serialized. */
const sizeOf = (req: Request, body: unknown) => Number(req.headers.get("content-length")) || JSON.stringify(body).length;

export const gatewayHandlers: Pick<AppHandlers, "createMessage" | "createChatCompletion"> = {
  async createMessage({ body }, ctx) {
    return proxy({ surface: "anthropic", body: body as Record<string, unknown>, bodyBytes: sizeOf(ctx.req, body), key: callerKey(ctx), ctx });
  },
  async createChatCompletion({ body }, ctx) {
    return proxy({ surface: "openai", body: body as Record<string, unknown>, bodyBytes: sizeOf(ctx.req, body), key: callerKey(ctx), ctx });
  },
};
