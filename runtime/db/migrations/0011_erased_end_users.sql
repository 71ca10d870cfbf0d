-- End users erased (DELETE /v1/end-users/:id), by pseudonym only: the one-way
-- "erased_" + hex SHA-256(tenant_id || 0x00 || end_user_id), first 32 hex digits, that replaced
-- their id in usage_events. A usage row still in a Wallet's outbox when the erase ran reaches D1
-- later; the copy (db/usage-events.ts) looks its pseudonym up here and writes that instead of
-- the id, so an erased id never comes back. Nobody can read an id back from this table.
CREATE TABLE erased_end_users (
  tenant_id  TEXT NOT NULL,
  pseudonym  TEXT NOT NULL,
  erased_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, pseudonym)
) WITHOUT ROWID;
