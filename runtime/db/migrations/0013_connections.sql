-- Connections: an end user's account at one vendor (connectors/<id>.yaml), made through the
-- hosted connect page. An end user may hold several accounts of one vendor; each has a label,
-- and the newest connected one is the default.
--   status: pending (a connect URL was minted, nothing stored yet), connected, failed (the
--   last attempt was refused by the vendor and the token has run out), revoked (deleted by the
--   app; the sealed credential is wiped in the same statement).
--   credential: the vault record (runtime/vault: "v1.<keyId>.<iv>.<ciphertext>"), its
--   additional data binding tenant + end user + connector + connection id, so a record copied
--   to another row fails to open. Never anything secret in clear.
--   config: the non-secret settings the end user typed (subdomain, site), JSON.
--   mcp_tools: an MCP connector's tools as listed at connect time (JSON), so calls need no
--   tools/list round trip.
CREATE TABLE connections (
  tenant_id     TEXT NOT NULL REFERENCES tenants(id),
  id            TEXT NOT NULL,
  end_user_id   TEXT NOT NULL,
  connector     TEXT NOT NULL,
  label         TEXT,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'connected', 'failed', 'revoked')),
  credential    TEXT,
  config        TEXT NOT NULL DEFAULT '{}',
  mcp_tools     TEXT,
  last_error    TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  connected_at  INTEGER,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- An end user's connections to one vendor, newest connected first (the default connection).
CREATE INDEX connections_by_end_user ON connections (tenant_id, end_user_id, connector, connected_at);
-- The daily job: pending connections nobody finished (their connect URLs long expired).
CREATE INDEX connections_pending ON connections (created_at) WHERE status = 'pending';

-- One-time connect URLs (/connect/<token>). Only SHA-256 of the token is stored. A session is
-- good for 10 minutes and a bounded number of attempts, and is spent by its first success.
-- redirect_url was checked against the tenant's allowed origins when the URL was minted.
CREATE TABLE connect_sessions (
  token_hash     TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  connection_id  TEXT NOT NULL,
  expires_at     INTEGER NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  used_at        INTEGER,
  redirect_url   TEXT,
  created_at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX connect_sessions_by_connection ON connect_sessions (tenant_id, connection_id);
CREATE INDEX connect_sessions_by_expiry ON connect_sessions (expires_at);

-- Webhook tools a tenant registers (POST /v1/tools): Gatehouse POSTs the model's arguments to
-- url, signed with HMAC-SHA256 under signing_secret (a vault record bound to the tenant and
-- the tool name; the secret is shown to the app once, when the tool is created).
CREATE TABLE webhook_tools (
  tenant_id       TEXT NOT NULL REFERENCES tenants(id),
  name            TEXT NOT NULL,
  description     TEXT NOT NULL,
  input_schema    TEXT NOT NULL,
  url             TEXT NOT NULL,
  signing_secret  TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;
