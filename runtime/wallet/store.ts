// The storage the ledger runs over. Synchronous on purpose: Durable Object SQLite
// (`ctx.storage.sql.exec`) is synchronous, and a ledger operation that never awaits
// cannot interleave with another request inside the single-threaded object — that is
// what makes leaseGrow's check-then-hold atomic under concurrency.
//
// The store is dumb row storage; every rule (limits, idempotency, arithmetic) lives in
// ledger.ts so the SQL and in-memory stores cannot disagree about money.

import type { LedgerEntry, ReservationStatus } from "./types";

export interface TotalsRow {
  /** Negative only after overshoots (charged in full) outran the balance: a debt the next credit pays. */
  balance_micros: number;
  reserved_micros: number;
  /** Charges above their reservation: how many, and the sum above. */
  overshoots: number;
  overshoot_micros: number;
}

export interface KeyRow {
  key_id: string;
  cap_micros: number | null;
  spent_micros: number;
  reserved_micros: number;
  revoked: boolean;
  updated_at: number;
  /** Bumped by a revocation and by a cap decrease; every lease reply carries it. */
  epoch: number;
  /** Worst cases the key's requests set aside lately (decaying, see lease-rules.ts): bounds a lease's free room. */
  recent_drawn_micros: number;
  /** When `recent_drawn_micros` was last updated, epoch ms. */
  recent_at: number;
}

/**
 * A lease's hold (`request_id` = the lease id; the name predates leases) plus, once closed, how
 * it was closed. Every row is a lease: see LeaseRow.
 */
export interface ReservationRow {
  request_id: string;
  key_id: string;
  amount_micros: number;
  created_at: number;
  deadline_at: number;
  status: ReservationStatus;
  actual_micros: number | null;
  /** Drawn from the hold so far (≤ amount_micros); null only in rows an older version wrote. */
  charged_micros: number | null;
  /** 0 once closed: a lease's overshoots are on its draws' ledger entries. */
  overshoot_micros: number | null;
  entry_id: number | null;
  balance_after_micros: number | null;
  settled_at: number | null;
}

/**
 * A lease's batch state beside its hold row (see ledger.ts `leaseGrow`): a hold a gateway
 * isolate draws many requests' charges from. While open, the hold's `charged_micros` is what
 * has been drawn so far, so its live hold is `amount_micros - charged_micros`.
 */
export interface LeaseRow {
  lease_id: string;
  /** The last applied settle batch: a repeated batch is recognised and skipped. */
  last_seq: number;
  /** Worst cases of the lease's requests in flight at the last batch or heartbeat. */
  inflight_micros: number;
  /**
   * After an expiry: what the expiry charged (the whole hold) that draws reported late have
   * not yet been settled against. A late draw uses this first and is charged only beyond it.
   */
  expiry_left_micros: number;
}

export type NewLedgerEntry = Omit<LedgerEntry, "id">;

/** Aggregates recomputed from the rows, for `audit()` to compare with the running totals. */
export interface LedgerSums {
  entries_total_micros: number;
  open_reserved_total_micros: number;
  open_reserved_by_key: ReadonlyMap<string, number>;
  /** Positive: what each key has been charged according to the ledger entries. */
  charged_by_key: ReadonlyMap<string, number>;
}

export interface LedgerStore {
  /** Runs `fn` atomically: if it throws, none of its writes persist. Never nested. */
  transaction<T>(fn: () => T): T;

  totals(): TotalsRow;
  setTotals(row: TotalsRow): void;

  key(keyId: string): KeyRow | null;
  putKey(row: KeyRow): void;
  keys(): KeyRow[];

  reservation(requestId: string): ReservationRow | null;
  /** Insert or replace by `request_id`. */
  putReservation(row: ReservationRow): void;
  /** Open leases' holds with `deadline_at <= nowMs`, earliest deadline first. */
  overdue(nowMs: number, limit: number): ReservationRow[];
  /** Earliest `deadline_at` among open leases. */
  nextDeadline(): number | null;

  lease(leaseId: string): LeaseRow | null;
  putLease(row: LeaseRow): void;

  /** The credit entry with this ref, if any. */
  creditByRef(ref: string): LedgerEntry | null;
  /** The debit entry with this ref, if any. */
  debitByRef(ref: string): LedgerEntry | null;
  /** Appends and returns the entry with its newly assigned, strictly increasing id. */
  appendEntry(entry: NewLedgerEntry): LedgerEntry;
  /** Appends several in order (their ids ascend in that order) and returns them with their ids. */
  appendEntries(entries: readonly NewLedgerEntry[]): LedgerEntry[];
  /** Entries with `id > after`, ascending, at most `limit`. */
  entries(after: number, limit: number): LedgerEntry[];
  /** Entries with `id < before`, descending, at most `limit`. */
  entriesBefore(before: number, limit: number): LedgerEntry[];

  sums(): LedgerSums;
}
