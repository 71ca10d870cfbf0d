// What a key may see of its tenant. A master key administers the tenant; a standard key (an
// end user's) sees only itself, and what it reads must not disturb the tenant's other keys.
import type { KeyRecord } from "../db/api-keys";
import { ApiError } from "../errors";

/**
 * A standard key may read only its own usage. Checked before any lookup, so a standard key
 * learns nothing about other ids (not even whether they exist).
 */
export function checkMayReadKeyUsage(caller: KeyRecord, keyId: string): void {
  if (caller.scope !== "master" && keyId !== caller.id) {
    throw new ApiError("permission", "a standard key may read only its own usage; use a master key for other keys");
  }
}

/**
 * Whose queued charges a read settles first: a master key's read settles the tenant's, a
 * standard key's only its own (its reads must not flush, close or delay the other leases).
 */
export type SettleScope = { kind: "tenant" } | { kind: "key"; keyId: string };

export function settleScopeFor(caller: KeyRecord): SettleScope {
  switch (caller.scope) {
    case "master":
      return { kind: "tenant" };
    case "standard":
      return { kind: "key", keyId: caller.id };
    default: {
      const never: never = caller.scope;
      throw new Error(`unknown key scope ${String(never)}`);
    }
  }
}

/** Keys minted through POST /v1/keys are standard unless asked otherwise. */
export const DEFAULT_SCOPE = "standard" as const;
