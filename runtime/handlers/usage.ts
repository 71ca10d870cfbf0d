import { callerKey } from "../http/context";
import { readKeyUsage } from "../keys/key-usage";
import type { AppHandlers } from "../router";
import { currentUsageReport } from "../usage/report";
import { resolveWindow } from "../usage/window";

export const usageHandlers: Pick<AppHandlers, "getUsage" | "getKeyUsage"> = {
  async getUsage({ query }, ctx) {
    const me = callerKey(ctx);
    return { status: 200, body: await currentUsageReport(ctx.env, me.tenant_id, resolveWindow(query, Date.now())) };
  },

  async getKeyUsage({ params }, ctx) {
    return { status: 200, body: await readKeyUsage(ctx.env, callerKey(ctx), params.id) };
  },
};
