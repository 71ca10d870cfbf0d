// Who may make, see and revoke which end user's connections: the threads' rule
// (runtime/threads/access.ts) — a master key for any end user of its tenant, a standard key
// for its own end user only (naming another is 403), another tenant's ids 404 — except that a
// connection always belongs to an end user, so a master key must name one.
import type { KeyRecord } from "../db/api-keys";
import type { ConnectionRow } from "../db/connections";
import { ApiError, badRequest } from "../errors";
import { scopeFor } from "../threads/access";

const NO_END_USER = "this standard key acts for no end user, so it has no connections; mint the end user's key with end_user_id, or use a master key";

/** The tenant and the one end user a connections request acts for. */
export function connectionScope(key: KeyRecord, requested: string | undefined, param: string): { tenantId: string; endUserId: string } {
  if (key.scope !== "master" && key.end_user_id === null) throw new ApiError("permission", NO_END_USER);
  const scope = scopeFor(key, requested, param);
  if (scope.endUserId === undefined) throw badRequest("end_user_id is required with a master key: a connection belongs to one end user", param);
  return { tenantId: scope.tenantId, endUserId: scope.endUserId };
}

/** Refuses a found connection (of the key's tenant) that belongs to another end user than a standard key's. */
export function assertMayUseConnection(key: KeyRecord, row: Pick<ConnectionRow, "end_user_id">): void {
  if (key.scope === "master") return;
  if (key.end_user_id === null) throw new ApiError("permission", NO_END_USER);
  if (row.end_user_id !== key.end_user_id) throw new ApiError("permission", "this connection belongs to another end user");
}
