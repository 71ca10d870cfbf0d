// D1 `stripe_checkout_sessions` (migration 0004): the Checkout Sessions Gatehouse created.
// A Stripe event names a session or a payment intent, never a tenant Gatehouse can trust, so
// the two finders below are how a webhook finds its tenant (the record, not the event, names
// it); every other statement takes the tenant.

/** A Checkout Session as recorded when it was created. */
export interface CheckoutSessionRecord {
  id: string;
  tenant_id: string;
  amount_micros: number;
  livemode: 0 | 1;
  created_at: number;
  payment_intent: string | null;
  credited_at: number | null;
  refunded_micros: number;
}

const COLUMNS = "id, tenant_id, amount_micros, livemode, created_at, payment_intent, credited_at, refunded_micros";

export async function recordCheckoutSession(
  db: D1Database,
  tenantId: string,
  session: { id: string; amountMicros: number; livemode: boolean; createdAt: number },
): Promise<void> {
  await db
    .prepare("INSERT INTO stripe_checkout_sessions (id, tenant_id, amount_micros, livemode, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(session.id, tenantId, session.amountMicros, session.livemode ? 1 : 0, session.createdAt)
    .run();
}

/** The session with this id, of whichever tenant created it (finds the tenant). */
export function findCheckoutSession(db: D1Database, id: string): Promise<CheckoutSessionRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM stripe_checkout_sessions WHERE id = ?`).bind(id).first<CheckoutSessionRecord>();
}

/** The top-up a refund or dispute belongs to (finds the tenant): the payment intent was recorded when it was credited. */
export function findCheckoutSessionByPaymentIntent(db: D1Database, paymentIntent: string): Promise<CheckoutSessionRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM stripe_checkout_sessions WHERE payment_intent = ?`).bind(paymentIntent).first<CheckoutSessionRecord>();
}

/** Records the credit and its payment intent; the first values stay (a repeat changes nothing). */
export async function markCheckoutSessionCredited(db: D1Database, tenantId: string, id: string, paymentIntent: string | null, nowMs: number): Promise<void> {
  await db
    .prepare(
      "UPDATE stripe_checkout_sessions SET payment_intent = COALESCE(payment_intent, ?), credited_at = COALESCE(credited_at, ?) WHERE id = ? AND tenant_id = ?",
    )
    .bind(paymentIntent, nowMs, id, tenantId)
    .run();
}

/** Raises the refunded total already debited; never lowers it (refund events may arrive out of order). */
export async function raiseRefunded(db: D1Database, tenantId: string, id: string, refundedMicros: number): Promise<void> {
  await db
    .prepare("UPDATE stripe_checkout_sessions SET refunded_micros = MAX(refunded_micros, ?) WHERE id = ? AND tenant_id = ?")
    .bind(refundedMicros, id, tenantId)
    .run();
}
