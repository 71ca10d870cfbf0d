// Who may read and write which end user's threads, messages and search entries — one rule for
// the threads, turn and search routes (API-CONTRACT "Auth"):
// - a master key acts for the whole tenant: any end user's data, or tenant-level threads;
// - a standard key acts for its own end user only: naming another is 403, and another end
//   user's thread is 403; a standard key minted without an end user has no threads (403);
// - another tenant's ids are 404 (every query takes the tenant, so they are simply not found).
import type { KeyRecord } from "../db/api-keys";
import { ApiError } from "../errors";

/** What a request may see: the tenant, and the end user it is narrowed to (undefined: every end user, master only). */
export interface Scope {
  tenantId: string;
  endUserId: string | undefined;
}

const NO_END_USER =
  "this standard key acts for no end user, so it has no threads or search; mint the end user's key with end_user_id, or use a master key";

/**
 * The scope of a read or write that may name an end user (`?end_user_id=`, a body's
 * `end_user_id`): a master key gets what it names (or the whole tenant); a standard key
 * always gets its own end user, and naming another is a 403.
 */
export function scopeFor(key: KeyRecord, requested: string | undefined, param = "end_user_id"): Scope {
  if (key.scope === "master") return { tenantId: key.tenant_id, endUserId: requested };
  if (key.end_user_id === null) throw new ApiError("permission", NO_END_USER);
  if (requested !== undefined && requested !== key.end_user_id) {
    throw new ApiError("permission", `this key acts for end user ${JSON.stringify(key.end_user_id)}; it cannot use ${JSON.stringify(requested)}'s data`, { param });
  }
  return { tenantId: key.tenant_id, endUserId: key.end_user_id };
}

/** Refuses a found thread (of the key's tenant) that belongs to another end user than a standard key's. */
export function assertMayUseThread(key: KeyRecord, thread: { end_user_id: string | null }): void {
  if (key.scope === "master") return;
  if (key.end_user_id === null) throw new ApiError("permission", NO_END_USER);
  if (thread.end_user_id !== key.end_user_id) throw new ApiError("permission", "this thread belongs to another end user");
}
