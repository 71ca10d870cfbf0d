-- Threads: conversations Gatehouse stores (POST /v1/threads/:id/messages loads and extends them).
-- last_seq is the thread's seq counter: a turn's two messages take last_seq+1 and last_seq+2 in
-- the same batch that moves it. busy_token/busy_until are the one-turn-at-a-time lock (a turn
-- takes it with a conditional UPDATE, renews it while it runs, and clears it when done; an expired
-- lock is free, so a Worker that died mid-turn blocks the thread for at most its TTL).
-- deleted_at: soft delete (gone from every read at once; erased for good by the daily job).
CREATE TABLE threads (
  tenant_id       TEXT NOT NULL REFERENCES tenants(id),
  id              TEXT NOT NULL,
  end_user_id     TEXT,
  metadata        TEXT NOT NULL DEFAULT '{}',
  created_at      INTEGER NOT NULL,
  last_active_at  INTEGER NOT NULL,
  last_seq        INTEGER NOT NULL DEFAULT 0,
  message_count   INTEGER NOT NULL DEFAULT 0,
  busy_token      TEXT,
  busy_until      INTEGER,
  deleted_at      INTEGER,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- Listing: a tenant's (or one end user's) live threads by creation time, with a stable tiebreak.
CREATE INDEX threads_by_tenant_created ON threads (tenant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX threads_by_end_user_created ON threads (tenant_id, end_user_id, created_at, id) WHERE deleted_at IS NULL;
-- The daily job: inactive threads past a tenant's retention, and soft-deleted ones.
CREATE INDEX threads_by_activity ON threads (tenant_id, last_active_at);
CREATE INDEX threads_deleted ON threads (deleted_at) WHERE deleted_at IS NOT NULL;

-- One row per stored message: the Anthropic content blocks (JSON) the model saw or produced.
-- end_user_id is the thread's, copied so an erase and the search scope need no join.
-- tokens: the message's share of the turn's usage (assistant: output tokens; user: the turn's
-- input tokens less the context it was sent with), for fitting later turns into the window.
CREATE TABLE thread_messages (
  tenant_id    TEXT NOT NULL,
  thread_id    TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content      TEXT NOT NULL,
  end_user_id  TEXT,
  request_id   TEXT,
  tokens       INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, thread_id, seq)
) WITHOUT ROWID;

CREATE INDEX thread_messages_by_end_user ON thread_messages (tenant_id, end_user_id);

-- Per-tenant settings that are not money (the Wallet holds that): thread retention in days (null: keep).
CREATE TABLE tenant_settings (
  tenant_id              TEXT PRIMARY KEY REFERENCES tenants(id),
  thread_retention_days  INTEGER CHECK (thread_retention_days IS NULL OR thread_retention_days >= 1),
  updated_at             INTEGER NOT NULL
);
