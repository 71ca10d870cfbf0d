// What a verified Stripe event means for Gatehouse, decided without I/O: either a top-up
// of one tenant's wallet, or an event to acknowledge and ignore (with the reason).

import { badRequest } from "../errors";

/** One cent in micro-dollars. */
export const MICROS_PER_CENT = 10_000;

/** Events that carry a paid Checkout Session (async methods are paid only on the second). */
const TOP_UP_EVENTS = new Set(["checkout.session.completed", "checkout.session.async_payment_succeeded"]);

export type StripeDecision =
  | { kind: "credit"; eventId: string; tenantId: string; amountMicros: number; note: string }
  | { kind: "ignore"; eventId: string; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads an event. A body that is not a Stripe event at all is a 400; an event Gatehouse
 * does not act on is `ignore` (answered 200, so Stripe stops retrying it).
 */
export function decideStripeEvent(event: unknown): StripeDecision {
  if (!isObject(event) || typeof event.id !== "string" || event.id === "" || typeof event.type !== "string") {
    throw badRequest("the body is not a Stripe event: expected a JSON object with string id and type", "body");
  }
  const eventId = event.id;
  const ignore = (reason: string): StripeDecision => ({ kind: "ignore", eventId, reason });
  if (!TOP_UP_EVENTS.has(event.type)) return ignore(`event type ${event.type} is not one Gatehouse acts on`);

  const data = isObject(event.data) ? event.data : {};
  const session = isObject(data.object) ? data.object : {};
  const metadata = isObject(session.metadata) ? session.metadata : {};
  const tenantId = metadata.tenant_id;
  if (typeof tenantId !== "string" || tenantId === "") {
    return ignore("the checkout session has no metadata.tenant_id: set it when creating the session");
  }
  // Absent in hand-made test events; Stripe always sends it.
  if (session.payment_status !== undefined && session.payment_status !== "paid") {
    return ignore(`payment_status is ${String(session.payment_status)}; the wallet is credited once it is paid`);
  }
  if (session.currency !== undefined && String(session.currency).toLowerCase() !== "usd") {
    return ignore(`currency is ${String(session.currency)}; wallets are in usd`);
  }
  const cents = session.amount_total;
  if (typeof cents !== "number" || !Number.isSafeInteger(cents) || cents <= 0) {
    return ignore(`amount_total must be a positive whole number of cents, got ${JSON.stringify(cents ?? null)}`);
  }
  const amountMicros = cents * MICROS_PER_CENT;
  if (!Number.isSafeInteger(amountMicros)) return ignore(`amount_total ${cents} is too large to credit`);
  const sessionId = typeof session.id === "string" ? session.id : "unknown session";
  return { kind: "credit", eventId, tenantId, amountMicros, note: `Stripe checkout ${sessionId} (${event.type})` };
}
