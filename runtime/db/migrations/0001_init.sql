-- Tenants and their API keys. Only the SHA-256 of a key's secret is stored.
CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id                TEXT PRIMARY KEY,
  tenant_id         TEXT NOT NULL REFERENCES tenants(id),
  hash              TEXT NOT NULL UNIQUE,
  prefix            TEXT NOT NULL,
  name              TEXT NOT NULL,
  scope             TEXT NOT NULL CHECK (scope IN ('master', 'standard')),
  end_user_id       TEXT,
  max_spend_micros  INTEGER CHECK (max_spend_micros IS NULL OR max_spend_micros >= 0),
  created_at        INTEGER NOT NULL,
  last_used_at      INTEGER,
  revoked_at        INTEGER
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);
