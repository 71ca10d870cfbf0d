import type { components } from "../../generated/api/types";
import { walletFor } from "../wallet/stub";

type WebhookReceipt = components["schemas"]["WebhookReceipt"];

/** The ledger ref of an event's credit: the Wallet applies a ref once, ever. */
export const stripeRef = (eventId: string) => `stripe:${eventId}`;

/**
 * Credits a verified top-up exactly once per event id, however often and however
 * concurrently Stripe delivers it:
 *
 * 1. processed_webhooks already has the event → a duplicate; nothing to do.
 * 2. Credit the wallet with ref `stripe:<event id>`. The Wallet is idempotent on the ref, so
 *    concurrent deliveries (all past step 1) and a retry after a crash all credit once.
 * 3. Record the event in processed_webhooks (INSERT OR IGNORE).
 *
 * The record is written after the credit, never before: a crash between 2 and 3 leaves
 * no record, so Stripe's retry reaches step 2 again, where the ref makes it a no-op.
 * Recording first would let such a crash lose the money.
 */
export async function applyStripeTopUp(
  env: Env,
  top: { eventId: string; tenantId: string; amountMicros: number; note: string },
): Promise<WebhookReceipt> {
  const done = await env.DB.prepare("SELECT tenant_id, amount_micros FROM processed_webhooks WHERE id = ? AND source = 'stripe'")
    .bind(top.eventId)
    .first<{ tenant_id: string | null; amount_micros: number | null }>();
  if (done) {
    return { received: true, ignored: false, duplicate: true, tenant_id: done.tenant_id ?? top.tenantId, credited_micros: done.amount_micros ?? 0 };
  }
  const tenant = await env.DB.prepare("SELECT id FROM tenants WHERE id = ?").bind(top.tenantId).first();
  if (!tenant) {
    console.warn(`stripe ${top.eventId}: metadata.tenant_id ${top.tenantId} is not a tenant here; acknowledged without credit`);
    return { received: true, ignored: true, reason: `no tenant ${top.tenantId} in this deployment` };
  }
  const result = await walletFor(env.WALLET, top.tenantId).credit(top.amountMicros, stripeRef(top.eventId), top.note);
  await env.DB.prepare("INSERT OR IGNORE INTO processed_webhooks (id, source, tenant_id, amount_micros, created_at) VALUES (?, 'stripe', ?, ?, ?)")
    .bind(top.eventId, top.tenantId, top.amountMicros, Date.now())
    .run();
  return { received: true, ignored: false, duplicate: !result.applied, tenant_id: top.tenantId, credited_micros: top.amountMicros };
}
