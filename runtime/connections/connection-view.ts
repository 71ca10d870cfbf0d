// A connection as the API shows it: never the credential, the config or the MCP tool list.
import type { components } from "../../generated/api/types";
import type { ConnectionRow } from "../db/connections";

type Connection = components["schemas"]["Connection"];

/** The row without anything secret; `isDefault` from defaultIds. */
export function connectionView(row: ConnectionRow, isDefault: boolean): Connection {
  return {
    id: row.id,
    object: "connection",
    end_user_id: row.end_user_id,
    connector: row.connector,
    label: row.label,
    status: row.status,
    created_at: row.created_at,
    connected_at: row.connected_at,
    last_error: row.last_error,
    is_default: isDefault,
  };
}

/**
 * Which of an end user's rows are defaults: per connector, the newest connected one (by
 * connected_at, then id — the order openConnection picks in).
 */
export function defaultIds(rows: readonly ConnectionRow[]): Set<string> {
  const best = new Map<string, ConnectionRow>();
  for (const row of rows) {
    if (row.status !== "connected" || row.connected_at === null) continue;
    const cur = best.get(row.connector);
    if (!cur || (cur.connected_at ?? 0) < row.connected_at || (cur.connected_at === row.connected_at && cur.id < row.id)) best.set(row.connector, row);
  }
  return new Set([...best.values()].map((r) => r.id));
}
