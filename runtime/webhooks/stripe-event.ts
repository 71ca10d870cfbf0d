// What a verified Stripe event means for Gatehouse, decided without I/O: a top-up (a paid
// Checkout Session), a refund or a dispute of one, or an event to acknowledge and ignore
// (with the reason). Which tenant it concerns is not decided here: only Gatehouse's own
// record of the session says that (stripe-sessions.ts), never the event's metadata.

import { badRequest } from "../errors";

/** One cent in micro-dollars. */
export const MICROS_PER_CENT = 10_000;

/** What the deployment accepts: live events in production, test-mode events elsewhere. */
export interface StripeMode {
  livemode: boolean;
}

export type StripeDecision =
  | { kind: "top_up"; eventId: string; sessionId: string; amountMicros: number; paymentIntent: string | null; note: string }
  /** `refundedMicros` is the charge's cumulative refunded amount, as Stripe reports it. */
  | { kind: "refund"; eventId: string; chargeId: string; paymentIntent: string; refundedMicros: number; note: string }
  | { kind: "dispute"; eventId: string; disputeId: string; paymentIntent: string; amountMicros: number; note: string }
  | { kind: "ignore"; eventId: string; reason: string };

type Obj = Record<string, unknown>;
type Ignore = { kind: "ignore"; eventId: string; reason: string };
type Read = (eventId: string, type: string, object: Obj) => StripeDecision;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const ignore = (eventId: string, reason: string): Ignore => ({ kind: "ignore", eventId, reason });

/** The event types Gatehouse acts on and how each one's `data.object` is read. */
const READERS: Record<string, Read> = {
  // Async methods (bank debits) complete unpaid and are paid only on the second event.
  "checkout.session.completed": readTopUp,
  "checkout.session.async_payment_succeeded": readTopUp,
  "charge.refunded": readRefund,
  "charge.dispute.created": readDispute,
};

/**
 * Reads an event. A body that is not a Stripe event at all is a 400; an event Gatehouse
 * does not act on is `ignore` (answered 200, so Stripe stops retrying it).
 */
export function decideStripeEvent(event: unknown, mode: StripeMode): StripeDecision {
  if (!isObject(event) || typeof event.id !== "string" || event.id === "" || typeof event.type !== "string") {
    throw badRequest("the body is not a Stripe event: expected a JSON object with string id and type", "body");
  }
  const eventId = event.id;
  const read = Object.hasOwn(READERS, event.type) ? READERS[event.type] : undefined;
  if (!read) return ignore(eventId, `event type ${event.type} is not one Gatehouse acts on`);
  if (event.livemode !== mode.livemode) {
    // Test-mode money must never reach a production wallet (nor live money a test one).
    return ignore(eventId, `livemode is ${JSON.stringify(event.livemode ?? null)} but this deployment takes ${mode.livemode ? "live" : "test-mode"} events only (ENVIRONMENT=production means live)`);
  }
  if (event.account !== undefined && event.account !== null) {
    return ignore(eventId, `the event is for connected account ${String(event.account)} (Connect); Gatehouse acts only on its own account's payments`);
  }
  const data = isObject(event.data) ? event.data : {};
  return read(eventId, event.type, isObject(data.object) ? data.object : {});
}

function readTopUp(eventId: string, type: string, session: Obj): StripeDecision {
  if (typeof session.id !== "string" || !session.id.startsWith("cs_")) return ignore(eventId, "the event carries no checkout session id (cs_…)");
  if (session.payment_status !== "paid") {
    return ignore(eventId, `payment_status is ${JSON.stringify(session.payment_status ?? null)}; the wallet is credited once it is "paid"`);
  }
  const currency = usd(eventId, session.currency);
  if (currency) return currency;
  const cents = positiveCents(session.amount_total);
  if (cents === null) return ignore(eventId, `amount_total must be a positive whole number of cents, got ${JSON.stringify(session.amount_total ?? null)}`);
  const paymentIntent = typeof session.payment_intent === "string" ? session.payment_intent : null;
  return { kind: "top_up", eventId, sessionId: session.id, amountMicros: cents * MICROS_PER_CENT, paymentIntent, note: `Stripe checkout ${session.id} (${type})` };
}

function readRefund(eventId: string, type: string, charge: Obj): StripeDecision {
  if (typeof charge.id !== "string" || charge.id === "") return ignore(eventId, "the event carries no charge id");
  const currency = usd(eventId, charge.currency);
  if (currency) return currency;
  if (typeof charge.payment_intent !== "string") return ignore(eventId, `charge ${charge.id} has no payment_intent to tie it to a top-up`);
  const cents = positiveCents(charge.amount_refunded);
  if (cents === null) return ignore(eventId, `amount_refunded must be a positive whole number of cents, got ${JSON.stringify(charge.amount_refunded ?? null)}`);
  return {
    kind: "refund",
    eventId,
    chargeId: charge.id,
    paymentIntent: charge.payment_intent,
    refundedMicros: cents * MICROS_PER_CENT,
    note: `Stripe refund of charge ${charge.id} (${type})`,
  };
}

function readDispute(eventId: string, type: string, dispute: Obj): StripeDecision {
  if (typeof dispute.id !== "string" || dispute.id === "") return ignore(eventId, "the event carries no dispute id");
  const currency = usd(eventId, dispute.currency);
  if (currency) return currency;
  if (typeof dispute.payment_intent !== "string") return ignore(eventId, `dispute ${dispute.id} has no payment_intent to tie it to a top-up`);
  const cents = positiveCents(dispute.amount);
  if (cents === null) return ignore(eventId, `amount must be a positive whole number of cents, got ${JSON.stringify(dispute.amount ?? null)}`);
  return {
    kind: "dispute",
    eventId,
    disputeId: dispute.id,
    paymentIntent: dispute.payment_intent,
    amountMicros: cents * MICROS_PER_CENT,
    note: `Stripe dispute ${dispute.id} of charge ${String(dispute.charge ?? "unknown")} (${type})`,
  };
}

/** Wallets are in usd; a missing currency is not known to be usd. */
function usd(eventId: string, currency: unknown): Ignore | null {
  if (typeof currency === "string" && currency.toLowerCase() === "usd") return null;
  return ignore(eventId, `currency is ${JSON.stringify(currency ?? null)}; wallets are in usd`);
}

/** Cents that stay exact once converted to micro-dollars, or null. */
function positiveCents(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) return null;
  return Number.isSafeInteger(value * MICROS_PER_CENT) ? value : null;
}
