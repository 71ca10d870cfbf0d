// Whether a lease may grow for a request. Order matters for the message the caller sees:
// a revoked key is final, a key's own cap is the end user's limit, the wallet is the tenant's.

import { formatUsd } from "./money";
import type { KeyRow, TotalsRow } from "./store";
import type { RefusalType, ReserveRefusal } from "./types";

export function refusalFor(key: KeyRow, totals: TotalsRow, worst: number): ReserveRefusal | null {
  if (key.revoked) {
    return refuse("key_revoked", `key ${key.key_id} has been revoked; create a new key for this end user`, worst, 0);
  }
  if (key.cap_micros !== null) {
    const committed = key.spent_micros + key.reserved_micros;
    const remaining = Math.max(0, key.cap_micros - committed);
    if (remaining < worst) {
      return refuse(
        "cap_exceeded",
        `key ${key.key_id} has ${formatUsd(remaining)} left of its ${formatUsd(key.cap_micros)} spending cap ` +
          `(${formatUsd(key.spent_micros)} spent, ${formatUsd(key.reserved_micros)} held for in-flight requests) ` +
          `but this request may cost up to ${formatUsd(worst)}; raise the key's max_spend_usd or lower max_tokens`,
        worst,
        remaining,
      );
    }
  }
  const available = Math.max(0, totals.balance_micros - totals.reserved_micros);
  if (available < worst) {
    return refuse(
      "insufficient_funds",
      `the wallet has ${formatUsd(available)} available (${formatUsd(totals.balance_micros)} balance, ` +
        `${formatUsd(totals.reserved_micros)} held for in-flight requests) but this request may cost up to ` +
        `${formatUsd(worst)}; top up the wallet or lower max_tokens`,
      worst,
      available,
    );
  }
  return null;
}

function refuse(type: RefusalType, message: string, needed: number, available: number): ReserveRefusal {
  return { ok: false, type, message, needed_micros: needed, available_micros: available };
}

