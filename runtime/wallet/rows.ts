// Conversions between stored rows and the public, RPC-serialisable shapes.

import type { KeyRow, ReservationRow, TotalsRow } from "./store";
import type { KeyState, Settlement, WalletBalance } from "./types";

/** The state of a key the wallet has never seen: uncapped, nothing spent. */
export function emptyKey(keyId: string): KeyRow {
  return { key_id: keyId, cap_micros: null, spent_micros: 0, reserved_micros: 0, revoked: false, updated_at: 0, epoch: 0, recent_drawn_micros: 0, recent_at: 0 };
}

export function toBalance(totals: TotalsRow): WalletBalance {
  return {
    balance_micros: totals.balance_micros,
    reserved_micros: totals.reserved_micros,
    currency: "usd",
    overshoots: totals.overshoots,
    overshoot_micros: totals.overshoot_micros,
  };
}

export function toKeyState(row: KeyRow): KeyState {
  return {
    key_id: row.key_id,
    cap_micros: row.cap_micros,
    spent_micros: row.spent_micros,
    reserved_micros: row.reserved_micros,
    revoked: row.revoked,
  };
}

export function toSettlement(row: ReservationRow): Settlement {
  const { status, charged_micros, overshoot_micros, entry_id, balance_after_micros, settled_at } = row;
  if (
    status === "open" ||
    charged_micros === null ||
    overshoot_micros === null ||
    entry_id === null ||
    balance_after_micros === null ||
    settled_at === null
  ) {
    throw new Error(`wallet storage is inconsistent: reservation ${row.request_id} is closed without a settlement`);
  }
  return {
    request_id: row.request_id,
    key_id: row.key_id,
    status,
    reserved_micros: row.amount_micros,
    actual_micros: row.actual_micros,
    // The row keeps what came out of the hold and what went above it apart.
    charged_micros: charged_micros + overshoot_micros,
    overshoot_micros,
    released_micros: row.amount_micros - charged_micros,
    entry_id,
    balance_after_micros,
    settled_at,
  };
}
