import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { walletFor } from "../wallet/stub";

export const walletHandlers: Pick<AppHandlers, "getWallet"> = {
  async getWallet(_input, ctx) {
    const me = callerKey(ctx);
    const balance = await walletFor(ctx.env.WALLET, me.tenant_id).balance();
    return { status: 200, body: balance };
  },
};
