-- Full-text search over thread messages (runtime/search/, runtime/db/message-search.ts).
-- message_search_docs holds one row per indexed message: its key, its scope and the text the
-- index keeps of its content blocks. message_search is an external-content FTS5 index over it
-- (so snippet() can read the text back), kept in step by the triggers below: whatever deletes a
-- doc row (an erase, a re-index) takes its index entry with it.
--
-- scope holds two whole tokens, "t<hash of tenant>" and "u<hash of tenant+end user>" (or
-- "n<hash of tenant>" for a thread with no end user): hex, so the unicode61 tokenizer keeps each
-- whole. A search ANDs its scope token into the MATCH, so FTS5 intersects the tenant's (or end
-- user's) postings with the terms' instead of visiting every tenant's matches and filtering.
-- vector_id: the message's id in Vectorize (production), derived from its key; kept here so a
-- semantic match is resolved (and scope-checked) in D1 and an erase knows which vectors to drop.
CREATE TABLE message_search_docs (
  id           INTEGER PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  thread_id    TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  end_user_id  TEXT,
  role         TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  created_at   INTEGER NOT NULL,
  vector_id    TEXT NOT NULL,
  scope        TEXT NOT NULL,
  body         TEXT NOT NULL
);

CREATE UNIQUE INDEX message_search_docs_key ON message_search_docs (tenant_id, thread_id, seq);
CREATE INDEX message_search_docs_by_end_user ON message_search_docs (tenant_id, end_user_id);
CREATE INDEX message_search_docs_by_vector ON message_search_docs (tenant_id, vector_id);

CREATE VIRTUAL TABLE message_search USING fts5(
  scope,
  body,
  content = 'message_search_docs',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER message_search_docs_insert AFTER INSERT ON message_search_docs BEGIN
  INSERT INTO message_search (rowid, scope, body) VALUES (new.id, new.scope, new.body);
END;

CREATE TRIGGER message_search_docs_delete AFTER DELETE ON message_search_docs BEGIN
  INSERT INTO message_search (message_search, rowid, scope, body) VALUES ('delete', old.id, old.scope, old.body);
END;

CREATE TRIGGER message_search_docs_update AFTER UPDATE ON message_search_docs BEGIN
  INSERT INTO message_search (message_search, rowid, scope, body) VALUES ('delete', old.id, old.scope, old.body);
  INSERT INTO message_search (rowid, scope, body) VALUES (new.id, new.scope, new.body);
END;
