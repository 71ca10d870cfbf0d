-- Issue 12: usage above a request's reservation is charged in full, never waived, and each
-- usage row says how much of its cost was above what was reserved (0 for almost every row).
ALTER TABLE usage_events ADD COLUMN overshoot_micros INTEGER NOT NULL DEFAULT 0;
