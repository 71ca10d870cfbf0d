// D1 `processed_webhooks` (migration 0002): a log of the webhook events applied, per tenant.

/** Logs an applied event (operators read it; idempotency comes from the wallet's refs). */
export async function recordProcessedEvent(db: D1Database, tenantId: string, eventId: string, amountMicros: number, nowMs: number): Promise<void> {
  await db
    .prepare("INSERT OR IGNORE INTO processed_webhooks (id, source, tenant_id, amount_micros, created_at) VALUES (?, 'stripe', ?, ?, ?)")
    .bind(eventId, tenantId, amountMicros, nowMs)
    .run();
}
