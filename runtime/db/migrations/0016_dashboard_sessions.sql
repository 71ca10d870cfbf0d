-- Dashboard sign-in sessions (runtime/dashboard): a master key typed into /dashboard/sign-in is
-- exchanged for a random session id held only in the browser's HttpOnly cookie. D1 keeps the
-- SHA-256 of that id (never the id, never the key), the key it was opened with (so revoking
-- that key ends its sessions), when it expires (checked on every request), and the SHA-256 of
-- the session's CSRF token (every dashboard form must post that token).
CREATE TABLE dashboard_sessions (
  id_hash     TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  key_id      TEXT NOT NULL,
  csrf_hash   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- A key's sessions, to end them all when it is revoked; expired rows, for the clean-up.
CREATE INDEX dashboard_sessions_by_key ON dashboard_sessions (tenant_id, key_id);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
