import { ApiError, badRequest } from "../errors";
import { readRawBody } from "../http/read-body";
import type { AppHandlers } from "../router";
import { decideStripeEvent } from "../webhooks/stripe-event";
import { verifyStripeSignature } from "../webhooks/stripe-signature";
import { applyStripeTopUp } from "../webhooks/stripe-top-up";

export const webhookHandlers: Pick<AppHandlers, "receiveStripeWebhook"> = {
  /** The signature is the authentication: verified over the raw bytes before anything is parsed. */
  async receiveStripeWebhook(_input, ctx) {
    const secret = ctx.env.STRIPE_WEBHOOK_SECRET;
    if (!secret) {
      throw new ApiError("permission", "Stripe webhooks are disabled: set the STRIPE_WEBHOOK_SECRET secret to the endpoint's signing secret");
    }
    const raw = await readRawBody(ctx.req);
    const check = await verifyStripeSignature(ctx.req.headers.get("stripe-signature"), raw, secret, Date.now());
    if (!check.ok) throw badRequest(check.reason, "header.stripe-signature");
    let event: unknown;
    try {
      event = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw badRequest("the signed body is not JSON", "body");
    }
    const decision = decideStripeEvent(event);
    if (decision.kind === "ignore") {
      console.log(`stripe ${decision.eventId}: ignored, ${decision.reason}`);
      return { status: 200, body: { received: true, ignored: true, reason: decision.reason } };
    }
    return { status: 200, body: await applyStripeTopUp(ctx.env, decision) };
  },
};
