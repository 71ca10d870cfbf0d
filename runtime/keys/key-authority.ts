// The Wallet is the authority for a key's cap and revocation: it enforces them, and every
// edit writes it first. D1 holds a copy for listing and for authentication, written after
// the Wallet; where the two disagree (an edit that failed between the writes) the Wallet's
// state wins, and the copy is rewritten by whoever notices: a retried edit, the next
// edit of the key, or the next time authentication reads the key from D1.
import type { KeyState } from "../wallet/types";
import type { KeyCopy } from "../db/api-keys";

/** The key as it really is, and whether the D1 copy must be rewritten to say so. */
export interface ReconciledKey extends KeyCopy {
  stale: boolean;
}

export function reconcile(copy: KeyCopy, wallet: Pick<KeyState, "cap_micros" | "revoked">): ReconciledKey {
  // A revocation recorded on either side stands: it is never undone.
  const revoked = wallet.revoked || copy.revoked;
  return {
    max_spend_micros: wallet.cap_micros,
    revoked,
    stale: copy.max_spend_micros !== wallet.cap_micros || copy.revoked !== revoked,
  };
}

/** How often an edit tries its D1 copy before answering that it must be retried. */
export const COPY_ATTEMPTS = 3;

/**
 * Runs the D1 copy write up to COPY_ATTEMPTS times (D1 errors are often transient); throws
 * the last error when every attempt failed.
 */
export async function withRetries(write: () => Promise<void>, attempts = COPY_ATTEMPTS): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await write();
    } catch (e) {
      last = e;
    }
  }
  throw last;
}
