// D1 rows of Stripe top-ups: the Checkout Sessions Gatehouse created (migration 0004) and the
// webhook events it has processed (0002). The only SQL of runtime/webhooks.

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
  session: { id: string; tenantId: string; amountMicros: number; livemode: boolean; createdAt: number },
): Promise<void> {
  await db
    .prepare("INSERT INTO stripe_checkout_sessions (id, tenant_id, amount_micros, livemode, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(session.id, session.tenantId, session.amountMicros, session.livemode ? 1 : 0, session.createdAt)
    .run();
}

export function findCheckoutSession(db: D1Database, id: string): Promise<CheckoutSessionRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM stripe_checkout_sessions WHERE id = ?`).bind(id).first<CheckoutSessionRecord>();
}

/** The top-up a refund or dispute belongs to: the payment intent was recorded when it was credited. */
export function findCheckoutSessionByPaymentIntent(db: D1Database, paymentIntent: string): Promise<CheckoutSessionRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM stripe_checkout_sessions WHERE payment_intent = ?`).bind(paymentIntent).first<CheckoutSessionRecord>();
}

/** Records the credit and its payment intent; the first values stay (a repeat changes nothing). */
export async function markCheckoutSessionCredited(db: D1Database, id: string, paymentIntent: string | null, nowMs: number): Promise<void> {
  await db
    .prepare("UPDATE stripe_checkout_sessions SET payment_intent = COALESCE(payment_intent, ?), credited_at = COALESCE(credited_at, ?) WHERE id = ?")
    .bind(paymentIntent, nowMs, id)
    .run();
}

/** Raises the refunded total already debited; never lowers it (refund events may arrive out of order). */
export async function raiseRefunded(db: D1Database, id: string, refundedMicros: number): Promise<void> {
  await db
    .prepare("UPDATE stripe_checkout_sessions SET refunded_micros = MAX(refunded_micros, ?) WHERE id = ?")
    .bind(refundedMicros, id)
    .run();
}

/** Logs an applied event (operators read it; idempotency comes from the wallet's refs). */
export async function recordProcessedEvent(db: D1Database, eventId: string, tenantId: string, amountMicros: number, nowMs: number): Promise<void> {
  await db
    .prepare("INSERT OR IGNORE INTO processed_webhooks (id, source, tenant_id, amount_micros, created_at) VALUES (?, 'stripe', ?, ?, ?)")
    .bind(eventId, tenantId, amountMicros, nowMs)
    .run();
}
