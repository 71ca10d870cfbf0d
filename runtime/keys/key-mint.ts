// The one way a key comes to be: a secret, and the row that describes it (only the secret's
// hash is kept). Minting a key (POST /v1/keys) and creating a tenant's master key (the admin
// route, npm start, the workers tests' seed) all go through keyRowFor.
import { hashSecret, newId, newSecret, secretPrefix, type KeyMode } from "../auth/key-material";
import type { KeyRow } from "../db/api-keys";

/** What the caller chooses about a new key. */
export interface NewKey {
  name: string;
  scope: "master" | "standard";
  end_user_id: string | null;
  max_spend_micros: number | null;
}

/** Live keys in production, test keys everywhere else, so a test key can never spend real money. */
export function keyModeFor(environment: string | undefined): KeyMode {
  return environment === "production" ? "live" : "test";
}

/** The row of a key with this secret (a new id unless one is given). */
export function keyRowFor(secret: string, key: NewKey, nowMs: number, id: string = newId("key")): KeyRow {
  return {
    ...key,
    id,
    hash: hashSecret(secret),
    prefix: secretPrefix(secret),
    created_at: nowMs,
    last_used_at: null,
    revoked_at: null,
  };
}

/** A new secret and its row; the secret is shown once and never stored. */
export function mintKey(mode: KeyMode, key: NewKey, nowMs: number): { row: KeyRow; secret: string } {
  const secret = newSecret(mode);
  return { row: keyRowFor(secret, key, nowMs), secret };
}

/** A tenant's master key: no end user, no cap (it administers the tenant). */
export function masterKey(name = "master"): NewKey {
  return { name, scope: "master", end_user_id: null, max_spend_micros: null };
}
