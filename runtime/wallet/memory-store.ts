// An in-memory LedgerStore for node unit tests and benchmarks. It honours the same
// contract as the SQL store, including rollback: writes inside a transaction are
// journalled and undone if the transaction throws, so tests can prove a failure
// half-way leaves nothing half-written.

import type {
  KeyRow,
  LeaseRow,
  LedgerStore,
  LedgerSums,
  NewLedgerEntry,
  ReservationRow,
  TotalsRow,
} from "./store";
import type { LedgerEntry } from "./types";

export class MemoryLedgerStore implements LedgerStore {
  private totalsRow: TotalsRow = { balance_micros: 0, reserved_micros: 0, overshoots: 0, overshoot_micros: 0 };
  private readonly keyRows = new Map<string, KeyRow>();
  private readonly reservationRows = new Map<string, ReservationRow>();
  private readonly leaseRows = new Map<string, LeaseRow>();
  private readonly entryRows: LedgerEntry[] = [];
  private readonly creditRefs = new Map<string, LedgerEntry>();
  private readonly debitRefs = new Map<string, LedgerEntry>();
  private lastEntryId = 0;
  /** Undo steps of the running transaction, newest last; `null` outside a transaction. */
  private journal: Array<() => void> | null = null;

  transaction<T>(fn: () => T): T {
    if (this.journal !== null) throw new Error("MemoryLedgerStore transactions cannot be nested");
    const journal: Array<() => void> = [];
    this.journal = journal;
    try {
      return fn();
    } catch (error) {
      for (let i = journal.length - 1; i >= 0; i--) journal[i]?.();
      throw error;
    } finally {
      this.journal = null;
    }
  }

  totals(): TotalsRow {
    return { ...this.totalsRow };
  }

  setTotals(row: TotalsRow): void {
    const before = this.totalsRow;
    this.record(() => {
      this.totalsRow = before;
    });
    this.totalsRow = { ...row };
  }

  key(keyId: string): KeyRow | null {
    const row = this.keyRows.get(keyId);
    return row === undefined ? null : { ...row };
  }

  putKey(row: KeyRow): void {
    this.recordMapWrite(this.keyRows, row.key_id);
    this.keyRows.set(row.key_id, { ...row });
  }

  keys(): KeyRow[] {
    return [...this.keyRows.values()].map((row) => ({ ...row }));
  }

  reservation(requestId: string): ReservationRow | null {
    const row = this.reservationRows.get(requestId);
    return row === undefined ? null : { ...row };
  }

  putReservation(row: ReservationRow): void {
    this.recordMapWrite(this.reservationRows, row.request_id);
    this.reservationRows.set(row.request_id, { ...row });
  }

  overdue(nowMs: number, limit: number): ReservationRow[] {
    return this.open()
      .filter((row) => row.deadline_at <= nowMs)
      .sort((a, b) => a.deadline_at - b.deadline_at || compare(a.request_id, b.request_id))
      .slice(0, limit)
      .map((row) => ({ ...row }));
  }

  nextDeadline(): number | null {
    let next: number | null = null;
    for (const row of this.open()) if (next === null || row.deadline_at < next) next = row.deadline_at;
    return next;
  }

  creditByRef(ref: string): LedgerEntry | null {
    const entry = this.creditRefs.get(ref);
    return entry === undefined ? null : { ...entry };
  }

  debitByRef(ref: string): LedgerEntry | null {
    const entry = this.debitRefs.get(ref);
    return entry === undefined ? null : { ...entry };
  }

  appendEntry(entry: NewLedgerEntry): LedgerEntry {
    const lastId = this.lastEntryId;
    this.record(() => {
      this.entryRows.pop();
      this.lastEntryId = lastId;
      if (entry.type === "credit") this.creditRefs.delete(entry.ref);
      if (entry.type === "debit") this.debitRefs.delete(entry.ref);
    });
    this.lastEntryId = lastId + 1;
    const stored: LedgerEntry = { id: this.lastEntryId, ...entry };
    this.entryRows.push(stored);
    if (stored.type === "credit") this.creditRefs.set(stored.ref, stored);
    if (stored.type === "debit") this.debitRefs.set(stored.ref, stored);
    return { ...stored };
  }

  appendEntries(entries: readonly NewLedgerEntry[]): LedgerEntry[] {
    return entries.map((e) => this.appendEntry(e));
  }

  lease(leaseId: string): LeaseRow | null {
    const row = this.leaseRows.get(leaseId);
    return row === undefined ? null : { ...row };
  }

  putLease(row: LeaseRow): void {
    this.recordMapWrite(this.leaseRows, row.lease_id);
    this.leaseRows.set(row.lease_id, { ...row });
  }

  entries(after: number, limit: number): LedgerEntry[] {
    // Ids are dense and start at 1, so `after` is also the array index of the next entry.
    return this.entryRows.slice(after, after + limit).map((entry) => ({ ...entry }));
  }

  entriesBefore(before: number, limit: number): LedgerEntry[] {
    const end = Math.min(before - 1, this.entryRows.length); // ids are dense from 1: entry `id` sits at index id - 1
    return this.entryRows.slice(Math.max(0, end - limit), Math.max(0, end)).reverse().map((entry) => ({ ...entry }));
  }

  sums(): LedgerSums {
    const openByKey = new Map<string, number>();
    let openTotal = 0;
    for (const row of this.open()) {
      const held = row.amount_micros - (row.charged_micros ?? 0); // a lease's draws are no longer held
      openTotal += held;
      openByKey.set(row.key_id, (openByKey.get(row.key_id) ?? 0) + held);
    }
    const chargedByKey = new Map<string, number>();
    let entriesTotal = 0;
    for (const entry of this.entryRows) {
      entriesTotal += entry.amount_micros;
      if (entry.key_id !== null) {
        chargedByKey.set(entry.key_id, (chargedByKey.get(entry.key_id) ?? 0) - entry.amount_micros);
      }
    }
    return {
      entries_total_micros: entriesTotal,
      open_reserved_total_micros: openTotal,
      open_reserved_by_key: openByKey,
      charged_by_key: chargedByKey,
    };
  }

  private open(): ReservationRow[] {
    return [...this.reservationRows.values()].filter((row) => row.status === "open");
  }

  private record(undo: () => void): void {
    if (this.journal === null) {
      throw new Error("MemoryLedgerStore writes must happen inside transaction(); the ledger always opens one");
    }
    this.journal.push(undo);
  }

  private recordMapWrite<V>(map: Map<string, V>, id: string): void {
    const before = map.get(id);
    this.record(() => {
      if (before === undefined) map.delete(id);
      else map.set(id, before);
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
