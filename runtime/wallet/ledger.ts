// The wallet's rules, pure over a synchronous LedgerStore: no clock of its own for
// decisions (reserve/settle/expire take nowMs), no I/O, no Workers APIs — so the same
// code runs in node unit tests and inside the Durable Object.
//
// Protocol: reserve the worst case before forwarding (refuse if the wallet's available
// balance or the key's remaining cap cannot cover it), settle the actual cost after,
// and let expire() settle forgotten reservations at their reserved amount. Every
// mutation runs in one store transaction and is idempotent on its ref / request id.

import { auditLedger } from "./audit";
import {
  LedgerInputError,
  assertId,
  assertMicros,
  assertMillis,
  assertNote,
  assertPositiveMicros,
  formatUsd,
  safeSum,
} from "./money";
import { chargeNote, expireLease, growLease, keyOf, settleLease } from "./ledger-lease";
import { refusalFor } from "./refusal";
import { emptyKey, toBalance, toKeyState, toReservation, toSettlement } from "./rows";
import type { KeyRow, LedgerStore, ReservationRow } from "./store";
import type {
  AuditReport,
  CreditResult,
  DebitResult,
  ExpireResult,
  KeyState,
  LeaseDraw,
  LeaseGrowResult,
  LeaseSettleResult,
  LedgerEntry,
  LedgerPage,
  LedgerPageOptions,
  ReserveResult,
  SettleMeta,
  SettleResult,
  Settlement,
  WalletBalance,
} from "./types";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
/** Bounds one expire() call so an alarm after a long outage cannot stall the object. */
const EXPIRE_BATCH = 200;

export interface LedgerOptions {
  /** Timestamps credits and key changes (decisions never read it). Default `Date.now`. */
  now?: () => number;
}

export class Ledger {
  private readonly store: LedgerStore;
  private readonly now: () => number;

  constructor(store: LedgerStore, options: LedgerOptions = {}) {
    this.store = store;
    this.now = options.now ?? Date.now;
  }

  credit(amountMicros: number, ref: string, note?: string | null): CreditResult {
    const amount = assertPositiveMicros("amountMicros", amountMicros);
    const creditRef = assertId("ref", ref);
    const text = assertNote("note", note);
    return this.store.transaction(() => {
      const existing = this.store.creditByRef(creditRef);
      if (existing !== null) {
        if (existing.amount_micros !== amount) {
          throw new LedgerInputError(
            `ref ${JSON.stringify(creditRef)} was already credited with ${existing.amount_micros} micro-dollars; ` +
              `a retry must repeat the same amount (got ${amount}) or use a new ref`,
          );
        }
        return { applied: false, entry: existing, balance: toBalance(this.store.totals()) };
      }
      return { applied: true, ...this.moveMoney("credit", amount, creditRef, text) };
    });
  }

  /**
   * Sets a key's cap (`null` = uncapped). Takes effect on the next reserve; in-flight
   * reservations keep what they hold. Does not un-revoke a revoked key. A lower cap bumps the
   * key's epoch, so every isolate's lease hears of it at its next reply.
   */
  upsertKey(keyId: string, capMicros: number | null): KeyState {
    const id = assertId("keyId", keyId);
    const cap = capMicros === null ? null : assertMicros("capMicros", capMicros);
    return this.store.transaction(() => {
      const current = this.store.key(id) ?? emptyKey(id);
      const lowered = cap !== null && (current.cap_micros === null || cap < current.cap_micros);
      const row: KeyRow = { ...current, cap_micros: cap, updated_at: this.now(), epoch: current.epoch + (lowered ? 1 : 0) };
      this.store.putKey(row);
      return toKeyState(row);
    });
  }

  /** Permanent: every later reserve for this key is refused; open reservations still settle. */
  revokeKey(keyId: string): KeyState {
    const id = assertId("keyId", keyId);
    return this.store.transaction(() => {
      const current = this.store.key(id) ?? emptyKey(id);
      if (current.revoked) return toKeyState(current);
      const row: KeyRow = { ...current, revoked: true, updated_at: this.now(), epoch: current.epoch + 1 };
      this.store.putKey(row);
      return toKeyState(row);
    });
  }

  reserve(requestId: string, keyId: string, worstCaseMicros: number, nowMs: number, ttlMs: number): ReserveResult {
    const reqId = assertId("requestId", requestId);
    const kId = assertId("keyId", keyId);
    const worst = assertMicros("worstCaseMicros", worstCaseMicros);
    const now = assertMillis("nowMs", nowMs);
    const ttl = assertMillis("ttlMs", ttlMs);
    if (ttl === 0) throw new LedgerInputError("ttlMs must be greater than 0 milliseconds, got 0");
    const deadline = safeSum("nowMs + ttlMs", now, ttl);

    return this.store.transaction((): ReserveResult => {
      const existing = this.store.reservation(reqId);
      if (existing !== null) {
        if (existing.key_id !== kId || existing.amount_micros !== worst) {
          throw new LedgerInputError(
            `request ${JSON.stringify(reqId)} already holds ${existing.amount_micros} micro-dollars for key ` +
              `${JSON.stringify(existing.key_id)}; a retry must repeat the same key and amount or use a new request id`,
          );
        }
        return { ok: true, applied: false, reservation: toReservation(existing) };
      }

      const key = this.store.key(kId) ?? emptyKey(kId);
      const totals = this.store.totals();
      const refusal = refusalFor(key, totals, worst);
      if (refusal !== null) return refusal;

      const row: ReservationRow = {
        request_id: reqId,
        key_id: kId,
        amount_micros: worst,
        created_at: now,
        deadline_at: deadline,
        status: "open",
        actual_micros: null,
        charged_micros: null,
        overshoot_micros: null,
        entry_id: null,
        balance_after_micros: null,
        settled_at: null,
      };
      this.store.putReservation(row);
      this.store.putKey({ ...key, reserved_micros: key.reserved_micros + worst });
      this.store.setTotals({ ...totals, reserved_micros: totals.reserved_micros + worst });
      return { ok: true, applied: true, reservation: toReservation(row) };
    });
  }

  settle(requestId: string, actualMicros: number, nowMs: number, meta?: SettleMeta): SettleResult {
    const reqId = assertId("requestId", requestId);
    const actual = assertMicros("actualMicros", actualMicros);
    const now = assertMillis("nowMs", nowMs);
    const note = assertNote("meta.note", meta?.note);
    return this.store.transaction((): SettleResult => {
      const row = this.store.reservation(reqId);
      if (row === null) {
        return {
          ok: false,
          type: "unknown_reservation",
          request_id: reqId,
          message:
            `no reservation for request ${JSON.stringify(reqId)}; call reserve() before forwarding ` +
            `and settle with the same request id`,
        };
      }
      if (row.status !== "open") return { ok: true, applied: false, settlement: toSettlement(row) };
      if (this.store.lease(reqId) !== null) {
        throw new LedgerInputError(`${JSON.stringify(reqId)} is a lease; settle its draws with leaseSettle()`);
      }
      return { ok: true, applied: true, settlement: this.close(row, actual, now, note) };
    });
  }

  /** Settles every reservation past its deadline at its reserved amount. */
  expire(nowMs: number): ExpireResult {
    const now = assertMillis("nowMs", nowMs);
    return this.store.transaction(() => {
      const expired = this.store.overdue(now, EXPIRE_BATCH).map((row) => {
        const lease = this.store.lease(row.request_id);
        return lease === null ? this.close(row, null, now, null) : expireLease(this.store, row, lease, now);
      });
      return { expired, next_deadline_ms: this.store.nextDeadline() };
    });
  }

  /**
   * Opens or tops up a lease: one hold that a gateway isolate then splits among many requests
   * itself (runtime/gateway/leases.ts), so most requests need no call to this object.
   * `worst` is the request that needs more; `room` what the isolate still has unassigned in
   * this lease. The request is refused as `reserve` would refuse it (revoked, cap, funds —
   * counting the lease's room as available to it) and when it would take the key past its
   * share of the wallet; otherwise the lease grows by what the request lacks and, beyond
   * that, by up to `want`, never by more than half of what is left nor past the free room
   * the key's recent demand justifies (ledger-lease.ts); when the key or the wallet is
   * over-committed (a cap lowered while the lease held room) the grant is negative: the
   * lease shrinks to what this request needs. `worst = 0` re-checks the key. Every reply
   * carries the key's epoch.
   */
  leaseGrow(
    leaseId: string,
    keyId: string,
    worstMicros: number,
    roomMicros: number,
    wantMicros: number,
    nowMs: number,
    ttlMs: number,
  ): LeaseGrowResult {
    const id = assertId("leaseId", leaseId);
    const kId = assertId("keyId", keyId);
    const worst = assertMicros("worstMicros", worstMicros);
    const room = assertMicros("roomMicros", roomMicros);
    const want = assertMicros("wantMicros", wantMicros);
    const now = assertMillis("nowMs", nowMs);
    const deadline = safeSum("nowMs + ttlMs", now, assertMillis("ttlMs", ttlMs));
    return this.store.transaction(() => growLease(this.store, { id, keyId: kId, worst, room, want, now, deadline }));
  }

  /**
   * Charges a batch of a lease's finished requests, each as its own `charge` entry (ref and
   * request id = the request's), at its actual cost in full: the part within its reservation
   * from the lease's hold, any overshoot from the balance, recorded on the entry with its
   * cause. A malformed draw is charged its reservation (quarantined), never failing the
   * batch. Batches are numbered from 1 by the isolate: a batch at or below the last applied
   * number is a retry and changes nothing. A batch for an expired lease is still booked,
   * settled against the expiry's charge first. `inflight` (the worst cases still running)
   * is reported for the record (a heartbeat is a batch without draws: it extends the
   * deadline); `close` releases the rest of the hold.
   */
  leaseSettle(leaseId: string, seq: number, draws: readonly LeaseDraw[], inflightMicros: number, close: boolean, nowMs: number, ttlMs: number): LeaseSettleResult {
    const id = assertId("leaseId", leaseId);
    const now = assertMillis("nowMs", nowMs);
    const deadline = safeSum("nowMs + ttlMs", now, assertMillis("ttlMs", ttlMs));
    return this.store.transaction(() => settleLease(this.store, { id, seq, draws, inflight: inflightMicros, close, now, deadline }));
  }

  balance(): WalletBalance {
    return toBalance(this.store.totals());
  }

  keyState(keyId: string): KeyState {
    const id = assertId("keyId", keyId);
    return toKeyState(this.store.key(id) ?? emptyKey(id));
  }

  ledger(options: LedgerPageOptions = {}): LedgerPage {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new LedgerInputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${String(limit)}`);
    }
    const after = options.after ?? 0;
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new LedgerInputError(`after must be a ledger entry id (a non-negative whole number), got ${String(after)}`);
    }
    // One extra row tells us whether another page exists without a COUNT.
    const rows = this.store.entries(after, limit + 1);
    const data = rows.slice(0, limit);
    return { data, has_more: rows.length > limit, next_after: data.at(-1)?.id ?? null };
  }

  /** Recomputes the totals from the rows and reports any disagreement. */
  audit(): AuditReport {
    return auditLedger(this.store);
  }

  /**
   * Closes an open reservation: `actual === null` means expiry (charge the full hold).
   * Usage above the hold is charged in full too — from the balance, past the key's cap if it
   * must be — and recorded as an overshoot on the entry: work done is never waived.
   */
  private close(row: ReservationRow, actual: number | null, now: number, note: string | null): Settlement {
    const expired = actual === null;
    const fromHold = actual === null ? row.amount_micros : Math.min(actual, row.amount_micros);
    const over = actual === null ? 0 : actual - fromHold;
    const charged = fromHold + over;
    const key = keyOf(this.store, row);
    const totals = this.store.totals();
    const balanceAfter = totals.balance_micros - charged;
    const entry = this.store.appendEntry({
      type: expired ? "expired_charge" : "charge",
      amount_micros: 0 - charged, // `0 - x`, not `-x`: a zero charge must be +0, not -0
      overshoot_micros: over,
      ref: row.request_id,
      key_id: row.key_id,
      request_id: row.request_id,
      balance_after_micros: balanceAfter,
      created_at: now,
      note: chargeNote(row.amount_micros, actual, over, note),
    });
    this.store.putKey({
      ...key,
      spent_micros: key.spent_micros + charged,
      reserved_micros: key.reserved_micros - row.amount_micros,
    });
    this.store.setTotals({
      ...totals,
      balance_micros: balanceAfter,
      reserved_micros: totals.reserved_micros - row.amount_micros,
      overshoots: totals.overshoots + (over > 0 ? 1 : 0),
      overshoot_micros: totals.overshoot_micros + over,
    });
    const closed: ReservationRow = {
      ...row,
      status: expired ? "expired" : "settled",
      actual_micros: actual,
      charged_micros: fromHold,
      overshoot_micros: over,
      entry_id: entry.id,
      balance_after_micros: balanceAfter,
      settled_at: now,
    };
    this.store.putReservation(closed);
    return toSettlement(closed);
  }

  /**
   * Takes back money that has already left (a refunded or disputed top-up): applied whatever
   * the balance, which may go below zero (the next credit pays the debt first) and whatever is
   * reserved. Idempotent on `ref` like `credit`; a ref debited before with another amount is
   * returned as `ref_conflict`, not thrown: two refund events of one charge may race to it.
   */
  debit(amountMicros: number, ref: string, note?: string | null): DebitResult {
    const amount = assertPositiveMicros("amountMicros", amountMicros);
    const debitRef = assertId("ref", ref);
    const text = assertNote("note", note);
    return this.store.transaction((): DebitResult => {
      const existing = this.store.debitByRef(debitRef);
      if (existing !== null && existing.amount_micros !== 0 - amount) {
        const message = `ref ${JSON.stringify(debitRef)} was already debited ${0 - existing.amount_micros} micro-dollars, not ${amount}`;
        return { ok: false, type: "ref_conflict", message, entry: existing };
      }
      if (existing !== null) return { ok: true, applied: false, entry: existing, balance: toBalance(this.store.totals()) };
      return { ok: true, applied: true, ...this.moveMoney("debit", 0 - amount, debitRef, text) };
    });
  }

  /** Books money in or out of the wallet (not a request's charge): one entry, the new balance. Inside a transaction. */
  private moveMoney(type: "credit" | "debit", signedMicros: number, ref: string, note: string | null): { entry: LedgerEntry; balance: WalletBalance } {
    const totals = this.store.totals();
    const balanceAfter = safeSum("the wallet balance", totals.balance_micros, signedMicros);
    const entry = this.store.appendEntry({
      type,
      amount_micros: signedMicros,
      overshoot_micros: 0,
      ref,
      key_id: null,
      request_id: null,
      balance_after_micros: balanceAfter,
      created_at: this.now(),
      note,
    });
    const next = { ...totals, balance_micros: balanceAfter };
    this.store.setTotals(next);
    return { entry, balance: toBalance(next) };
  }
}
