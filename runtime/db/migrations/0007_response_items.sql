-- POST /v1/responses with `store` (the default): the turn's input and output items, so a later
-- request naming it as `previous_response_id` continues the conversation on any provider.
-- Kept 30 days (expires_at, epoch ms); end_user_id (the key's) so an erase of that end user
-- deletes them.
CREATE TABLE response_items (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  end_user_id  TEXT,
  input_items  TEXT NOT NULL,
  output_items TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);

CREATE INDEX response_items_by_end_user ON response_items (tenant_id, end_user_id);
CREATE INDEX response_items_by_expiry ON response_items (expires_at);
