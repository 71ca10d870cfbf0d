import { proxy } from "../gateway/proxy";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";

export const gatewayHandlers: Pick<AppHandlers, "createMessage" | "createChatCompletion"> = {
  async createMessage({ body }, ctx) {
    return proxy({ surface: "anthropic", body: body as Record<string, unknown>, bodyBytes: JSON.stringify(body).length, key: callerKey(ctx), ctx });
  },
  async createChatCompletion({ body }, ctx) {
    return proxy({ surface: "openai", body: body as Record<string, unknown>, bodyBytes: JSON.stringify(body).length, key: callerKey(ctx), ctx });
  },
};
