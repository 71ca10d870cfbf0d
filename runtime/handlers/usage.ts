import { ApiError, notFound } from "../errors";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { keyUsageByModel, usageReport } from "../usage/report";
import { resolveWindow } from "../usage/window";
import { settleQueued, settleQueuedKey } from "../gateway/billing";
import { walletFor } from "../wallet/stub";

export const usageHandlers: Pick<AppHandlers, "getUsage" | "getKeyUsage"> = {
  async getUsage({ query }, ctx) {
    const me = callerKey(ctx);
    const window = resolveWindow(query, Date.now());
    // Usage rows reach D1 in batches from the Wallet: copy what is queued, then read.
    await settleQueued(ctx.env, me.tenant_id);
    await walletFor(ctx.env.WALLET, me.tenant_id).flushUsage();
    return { status: 200, body: await usageReport(ctx.env.DB, me.tenant_id, window) };
  },

  async getKeyUsage({ params }, ctx) {
    const me = callerKey(ctx);
    // Checked before any lookup, so a standard key learns nothing about other ids.
    if (me.scope !== "master" && params.id !== me.id) {
      throw new ApiError("permission", "a standard key may read only its own usage; use a master key for other keys");
    }
    // Revoked keys stay readable: their spend still has to be invoiced.
    const key = await ctx.env.DB.prepare("SELECT id FROM api_keys WHERE id = ? AND tenant_id = ?").bind(params.id, me.tenant_id).first();
    if (!key) throw notFound(`no key ${params.id} in this tenant`);
    const wallet = walletFor(ctx.env.WALLET, me.tenant_id);
    // A standard key (an end user's) makes this isolate send its own key's charges only: its
    // reads must not flush, close or delay the tenant's other leases.
    await (me.scope === "master" ? settleQueued(ctx.env, me.tenant_id) : settleQueuedKey(ctx.env, me.tenant_id, me.id));
    await wallet.flushUsage();
    const [state, byModel] = await Promise.all([wallet.keyState(params.id), keyUsageByModel(ctx.env.DB, me.tenant_id, params.id)]);
    const sum = (pick: (m: (typeof byModel)[number]) => number) => byModel.reduce((n, m) => n + pick(m), 0);
    return {
      status: 200,
      body: {
        key_id: params.id,
        cost_micros: state.spent_micros,
        reserved_micros: state.reserved_micros,
        cap_micros: state.cap_micros,
        requests: sum((m) => m.requests),
        input_tokens: sum((m) => m.input_tokens),
        output_tokens: sum((m) => m.output_tokens),
        by_model: byModel,
      },
    };
  },
};
