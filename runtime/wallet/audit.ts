// Recomputes the wallet from its rows and compares with the running totals the ledger
// maintains. A non-empty report means a bug (or hand-edited storage), never a user
// error. Cap overshoot is not checked here: lowering a cap below what a key already
// spent is allowed, so "spent + reserved <= cap" is not a storage invariant.

import type { LedgerStore } from "./store";
import type { AuditReport } from "./types";

export function auditLedger(store: LedgerStore): AuditReport {
  const problems: string[] = [];
  const totals = store.totals();
  const sums = store.sums();

  // The balance itself may go below zero, or below what is held: an overshoot is charged in
  // full whatever is left (a debt the next top-up pays). Holds alone never overdraw it.
  if (totals.reserved_micros < 0) problems.push(`reserved total is negative: ${totals.reserved_micros}`);
  if (sums.entries_total_micros !== totals.balance_micros) {
    problems.push(`ledger entries sum to ${sums.entries_total_micros} but the balance is ${totals.balance_micros}`);
  }
  if (sums.open_reserved_total_micros !== totals.reserved_micros) {
    problems.push(
      `open reservations sum to ${sums.open_reserved_total_micros} but the reserved total is ${totals.reserved_micros}`,
    );
  }

  const known = new Set<string>();
  for (const key of store.keys()) {
    known.add(key.key_id);
    const open = sums.open_reserved_by_key.get(key.key_id) ?? 0;
    const charged = sums.charged_by_key.get(key.key_id) ?? 0;
    if (key.reserved_micros !== open) {
      problems.push(`key ${key.key_id}: reserved is ${key.reserved_micros} but its open reservations sum to ${open}`);
    }
    if (key.spent_micros !== charged) {
      problems.push(`key ${key.key_id}: spent is ${key.spent_micros} but its ledger charges sum to ${charged}`);
    }
  }
  for (const keyId of [...sums.open_reserved_by_key.keys(), ...sums.charged_by_key.keys()]) {
    if (!known.has(keyId)) problems.push(`key ${keyId} has reservations or charges but no key row`);
  }

  return { ok: problems.length === 0, problems };
}
