-- A turn that passed through to a provider that keeps responses itself (OpenAI's Responses
-- API): its id is the provider's, so a follow-up to that provider passes the id on untouched,
-- while a follow-up on any other provider is continued from the items kept here.
ALTER TABLE response_items ADD COLUMN upstream_held INTEGER NOT NULL DEFAULT 0;
