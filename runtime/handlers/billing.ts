import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { createStripeCheckoutSession } from "../webhooks/stripe-api";
import { planCheckout } from "../webhooks/stripe-checkout";
import { recordCheckoutSession } from "../db/stripe-checkout-sessions";

export const billingHandlers: Pick<AppHandlers, "createCheckoutSession"> = {
  /**
   * The session is recorded before its URL is returned, so nobody can pay a session the webhook
   * would not recognise; the record, not the session's metadata, names the tenant to credit.
   */
  async createCheckoutSession({ body }, ctx) {
    const me = callerKey(ctx);
    const env = ctx.env;
    const production = env.ENVIRONMENT === "production";
    const plan = planCheckout(body, production);
    const session = await createStripeCheckoutSession(env, plan, me.tenant_id, ctx.requestId);
    await recordCheckoutSession(env.DB, me.tenant_id, { id: session.id, amountMicros: plan.amountMicros, livemode: production, createdAt: Date.now() });
    return { status: 201, body: { id: session.id, url: session.url, amount_micros: plan.amountMicros } };
  },
};
