-- Checkout Sessions created through POST /v1/wallet/checkout. A Stripe webhook credits only
-- sessions recorded here, to the tenant and for the amount recorded here: the session's
-- metadata is never trusted to name a tenant.
CREATE TABLE stripe_checkout_sessions (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  amount_micros    INTEGER NOT NULL CHECK (amount_micros > 0),
  livemode         INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  created_at       INTEGER NOT NULL,
  -- Set when the paid session is credited: refunds and disputes name the payment intent.
  payment_intent   TEXT,
  credited_at      INTEGER,
  -- The charge's refunded total already debited from the wallet (refund events are cumulative).
  refunded_micros  INTEGER NOT NULL DEFAULT 0 CHECK (refunded_micros >= 0)
);

CREATE INDEX stripe_checkout_sessions_by_tenant ON stripe_checkout_sessions (tenant_id, created_at);
CREATE UNIQUE INDEX stripe_checkout_sessions_by_payment_intent ON stripe_checkout_sessions (payment_intent) WHERE payment_intent IS NOT NULL;
