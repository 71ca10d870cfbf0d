// Whose tools a key may search and run — the threads rule (runtime/threads/access.ts) with
// tools' wording: a master key acts for the end user it names (or none), a standard key for its
// own end user only (naming another is 403), and a standard key minted without one for nobody.
import type { KeyRecord } from "../db/api-keys";
import { ApiError } from "../errors";
import { scopeFor, type Scope } from "../threads/access";

export function toolScope(key: KeyRecord, requested: string | undefined, param = "body.end_user_id"): Scope {
  if (key.scope !== "master" && key.end_user_id === null) {
    throw new ApiError("permission", "this standard key acts for no end user, so it cannot search or run tools; mint the end user's key with end_user_id, or use a master key");
  }
  return scopeFor(key, requested, param);
}
