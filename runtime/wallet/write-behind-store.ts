// A LedgerStore layer that can hold a reservation's writes in memory for a moment, so the
// Wallet answers `reserve` before the storage commit instead of after it (a Durable Object
// holds every reply until the writes before it are durable). The money decision is still
// made against the full state — pending writes included — inside one synchronous call, so it
// stays atomic; what changes is only when the hold reaches disk: at the next operation of
// any other kind (settle, credit, reads …), or on the next tick, whichever comes first.
// The trade: a crash in that window forgets holds that were already granted (their requests
// then settle against an unknown reservation and are not charged); nothing is ever overdrawn.
// It also keeps read-through copies of the totals and key rows, which only this object writes.
import type { KeyRow, LeaseRow, LedgerStore, LedgerSums, NewLedgerEntry, ReservationRow, TotalsRow } from "./store";
import type { LedgerEntry } from "./types";

interface Pending {
  totals: TotalsRow | undefined;
  keys: Map<string, KeyRow>;
  reservations: Map<string, ReservationRow>;
}

export class WriteBehindStore implements LedgerStore {
  private pending: Pending = { totals: undefined, keys: new Map(), reservations: new Map() };
  private deferring = false;
  /** Read-through copies of the small hot rows (this object is their only writer). */
  private cachedTotals: TotalsRow | undefined;
  private readonly cachedKeys = new Map<string, KeyRow | null>();

  constructor(private readonly inner: LedgerStore) {}

  /** Runs `fn` (one ledger operation) with its writes kept in memory until `flush()`. */
  deferWrites<T>(fn: () => T): T {
    this.deferring = true;
    try {
      return fn();
    } finally {
      this.deferring = false;
    }
  }

  /** True when writes are waiting for `flush()`. */
  get dirty(): boolean {
    return this.pending.totals !== undefined || this.pending.keys.size > 0 || this.pending.reservations.size > 0;
  }

  /** Writes everything pending in one transaction. */
  flush(): void {
    if (!this.dirty) return;
    const p = this.pending;
    this.guarded(() =>
      this.inner.transaction(() => {
        if (p.totals) this.inner.setTotals(p.totals);
        for (const k of p.keys.values()) this.inner.putKey(k);
        for (const r of p.reservations.values()) this.inner.putReservation(r);
      }),
    );
    if (p.totals) this.cachedTotals = p.totals;
    for (const k of p.keys.values()) this.cachedKeys.set(k.key_id, k);
    this.pending = { totals: undefined, keys: new Map(), reservations: new Map() };
  }

  transaction<T>(fn: () => T): T {
    if (!this.deferring) {
      this.flush();
      return this.guarded(() => this.inner.transaction(fn));
    }
    // Deferred: all-or-nothing over the in-memory writes.
    const saved: Pending = { totals: this.pending.totals, keys: new Map(this.pending.keys), reservations: new Map(this.pending.reservations) };
    try {
      return fn();
    } catch (e) {
      this.pending = saved;
      throw e;
    }
  }

  totals(): TotalsRow {
    return this.pending.totals ?? (this.cachedTotals ??= this.inner.totals());
  }
  setTotals(row: TotalsRow): void {
    if (this.deferring) this.pending.totals = row;
    else {
      this.direct().setTotals(row);
      this.cachedTotals = row;
    }
  }

  key(keyId: string): KeyRow | null {
    const pending = this.pending.keys.get(keyId);
    if (pending) return pending;
    const cached = this.cachedKeys.get(keyId);
    if (cached !== undefined) return cached;
    const row = this.inner.key(keyId);
    this.cachedKeys.set(keyId, row);
    return row;
  }
  putKey(row: KeyRow): void {
    if (this.deferring) this.pending.keys.set(row.key_id, row);
    else {
      this.direct().putKey(row);
      this.cachedKeys.set(row.key_id, row);
    }
  }
  keys(): KeyRow[] {
    return this.direct().keys();
  }

  reservation(requestId: string): ReservationRow | null {
    return this.pending.reservations.get(requestId) ?? this.inner.reservation(requestId);
  }
  putReservation(row: ReservationRow): void {
    if (this.deferring) this.pending.reservations.set(row.request_id, row);
    else this.direct().putReservation(row);
  }
  overdue(nowMs: number, limit: number): ReservationRow[] {
    return this.direct().overdue(nowMs, limit);
  }
  nextDeadline(): number | null {
    return this.direct().nextDeadline();
  }

  lease(leaseId: string): LeaseRow | null {
    return this.direct().lease(leaseId);
  }
  putLease(row: LeaseRow): void {
    this.direct().putLease(row);
  }

  creditByRef(ref: string): LedgerEntry | null {
    return this.direct().creditByRef(ref);
  }
  debitByRef(ref: string): LedgerEntry | null {
    return this.direct().debitByRef(ref);
  }
  appendEntry(entry: NewLedgerEntry): LedgerEntry {
    return this.direct().appendEntry(entry);
  }
  appendEntries(entries: readonly NewLedgerEntry[]): LedgerEntry[] {
    return this.direct().appendEntries(entries);
  }
  entries(after: number, limit: number): LedgerEntry[] {
    return this.direct().entries(after, limit);
  }
  sums(): LedgerSums {
    return this.direct().sums();
  }

  /** Runs a write on the inner store; if it fails, the cached rows may be ahead of it: drop them. */
  private guarded<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      this.cachedTotals = undefined;
      this.cachedKeys.clear();
      throw e;
    }
  }

  /** The inner store, after pending writes reached it: for every read and write not deferred. */
  private direct(): LedgerStore {
    if (this.deferring) throw new Error("only a reservation's own writes can be deferred");
    this.flush();
    return this.inner;
  }
}
