-- Issue 20: the request log, one row per gateway request (POST /v1/messages, /v1/chat/completions,
-- /v1/responses, /v1/messages/count_tokens), for operators and the dashboard: who called, which
-- model and provider answered, the status, how long it took and what it cost. Written off the
-- response path in batches (runtime/requests/); kept 30 days (the daily job deletes older rows).
-- Never content or secrets: no prompt, no answer, no key material. end_user_id is replaced by the
-- erase's pseudonym like usage_events'.
CREATE TABLE request_log (
  request_id        TEXT PRIMARY KEY,
  tenant_id         TEXT NOT NULL,
  key_id            TEXT NOT NULL,
  end_user_id       TEXT,
  operation         TEXT NOT NULL,
  model             TEXT,
  provider          TEXT,
  status            INTEGER NOT NULL,
  streamed          INTEGER NOT NULL DEFAULT 0 CHECK (streamed IN (0, 1)),
  -- The billing outcome (ok, client_disconnected, upstream_error, no_provider, …); NULL when nothing was held.
  outcome           TEXT,
  -- Until the response's headers; a stream's whole run is duration_ms.
  latency_ms        INTEGER NOT NULL,
  duration_ms       INTEGER NOT NULL,
  cost_micros       INTEGER NOT NULL DEFAULT 0,
  -- The part of cost_micros above what was held for the request (an overshoot, charged in full).
  overshoot_micros  INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL
);

CREATE INDEX request_log_by_tenant_time ON request_log (tenant_id, created_at, request_id);
CREATE INDEX request_log_by_created ON request_log (created_at);
