// DELETE /v1/connections/:id: the connection becomes revoked, its sealed credential is wiped and
// its connect sessions are deleted, in one batch. Revoked is terminal: nothing reads the row's
// credential again (there is none), and no session can complete it.
import { deleteConnectionSessionsStatement } from "../db/connect-sessions";
import { findConnection, revokeConnectionStatement, type ConnectionRow } from "../db/connections";

/** Revokes the tenant's connection; null when the tenant has no connection by that id. */
export async function revokeConnection(env: Env, tenantId: string, id: string, now: number): Promise<ConnectionRow | null> {
  await env.DB.batch([revokeConnectionStatement(env.DB, tenantId, id, now), deleteConnectionSessionsStatement(env.DB, tenantId, id)]);
  return findConnection(env.DB, tenantId, id);
}
