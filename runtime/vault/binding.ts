// What a sealed record belongs to. The tuple is the record's AES-GCM additional data, so a
// record copied to another row, tenant, end user or connector fails to open.
import { utf8 } from "./encoding";

/** The row a record is sealed for; every field is part of the additional data. */
export interface VaultBinding {
  tenantId: string;
  endUserId: string;
  /** The connector's manifest id, e.g. `github`. */
  connectorId: string;
  /** The connection's id (one end user may hold several connections of one connector). */
  connectionId: string;
}

/**
 * The additional data: a JSON array, so field boundaries are unambiguous (`"a|b"+"c"` and
 * `"a"+"b|c"` cannot collide, as they would if joined by a separator). The format version and key
 * id are bound too, so neither can be swapped on a stored record.
 */
export function additionalData(version: string, keyId: string, binding: VaultBinding): Uint8Array<ArrayBuffer> {
  for (const field of ["tenantId", "endUserId", "connectorId", "connectionId"] as const) {
    const value: unknown = binding[field];
    // A caller bug, not user input: sealing for "" would let rows with a missing id share records.
    if (typeof value !== "string" || value === "") throw new TypeError(`vault binding.${field} must be a non-empty string`);
  }
  return utf8(JSON.stringify(["gatehouse-vault", version, keyId, binding.tenantId, binding.endUserId, binding.connectorId, binding.connectionId]));
}
