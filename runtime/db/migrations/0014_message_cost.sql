-- What the model round that produced an assistant message cost (micro-dollars, the wallet's
-- settled charge for that round). NULL for user messages, and for messages stored before this
-- column existed. A turn's cost is the sum over its assistant messages (qlaud.done says it too).
ALTER TABLE thread_messages ADD COLUMN cost_micros INTEGER;
