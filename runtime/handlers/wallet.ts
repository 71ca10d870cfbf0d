import { badRequest } from "../errors";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { settleQueued } from "../gateway/billing";
import { walletFor } from "../wallet/stub";

export const walletHandlers: Pick<AppHandlers, "getWallet" | "listLedger"> = {
  async getWallet(_input, ctx) {
    const me = callerKey(ctx);
    await settleQueued(ctx.env, me.tenant_id); // this isolate's own requests first
    const balance = await walletFor(ctx.env.WALLET, me.tenant_id).balance();
    return { status: 200, body: balance };
  },

  /** The caller's own tenant's Wallet object is the only one reachable from here. */
  async listLedger({ query }, ctx) {
    const me = callerKey(ctx);
    await settleQueued(ctx.env, me.tenant_id);
    const order = query.order ?? "asc";
    if (order === "asc" ? query.before !== undefined : query.after !== undefined) {
      const [given, pair] = order === "asc" ? ["before", "order=desc"] : ["after", "order=asc"];
      throw badRequest(`${given} pages the other way: pass it with ${pair}`, `query.${given}`);
    }
    const page = await walletFor(ctx.env.WALLET, me.tenant_id).ledger({ limit: query.limit ?? 50, order, after: query.after, before: query.before });
    return { status: 200, body: { object: "list", data: page.data, has_more: page.has_more, next_after: page.next_after, next_before: page.next_before } };
  },
};
