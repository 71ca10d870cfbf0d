// The wallet's rules, pure over a synchronous LedgerStore: no clock of its own for
// decisions (leaseGrow/leaseSettle/expire take nowMs), no I/O, no Workers APIs — so the same
// code runs in node unit tests and inside the Durable Object.
//
// One protocol, leases (ledger-lease.ts): a gateway isolate holds one per key, grown before a
// request is forwarded when its room cannot cover the request's worst case (refused when the
// key's cap, the wallet or the key's share cannot), and charges its requests' actual costs in
// numbered batches; expire() charges a lease whose isolate stopped reporting its whole hold.
// A single hold is a lease of one draw. Every mutation runs in one store transaction and is
// idempotent on its ref / batch number.

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
import { expireLease, growLease, newLeaseRow, settleLease } from "./ledger-lease";
import { emptyKey, toBalance, toKeyState } from "./rows";
import type { KeyRow, LedgerStore } from "./store";
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
   * Sets a key's cap (`null` = uncapped). Takes effect on the next leaseGrow; leases keep what
   * they hold until then (a grow then shrinks an over-committed one). Does not un-revoke a revoked key. A lower cap bumps the
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

  /** Permanent: every later leaseGrow for this key is refused; its leases' batches still settle. */
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

  /** Charges every lease past its deadline its whole hold (its isolate stopped reporting). */
  expire(nowMs: number): ExpireResult {
    const now = assertMillis("nowMs", nowMs);
    return this.store.transaction(() => {
      // Every open hold is a lease (sql-store.ts migrates older objects' plain reservations).
      const expired = this.store.overdue(now, EXPIRE_BATCH).map((row) => expireLease(this.store, row, this.store.lease(row.request_id) ?? newLeaseRow(row.request_id), now));
      return { expired, next_deadline_ms: this.store.nextDeadline() };
    });
  }

  /**
   * Opens or tops up a lease: one hold that a gateway isolate then splits among many requests
   * itself (runtime/gateway/leases.ts), so most requests need no call to this object.
   * `worst` is the request that needs more; `room` what the isolate still has unassigned in
   * this lease. The request is refused when the key is revoked or its cap or the wallet cannot
   * cover it (counting the lease's room as available to it), and when it would take the key
   * past its share of the wallet; otherwise the lease grows by what the request lacks and, beyond
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
    const order = options.order ?? "asc";
    if (order !== "asc" && order !== "desc") throw new LedgerInputError(`order must be asc or desc, got ${String(order)}`);
    const cursor = order === "asc" ? options.after : options.before;
    const wrong = order === "asc" ? options.before : options.after;
    if (wrong !== undefined) {
      throw new LedgerInputError(order === "asc" ? "before reads newest to oldest: pass it with order=desc (or page with after)" : "after reads oldest to newest: with order=desc page with before");
    }
    if (cursor !== undefined && (!Number.isSafeInteger(cursor) || cursor < 0)) {
      throw new LedgerInputError(`${order === "asc" ? "after" : "before"} must be a ledger entry id (a non-negative whole number), got ${String(cursor)}`);
    }
    // One extra row tells us whether another page exists without a COUNT.
    const rows = order === "asc" ? this.store.entries(cursor ?? 0, limit + 1) : this.store.entriesBefore(cursor ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const data = rows.slice(0, limit);
    const ids = data.map((e) => e.id);
    return { data, has_more: rows.length > limit, next_after: ids.length ? Math.max(...ids) : null, next_before: ids.length ? Math.min(...ids) : null };
  }

  /** Recomputes the totals from the rows and reports any disagreement. */
  audit(): AuditReport {
    return auditLedger(this.store);
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
