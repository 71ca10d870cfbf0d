import { ApiError, badRequest } from "../errors";
import { readRawBody } from "../http/read-body";
import type { AppHandlers } from "../router";
import { decideStripeEvent } from "../webhooks/stripe-event";
import { applyStripeReversal } from "../webhooks/stripe-reversal";
import { verifyStripeSignature } from "../webhooks/stripe-signature";
import { applyStripeTopUp, ignored } from "../webhooks/stripe-top-up";

export const webhookHandlers: Pick<AppHandlers, "receiveStripeWebhook"> = {
  /** The signature is the authentication: verified over the raw bytes before anything is parsed. */
  async receiveStripeWebhook(_input, ctx) {
    const secret = ctx.env.STRIPE_WEBHOOK_SECRET;
    if (!secret) {
      throw new ApiError("permission", "Stripe webhooks are disabled: set the STRIPE_WEBHOOK_SECRET secret to the endpoint's signing secret");
    }
    const raw = await readRawBody(ctx.req);
    const now = Date.now();
    const check = await verifyStripeSignature(ctx.req.headers.get("stripe-signature"), raw, secret, now);
    if (!check.ok) throw badRequest(check.reason, "header.stripe-signature");
    let event: unknown;
    try {
      event = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw badRequest("the signed body is not JSON", "body");
    }
    const decision = decideStripeEvent(event, { livemode: ctx.env.ENVIRONMENT === "production" });
    switch (decision.kind) {
      case "ignore":
        return { status: 200, body: ignored(decision, decision.reason) };
      case "top_up":
        return { status: 200, body: await applyStripeTopUp(ctx.env, decision, now) };
      case "refund":
      case "dispute":
        return { status: 200, body: await applyStripeReversal(ctx.env, decision, now) };
      default: {
        const never: never = decision;
        throw new Error(`unhandled Stripe decision ${JSON.stringify(never)}`);
      }
    }
  },
};
