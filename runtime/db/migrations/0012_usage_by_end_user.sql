-- An end user's usage rows, for the GDPR erase (which replaces their id with a pseudonym) and
-- per-end-user invoicing, without a scan of the tenant's usage history.
CREATE INDEX usage_events_by_end_user ON usage_events (tenant_id, end_user_id);
