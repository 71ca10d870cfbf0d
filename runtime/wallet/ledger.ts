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
import { refusalFor } from "./refusal";
import { emptyKey, toBalance, toKeyState, toReservation, toSettlement } from "./rows";
import type { KeyRow, LedgerStore, ReservationRow } from "./store";
import type {
  AuditReport,
  CreditResult,
  ExpireResult,
  KeyState,
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
      const totals = this.store.totals();
      const balanceAfter = safeSum("the wallet balance", totals.balance_micros, amount);
      const entry = this.store.appendEntry({
        type: "credit",
        amount_micros: amount,
        waived_micros: 0,
        ref: creditRef,
        key_id: null,
        request_id: null,
        balance_after_micros: balanceAfter,
        created_at: this.now(),
        note: text,
      });
      const next = { ...totals, balance_micros: balanceAfter };
      this.store.setTotals(next);
      return { applied: true, entry, balance: toBalance(next) };
    });
  }

  /**
   * Sets a key's cap (`null` = uncapped). Takes effect on the next reserve; in-flight
   * reservations keep what they hold. Does not un-revoke a revoked key.
   */
  upsertKey(keyId: string, capMicros: number | null): KeyState {
    const id = assertId("keyId", keyId);
    const cap = capMicros === null ? null : assertMicros("capMicros", capMicros);
    return this.store.transaction(() => {
      const row: KeyRow = { ...(this.store.key(id) ?? emptyKey(id)), cap_micros: cap, updated_at: this.now() };
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
      const row: KeyRow = { ...current, revoked: true, updated_at: this.now() };
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
        waived_micros: null,
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
      return { ok: true, applied: true, settlement: this.close(row, actual, now, note) };
    });
  }

  /** Settles every reservation past its deadline at its reserved amount. */
  expire(nowMs: number): ExpireResult {
    const now = assertMillis("nowMs", nowMs);
    return this.store.transaction(() => {
      const expired = this.store.overdue(now, EXPIRE_BATCH).map((row) => this.close(row, null, now, null));
      return { expired, next_deadline_ms: this.store.nextDeadline() };
    });
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
   * Never charges more than was reserved, so neither the balance nor a cap can overshoot;
   * usage above the hold is recorded as waived on the entry instead.
   */
  private close(row: ReservationRow, actual: number | null, now: number, note: string | null): Settlement {
    const expired = actual === null;
    const charged = actual === null ? row.amount_micros : Math.min(actual, row.amount_micros);
    const waived = actual === null ? 0 : actual - charged;
    const key = this.store.key(row.key_id);
    if (key === null) {
      // reserve() always writes the key row; reaching this means the storage was edited by hand.
      throw new Error(`wallet storage is inconsistent: reservation ${row.request_id} names unknown key ${row.key_id}`);
    }
    const totals = this.store.totals();
    const balanceAfter = totals.balance_micros - charged;
    const entry = this.store.appendEntry({
      type: expired ? "expired_charge" : "charge",
      amount_micros: 0 - charged, // `0 - x`, not `-x`: a zero charge must be +0, not -0
      waived_micros: waived,
      ref: row.request_id,
      key_id: row.key_id,
      request_id: row.request_id,
      balance_after_micros: balanceAfter,
      created_at: now,
      note: chargeNote(row, actual, waived, note),
    });
    this.store.putKey({
      ...key,
      spent_micros: key.spent_micros + charged,
      reserved_micros: key.reserved_micros - row.amount_micros,
    });
    this.store.setTotals({
      balance_micros: balanceAfter,
      reserved_micros: totals.reserved_micros - row.amount_micros,
    });
    const closed: ReservationRow = {
      ...row,
      status: expired ? "expired" : "settled",
      actual_micros: actual,
      charged_micros: charged,
      waived_micros: waived,
      entry_id: entry.id,
      balance_after_micros: balanceAfter,
      settled_at: now,
    };
    this.store.putReservation(closed);
    return toSettlement(closed);
  }
}

function chargeNote(row: ReservationRow, actual: number | null, waived: number, note: string | null): string | null {
  const parts: string[] = [];
  if (note !== null) parts.push(note);
  if (actual === null) {
    parts.push(`expired: no settle by the deadline, charged the full ${formatUsd(row.amount_micros)} reservation`);
  } else if (waived > 0) {
    parts.push(`usage ${formatUsd(actual)} exceeded the ${formatUsd(row.amount_micros)} reservation; ${formatUsd(waived)} waived`);
  }
  return parts.length === 0 ? null : parts.join("; ");
}
