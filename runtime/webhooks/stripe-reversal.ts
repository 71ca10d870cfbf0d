import type { components } from "../../generated/api/types";
import { ApiError } from "../errors";
import { walletFor } from "../wallet/stub";
import type { StripeDecision } from "./stripe-event";
import { findCheckoutSessionByPaymentIntent, raiseRefunded, type CheckoutSessionRecord } from "../db/stripe-checkout-sessions";
import { recordProcessedEvent } from "../db/processed-webhooks";
import { ignored } from "./stripe-top-up";

type WebhookReceipt = components["schemas"]["WebhookReceipt"];
type Refund = Extract<StripeDecision, { kind: "refund" }>;
type Dispute = Extract<StripeDecision, { kind: "dispute" }>;

/**
 * Takes back from the tenant's wallet what a refund or dispute took from the payment of one of
 * its top-ups (tied by the payment intent recorded when the top-up was credited). The debit is
 * applied even below a zero balance: the money has already left Stripe, and the tenant's next
 * top-up pays the difference.
 */
export async function applyStripeReversal(env: Env, reversal: Refund | Dispute, nowMs: number): Promise<WebhookReceipt> {
  const session = await findCheckoutSessionByPaymentIntent(env.DB, reversal.paymentIntent);
  if (!session) {
    return ignored(reversal, `payment intent ${reversal.paymentIntent} is not a credited Gatehouse top-up; nothing debited`);
  }
  const debit = reversal.kind === "refund" ? refundDebit(reversal, session) : { ref: `stripe:${reversal.disputeId}`, amountMicros: reversal.amountMicros };
  if (debit.amountMicros <= 0) return receipt(session, 0, true);
  const result = await walletFor(env.WALLET, session.tenant_id).debit(debit.amountMicros, debit.ref, reversal.note);
  if (!result.ok) {
    // Two refund events of one charge raced to the same ref: Stripe's retry of this one will see
    // the other's debit recorded and take only what is left.
    throw new ApiError("conflict", `${result.message}; Stripe retries this delivery`);
  }
  if (reversal.kind === "refund") await raiseRefunded(env.DB, session.tenant_id, session.id, reversal.refundedMicros);
  await recordProcessedEvent(env.DB, session.tenant_id, reversal.eventId, 0 - debit.amountMicros, nowMs);
  return receipt(session, debit.amountMicros, !result.applied);
}

/**
 * Refund events carry the charge's cumulative refunded amount. The debit is what it adds to the
 * total already debited, under a ref naming that total: a repeat, or a smaller total arriving
 * late, debits nothing; two different totals racing on the same ref cannot both apply.
 */
export function refundDebit(refund: Refund, session: CheckoutSessionRecord): { ref: string; amountMicros: number } {
  const before = session.refunded_micros;
  return { ref: `stripe:refund:${refund.chargeId}:${before}`, amountMicros: refund.refundedMicros - before };
}

function receipt(session: CheckoutSessionRecord, debitedMicros: number, duplicate: boolean): WebhookReceipt {
  return { received: true, ignored: false, duplicate, tenant_id: session.tenant_id, session_id: session.id, debited_micros: debitedMicros };
}
