-- Browser origins a tenant lets call Gatehouse with its keys (CORS). A browser app uses an end
-- user's key; only origins listed here get Access-Control-Allow-Origin on that tenant's answers.
CREATE TABLE tenant_origins (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  origin TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, origin)
);
-- A preflight carries no key: it asks whether any tenant allows the origin.
CREATE INDEX tenant_origins_origin ON tenant_origins (origin);
