// What a caller sees of a thread and of a stored message (spec `Thread`, `ThreadMessage`).
import type { components } from "../../generated/api/types";
import type { ThreadMessageRow } from "../db/thread-messages";
import type { ThreadRow } from "../db/threads";

type Thread = components["schemas"]["Thread"];
type ThreadMessage = components["schemas"]["ThreadMessage"];

export function threadView(row: ThreadRow): Thread {
  return {
    id: row.id,
    object: "thread",
    end_user_id: row.end_user_id,
    // The generated type of ThreadMetadata is empty (unevaluatedProperties); the body validator checked it.
    metadata: JSON.parse(row.metadata) as Thread["metadata"],
    message_count: row.message_count,
    created_at: row.created_at,
    last_active_at: row.last_active_at,
  };
}

export function threadMessageView(row: ThreadMessageRow): ThreadMessage {
  return {
    seq: row.seq,
    role: row.role,
    content: JSON.parse(row.content) as ThreadMessage["content"],
    request_id: row.request_id,
    cost_micros: row.cost_micros,
    created_at: row.created_at,
  };
}
