// A lease's life in the ledger: grown, drawn from in batches, closed or expired. Called by
// ledger.ts inside its store transaction (these functions never open one), over the same
// synchronous LedgerStore, so the rules stay pure and atomic.
//
// Rules besides the refusals every hold obeys (refusal.ts: revoked, cap, funds):
// - one key holds at most its share of the wallet (lease-rules.ts), and a lease's free room
//   is bounded by the key's recent worst cases, so what an isolate can still admit after a
//   revocation or a cap cut is bounded (it hears of either from the key's epoch, carried by
//   every reply here);
// - a draw is charged its actual cost in full: the part within its reservation comes out of
//   the lease's hold, the rest (an overshoot) straight from the balance, recorded with its cause;
// - an expired lease is charged its whole hold. Draws reported for it later are settled
//   against that charge first and charged only beyond it: nothing twice, nothing lost. What
//   the expiry charged beyond the late draws stays charged (the isolate never accounted for it).

import { checkDraw, freeRoomBound, shareLeft, shareRefusal, withRecentDrawn } from "./lease-rules";
import { LedgerInputError, formatUsd } from "./money";
import { refusalFor } from "./refusal";
import { emptyKey, toSettlement } from "./rows";
import type { KeyRow, LeaseRow, LedgerStore, NewLedgerEntry, ReservationRow } from "./store";
import type { LeaseDraw, LeaseGrowResult, LeaseSettleResult, Settlement } from "./types";

export interface GrowArgs {
  id: string;
  keyId: string;
  worst: number;
  room: number;
  want: number;
  now: number;
  deadline: number;
}

/** See `Ledger.leaseGrow`. */
export function growLease(store: LedgerStore, a: GrowArgs): LeaseGrowResult {
  const existing = store.reservation(a.id);
  const known = store.key(a.keyId);
  const key = known ?? emptyKey(a.keyId);
  const epoch = key.epoch;
  const lease = existing === null ? null : store.lease(a.id);
  if (existing !== null && (existing.status !== "open" || existing.key_id !== a.keyId || lease === null)) {
    return { ok: false, type: "lease_closed", message: `lease ${JSON.stringify(a.id)} is closed or is not a lease of key ${a.keyId}`, epoch };
  }
  const held = existing ? existing.amount_micros - (existing.charged_micros ?? 0) : 0;
  // The isolate's unassigned room is part of this lease's hold; never trust more than that.
  const room = Math.min(a.room, held);
  const totals = store.totals();
  const mine = { ...key, reserved_micros: key.reserved_micros - room };
  const refusal =
    refusalFor(mine, { ...totals, reserved_micros: totals.reserved_micros - room }, a.worst) ?? shareRefusal(mine, totals, a.worst);
  if (refusal !== null) return { ...refusal, epoch };
  const need = Math.max(0, a.worst - room);
  const headroom = Math.min(
    totals.balance_micros - totals.reserved_micros,
    key.cap_micros === null ? Number.MAX_SAFE_INTEGER : key.cap_micros - key.spent_micros - key.reserved_micros,
    shareLeft(key, totals),
  );
  // The free room after this request: a top-up reports no room, so the hold minus what was
  // last reported in flight stands in for it (an over-estimate: the grant errs small).
  const free = Math.max(room, held - (lease?.inflight_micros ?? 0));
  const upTo = Math.min(a.want, Math.floor(headroom / 2), freeRoomBound(key, a.now) + a.worst - free);
  // Over-committed (a cap was lowered under the lease): give back all the room this request
  // does not need. Otherwise add what it lacks and up to `want` more, at most half of what is
  // left and no more free room than the key's recent demand.
  const grant = headroom < 0 ? Math.max(headroom, a.worst - room) : Math.max(need, upTo);
  const row: ReservationRow = existing
    ? { ...existing, amount_micros: existing.amount_micros + grant, deadline_at: Math.max(existing.deadline_at, a.deadline) }
    : {
        request_id: a.id,
        key_id: a.keyId,
        amount_micros: grant,
        created_at: a.now,
        deadline_at: a.deadline,
        status: "open",
        actual_micros: null,
        charged_micros: 0,
        overshoot_micros: null,
        entry_id: null,
        balance_after_micros: null,
        settled_at: null,
      };
  store.putReservation(row);
  if (!existing) store.putLease(newLeaseRow(a.id));
  // A never-seen key gets its row even with nothing granted (a free model's lease): its batches charge it.
  if (grant !== 0 || known === null) {
    store.putKey({ ...key, reserved_micros: key.reserved_micros + grant });
    store.setTotals({ ...totals, reserved_micros: totals.reserved_micros + grant });
  }
  return { ok: true, granted_micros: grant, held_micros: row.amount_micros - (row.charged_micros ?? 0), deadline_at: row.deadline_at, epoch };
}

export interface SettleArgs {
  id: string;
  seq: number;
  draws: readonly LeaseDraw[];
  inflight: number;
  close: boolean;
  now: number;
  deadline: number;
}

/** See `Ledger.leaseSettle`. */
export function settleLease(store: LedgerStore, a: SettleArgs): LeaseSettleResult {
  if (!Number.isSafeInteger(a.seq) || a.seq < 1) throw new LedgerInputError(`seq must be a whole number ≥ 1, got ${String(a.seq)}`);
  const row = store.reservation(a.id);
  const lease = store.lease(a.id);
  if (row === null || lease === null) return { ok: false, type: "unknown_lease", message: `no lease ${JSON.stringify(a.id)}`, epoch: 0 };
  const key = keyOf(store, row);
  const epoch = key.epoch;
  if (a.seq <= lease.last_seq) return { ok: true, applied: false, charged_micros: [], overshoot_micros: [], closed: row.status !== "open", epoch };
  if (row.status === "settled") return { ok: false, type: "lease_closed", message: `lease ${JSON.stringify(a.id)} was closed before batch ${a.seq}`, epoch };
  // After an expiry the hold is gone (charged): late draws are settled against that charge.
  const late = row.status === "expired";
  const draws = a.draws.map((d, i) => checkDraw(d, `${a.id}#${a.seq}.${i}`));
  const totals = store.totals();
  let balance = totals.balance_micros;
  let drawn = row.charged_micros ?? 0;
  let expiryLeft = lease.expiry_left_micros;
  const entries: NewLedgerEntry[] = [];
  const charged: number[] = [];
  const overshoot: number[] = [];
  for (const d of draws) {
    const over = Math.max(0, d.actual - d.reserved);
    const fromHold = late ? 0 : Math.min(d.actual, d.reserved, row.amount_micros - drawn);
    const covered = late ? Math.min(d.actual, expiryLeft) : 0;
    const charge = d.actual - covered;
    balance -= charge;
    drawn += fromHold;
    expiryLeft -= covered;
    charged.push(charge);
    overshoot.push(over);
    entries.push({
      type: "charge",
      amount_micros: 0 - charge,
      overshoot_micros: over,
      ref: d.request_id,
      key_id: row.key_id,
      request_id: d.request_id,
      balance_after_micros: balance,
      created_at: a.now,
      note: chargeNote(d.reserved, d.actual, over, d.note, covered),
    });
  }
  const lastEntry = store.appendEntries(entries).at(-1)?.id ?? row.entry_id;
  const spent = totals.balance_micros - balance;
  // Charged money leaves the hold; closing also releases what is left of it.
  const released = late ? 0 : drawn - (row.charged_micros ?? 0) + (a.close ? row.amount_micros - drawn : 0);
  const recent = draws.reduce((n, d) => n + d.reserved, 0);
  store.putKey(withRecentDrawn({ ...key, spent_micros: key.spent_micros + spent, reserved_micros: key.reserved_micros - released }, recent, a.now));
  store.setTotals({
    ...totals,
    balance_micros: balance,
    reserved_micros: totals.reserved_micros - released,
    overshoots: totals.overshoots + overshoot.filter((o) => o > 0).length,
    overshoot_micros: totals.overshoot_micros + overshoot.reduce((n, o) => n + o, 0),
  });
  // A malformed in-flight figure must not fail the batch either: then the whole hold is in flight.
  const inflight = Number.isSafeInteger(a.inflight) && a.inflight >= 0 ? a.inflight : row.amount_micros - drawn;
  store.putLease({ ...lease, last_seq: a.seq, inflight_micros: a.close || late ? 0 : Math.min(inflight, row.amount_micros - drawn), expiry_left_micros: expiryLeft });
  if (!late) {
    store.putReservation(
      a.close
        ? { ...row, status: "settled", actual_micros: drawn, charged_micros: drawn, overshoot_micros: 0, entry_id: lastEntry ?? 0, balance_after_micros: balance, settled_at: a.now }
        : { ...row, charged_micros: drawn, entry_id: lastEntry, deadline_at: Math.max(row.deadline_at, a.deadline) },
    );
  }
  return { ok: true, applied: true, charged_micros: charged, overshoot_micros: overshoot, closed: a.close || late, epoch };
}

/**
 * A lease past its deadline: its isolate stopped reporting (no batch, no heartbeat) for a
 * whole TTL. Its whole hold is charged; draws reported later are settled against this charge
 * (settleLease).
 */
export function expireLease(store: LedgerStore, row: ReservationRow, lease: LeaseRow, now: number): Settlement {
  const key = keyOf(store, row);
  const drawn = row.charged_micros ?? 0;
  const held = row.amount_micros - drawn;
  const totals = store.totals();
  const balanceAfter = totals.balance_micros - held;
  const entry = store.appendEntry({
    type: "expired_charge",
    amount_micros: 0 - held,
    overshoot_micros: 0,
    ref: row.request_id,
    key_id: row.key_id,
    request_id: row.request_id,
    balance_after_micros: balanceAfter,
    created_at: now,
    note:
      `lease expired (its gateway stopped reporting): charged its whole ${formatUsd(held)} hold; ` +
      `charges reported for it later are settled against this one first`,
  });
  store.putKey({ ...key, spent_micros: key.spent_micros + held, reserved_micros: key.reserved_micros - held });
  store.setTotals({ ...totals, balance_micros: balanceAfter, reserved_micros: totals.reserved_micros - held });
  store.putLease({ ...lease, inflight_micros: 0, expiry_left_micros: lease.expiry_left_micros + held });
  const closed: ReservationRow = {
    ...row,
    status: "expired",
    actual_micros: null,
    charged_micros: row.amount_micros,
    overshoot_micros: 0,
    entry_id: entry.id,
    balance_after_micros: balanceAfter,
    settled_at: now,
  };
  store.putReservation(closed);
  return toSettlement(closed);
}

/** A lease before its first batch. */
export function newLeaseRow(id: string): LeaseRow {
  return { lease_id: id, last_seq: 0, inflight_micros: 0, expiry_left_micros: 0 };
}

/** The key row of an open lease (leaseGrow always writes it). */
export function keyOf(store: LedgerStore, row: ReservationRow): KeyRow {
  const key = store.key(row.key_id);
  // Reaching this means the storage was edited by hand.
  if (key === null) throw new Error(`wallet storage is inconsistent: reservation ${row.request_id} names unknown key ${row.key_id}`);
  return key;
}

/** A charge's note: the gateway's own, then why it differs from a plain charge (overshoot, late). */
export function chargeNote(reserved: number, actual: number, over: number, note: string | null, covered = 0): string | null {
  const parts: string[] = [];
  if (note !== null) parts.push(note);
  if (over > 0) {
    parts.push(`overshoot: usage ${formatUsd(actual)} exceeded the ${formatUsd(reserved)} reservation by ${formatUsd(over)}, charged in full`);
  }
  if (covered > 0) parts.push(`${formatUsd(covered)} of it settled against the lease's expiry charge`);
  return parts.length === 0 ? null : parts.join("; ");
}
