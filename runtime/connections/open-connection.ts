// The connection a tool call runs with: found, opened, ready for callTool. Only connected rows
// are used (never pending, failed or revoked). A record that does not open (sealed for another
// row, altered, or under a vault key no longer held) makes the end user not connected: the row
// keeps its status and gets last_error saying why, so restoring a vault key heals it and a
// reconnect becomes the newer default.
import { findConnection, findDefaultConnection, noteConnectionError, type ConnectionRow } from "../db/connections";
import type { Credential } from "../tools/types";
import { VaultError } from "../vault/vault";
import { openConnectionCredential } from "./seal";

export interface ConnectionRequest {
  tenantId: string;
  endUserId: string;
  connector: string;
  /** Pick the newest connected account with this label instead of the newest of all. */
  label?: string | undefined;
  /** Pick exactly this connection (it must be the end user's, of this connector, and connected). */
  connectionId?: string | undefined;
}

export interface OpenedConnection {
  connection: ConnectionRow;
  credential: Credential;
  /** The non-secret settings ({{config.x}}). */
  config: Record<string, string>;
}

/** The end user's connection opened, or null when they have none usable (→ not_connected). */
export async function openConnection(env: Env, req: ConnectionRequest): Promise<OpenedConnection | null> {
  const row = req.connectionId !== undefined ? await exactConnection(env, req) : await findDefaultConnection(env.DB, req.tenantId, req);
  if (row === null || row.credential === null) return null;
  let credential: Credential;
  try {
    credential = await openConnectionCredential(env, row, row.credential);
  } catch (err) {
    if (!(err instanceof VaultError)) throw err;
    await noteConnectionError(env.DB, row.tenant_id, row.id, `the stored credential cannot be used (${err.message}); connect the account again`, Date.now());
    return null;
  }
  return { connection: row, credential, config: parseConfig(row.config) };
}

async function exactConnection(env: Env, req: ConnectionRequest): Promise<ConnectionRow | null> {
  const row = await findConnection(env.DB, req.tenantId, req.connectionId ?? "");
  if (row === null || row.end_user_id !== req.endUserId || row.connector !== req.connector || row.status !== "connected") return null;
  return row;
}

/** A row's config JSON as string settings (anything else stored is ignored). */
export function parseConfig(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  const config: Record<string, string> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return config;
  for (const [name, v] of Object.entries(value)) if (typeof v === "string") config[name] = v;
  return config;
}
