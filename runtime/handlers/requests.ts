import { callerKey } from "../http/context";
import { readRequestLog } from "../requests/page";
import type { AppHandlers } from "../router";

export const requestLogHandlers: Pick<AppHandlers, "listRequests"> = {
  async listRequests({ query }, ctx) {
    return { status: 200, body: await readRequestLog(ctx.env.DB, callerKey(ctx).tenant_id, query) };
  },
};
