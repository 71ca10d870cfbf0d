-- One row per billable gateway request, written after it ends (off the hot path).
-- request_id is the primary key, so a retried write never double-counts.
CREATE TABLE usage_events (
  request_id     TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  key_id         TEXT NOT NULL,
  end_user_id    TEXT,
  model          TEXT NOT NULL,
  provider       TEXT NOT NULL,
  surface        TEXT NOT NULL CHECK (surface IN ('anthropic', 'openai')),
  input_tokens   INTEGER NOT NULL DEFAULT 0,
  output_tokens  INTEGER NOT NULL DEFAULT 0,
  cached_tokens  INTEGER NOT NULL DEFAULT 0,
  cost_micros    INTEGER NOT NULL DEFAULT 0,
  outcome        TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE INDEX usage_events_by_tenant_time ON usage_events (tenant_id, created_at);
CREATE INDEX usage_events_by_key_time ON usage_events (key_id, created_at);

-- Stripe (and future) webhook deliveries already applied, for idempotency.
CREATE TABLE processed_webhooks (
  id            TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  tenant_id     TEXT,
  amount_micros INTEGER,
  created_at    INTEGER NOT NULL
);
