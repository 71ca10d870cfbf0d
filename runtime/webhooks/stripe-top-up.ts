import type { components } from "../../generated/api/types";
import { walletFor } from "../wallet/stub";
import type { StripeDecision } from "./stripe-event";
import { findCheckoutSession, markCheckoutSessionCredited } from "../db/stripe-checkout-sessions";
import { recordProcessedEvent } from "../db/processed-webhooks";

type WebhookReceipt = components["schemas"]["WebhookReceipt"];
type TopUp = Extract<StripeDecision, { kind: "top_up" }>;

/** The ledger ref of a session's credit: the Wallet applies a ref once, ever. */
export const topUpRef = (sessionId: string) => `stripe:${sessionId}`;

/**
 * Credits a paid Checkout Session exactly once, however often, concurrently and under however
 * many event ids Stripe delivers it (`checkout.session.completed` then
 * `async_payment_succeeded`, a re-sent event): the credit's ref is the session's, and the
 * Wallet applies a ref once. Only sessions Gatehouse created are credited, to the tenant and
 * for the amount it recorded then; anything else is acknowledged without credit.
 *
 * The session's credited mark and the event log are written after the credit, never before: a
 * crash in between leaves them unwritten, Stripe retries, and the ref makes the credit a no-op.
 */
export async function applyStripeTopUp(env: Env, top: TopUp, nowMs: number): Promise<WebhookReceipt> {
  const session = await findCheckoutSession(env.DB, top.sessionId);
  if (!session) {
    return ignored(top, `checkout session ${top.sessionId} was not created through POST /v1/wallet/checkout on this deployment; nothing credited`);
  }
  if (session.amount_micros !== top.amountMicros) {
    return ignored(top, `amount_total (${top.amountMicros} micro-dollars) differs from the ${session.amount_micros} recorded for session ${session.id}; nothing credited`);
  }
  const result = await walletFor(env.WALLET, session.tenant_id).credit(session.amount_micros, topUpRef(session.id), top.note);
  await markCheckoutSessionCredited(env.DB, session.tenant_id, session.id, top.paymentIntent, nowMs);
  await recordProcessedEvent(env.DB, session.tenant_id, top.eventId, session.amount_micros, nowMs);
  return { received: true, ignored: false, duplicate: !result.applied, tenant_id: session.tenant_id, session_id: session.id, credited_micros: session.amount_micros };
}

/** A verified event that changes nothing: logged for the operator, 200 so Stripe stops retrying. */
export function ignored(event: { eventId: string }, reason: string): WebhookReceipt {
  console.warn(`stripe ${event.eventId}: ignored, ${reason}`);
  return { received: true, ignored: true, reason };
}
