// LedgerStore over Durable Object SQLite. Synchronous like the ledger above it. The
// CHECK constraints repeat the money invariants as a last line of defence: if a bug
// ever tried to drive the balance negative the write fails, transactionSync rolls the
// whole operation back, and the caller sees an error instead of corrupted money.

import type {
  KeyRow,
  LeaseRow,
  LedgerStore,
  LedgerSums,
  NewLedgerEntry,
  ReservationRow,
  TotalsRow,
} from "./store";
import type { LedgerEntry, LedgerEntryType, ReservationStatus } from "./types";

/** Durable Object SQL binds at most this many values per statement. */
const MAX_BOUND_VALUES = 100;

/**
 * Inserts rows several per statement, as many as fit in Durable Object SQL's bound values
 * (about half the cost per row of one statement each). `head` is the statement up to VALUES
 * (`INSERT INTO t (a, b)`), `tail` what follows it (`RETURNING id`); the rows every statement
 * returned come back together, statement after statement.
 */
export function insertRows<C extends string, R extends Record<string, SqlStorageValue> = Record<string, never>>(
  sql: SqlStorage,
  head: string,
  columns: readonly C[],
  rows: readonly Readonly<Record<C, SqlStorageValue>>[],
  tail = "",
): R[] {
  const perStatement = Math.floor(MAX_BOUND_VALUES / columns.length);
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = chunk.map(() => placeholders).join(", ");
    out.push(...sql.exec<R>(`${head} VALUES ${values} ${tail}`, ...chunk.flatMap((r) => columns.map((c) => r[c]))).toArray());
  }
  return out;
}

/** The part of `DurableObjectStorage` the store needs (a test double can provide it too). */
export interface SqlBackend {
  readonly sql: SqlStorage;
  transactionSync<T>(closure: () => T): T;
}

// Table definitions as they are now, for a new object. An object created before a change gets
// there through MIGRATIONS below (CREATE TABLE IF NOT EXISTS leaves an existing table alone):
// both run on every object start, so each step checks whether it is still needed.
const WALLET_TOTALS = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     balance_micros INTEGER NOT NULL,
     reserved_micros INTEGER NOT NULL CHECK (reserved_micros >= 0),
     overshoots INTEGER NOT NULL DEFAULT 0 CHECK (overshoots >= 0),
     overshoot_micros INTEGER NOT NULL DEFAULT 0 CHECK (overshoot_micros >= 0)
   )`;
// The balance may go below zero only through overshoots, which are charged in full (a debt the
// next top-up pays): no CHECK on it or on balance_after_micros any more.
const WALLET_LEDGER = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     type TEXT NOT NULL CHECK (type IN ('credit', 'charge', 'expired_charge', 'debit')),
     amount_micros INTEGER NOT NULL,
     overshoot_micros INTEGER NOT NULL CHECK (overshoot_micros >= 0),
     ref TEXT NOT NULL,
     key_id TEXT,
     request_id TEXT,
     balance_after_micros INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     note TEXT
   )`;
const LEDGER_CREDIT_REF = `CREATE UNIQUE INDEX IF NOT EXISTS wallet_ledger_credit_ref ON wallet_ledger (ref) WHERE type = 'credit'`;
const LEDGER_DEBIT_REF = `CREATE UNIQUE INDEX IF NOT EXISTS wallet_ledger_debit_ref ON wallet_ledger (ref) WHERE type = 'debit'`;

const SCHEMA = [
  WALLET_TOTALS("wallet_totals"),
  `INSERT OR IGNORE INTO wallet_totals (id, balance_micros, reserved_micros) VALUES (1, 0, 0)`,
  `CREATE TABLE IF NOT EXISTS wallet_keys (
     key_id TEXT PRIMARY KEY,
     cap_micros INTEGER CHECK (cap_micros IS NULL OR cap_micros >= 0),
     spent_micros INTEGER NOT NULL CHECK (spent_micros >= 0),
     reserved_micros INTEGER NOT NULL CHECK (reserved_micros >= 0),
     revoked INTEGER NOT NULL CHECK (revoked IN (0, 1)),
     updated_at INTEGER NOT NULL,
     epoch INTEGER NOT NULL DEFAULT 0,
     recent_drawn_micros INTEGER NOT NULL DEFAULT 0,
     recent_at INTEGER NOT NULL DEFAULT 0
   )`,
  `CREATE TABLE IF NOT EXISTS wallet_reservations (
     request_id TEXT PRIMARY KEY,
     key_id TEXT NOT NULL,
     amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),
     created_at INTEGER NOT NULL,
     deadline_at INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open', 'settled', 'expired')),
     actual_micros INTEGER,
     charged_micros INTEGER CHECK (charged_micros IS NULL OR charged_micros <= amount_micros),
     overshoot_micros INTEGER,
     entry_id INTEGER,
     balance_after_micros INTEGER,
     settled_at INTEGER
   )`,
  // Every hold is a lease: this row is its amount and state, wallet_leases its batch counter.
  // Partial index: the alarm only ever looks at open leases, by deadline.
  `CREATE INDEX IF NOT EXISTS wallet_reservations_open_deadline
     ON wallet_reservations (deadline_at) WHERE status = 'open'`,
  WALLET_LEDGER("wallet_ledger"),
  // Credits are idempotent on their ref; charges through their lease's batch number.
  LEDGER_CREDIT_REF,
  // Debits (a refunded or disputed top-up taken back) are idempotent on their ref too.
  LEDGER_DEBIT_REF,
  // Reservations that are leases (ledger.ts leaseGrow): their batch counter and in-flight holds.
  `CREATE TABLE IF NOT EXISTS wallet_leases (
     lease_id TEXT PRIMARY KEY,
     last_seq INTEGER NOT NULL CHECK (last_seq >= 0),
     inflight_micros INTEGER NOT NULL CHECK (inflight_micros >= 0),
     expiry_left_micros INTEGER NOT NULL DEFAULT 0 CHECK (expiry_left_micros >= 0)
   )`,
];

/** The columns a table has now. */
function columnsOf(sql: SqlStorage, table: string): Set<string> {
  return new Set(sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray().map((r) => r.name));
}

/** Replaces a table by its new definition, copying `columns` (old → new by position). */
function rebuild(sql: SqlStorage, table: string, create: (name: string) => string, from: string, to: string): void {
  sql.exec(create(`${table}_next`));
  sql.exec(`INSERT INTO ${table}_next (${to}) SELECT ${from} FROM ${table}`);
  sql.exec(`DROP TABLE ${table}`);
  sql.exec(`ALTER TABLE ${table}_next RENAME TO ${table}`);
}

/**
 * Brings an object created by an older version to the current tables (and its open plain
 * reservations into leases, below). Issue 12: excess usage
 * is charged (an overshoot), never waived — `waived_micros` became `overshoot_micros` (old
 * waived amounts were not charged: 0), the balance may go negative, keys carry an epoch and
 * their recent demand, an expired lease remembers what late draws may settle against.
 */
function migrate(sql: SqlStorage): void {
  const totals = columnsOf(sql, "wallet_totals");
  if (!totals.has("overshoots")) rebuild(sql, "wallet_totals", WALLET_TOTALS, "id, balance_micros, reserved_micros", "id, balance_micros, reserved_micros");
  const ledger = columnsOf(sql, "wallet_ledger");
  if (ledger.has("waived_micros")) {
    const kept = "type, amount_micros, ref, key_id, request_id, balance_after_micros, created_at, note";
    rebuild(sql, "wallet_ledger", WALLET_LEDGER, `id, 0, ${kept}`, `id, overshoot_micros, ${kept}`);
    // The rebuild dropped the old table's indexes with it.
    sql.exec(LEDGER_CREDIT_REF);
    sql.exec(LEDGER_DEBIT_REF);
  }
  if (columnsOf(sql, "wallet_reservations").has("waived_micros")) {
    sql.exec("ALTER TABLE wallet_reservations RENAME COLUMN waived_micros TO overshoot_micros");
  }
  const keys = columnsOf(sql, "wallet_keys");
  for (const column of ["epoch", "recent_drawn_micros", "recent_at"]) {
    if (!keys.has(column)) sql.exec(`ALTER TABLE wallet_keys ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
  }
  if (!columnsOf(sql, "wallet_leases").has("expiry_left_micros")) {
    sql.exec("ALTER TABLE wallet_leases ADD COLUMN expiry_left_micros INTEGER NOT NULL DEFAULT 0 CHECK (expiry_left_micros >= 0)");
  }
  // Issue 13: one protocol. A plain reservation (one hold per request) left open by an older
  // version becomes a lease of one draw: its batch charges it, or the alarm charges its hold.
  sql.exec(
    "INSERT OR IGNORE INTO wallet_leases (lease_id, last_seq, inflight_micros, expiry_left_micros) " +
      "SELECT request_id, 0, amount_micros, 0 FROM wallet_reservations WHERE status = 'open'",
  );
  sql.exec("UPDATE wallet_reservations SET charged_micros = 0 WHERE status = 'open' AND charged_micros IS NULL");
}

type TotalsDbRow = { balance_micros: number; reserved_micros: number; overshoots: number; overshoot_micros: number };
type KeyDbRow = {
  key_id: string;
  cap_micros: number | null;
  spent_micros: number;
  reserved_micros: number;
  revoked: number;
  updated_at: number;
  epoch: number;
  recent_drawn_micros: number;
  recent_at: number;
};
type ReservationDbRow = Omit<ReservationRow, "status"> & { status: string };
type EntryDbRow = Omit<LedgerEntry, "type"> & { type: string };
type LeaseDbRow = { lease_id: string; last_seq: number; inflight_micros: number; expiry_left_micros: number };
type SumRow = { key_id: string; micros: number };

const RESERVATION_COLUMNS =
  "request_id, key_id, amount_micros, created_at, deadline_at, status, actual_micros, " +
  "charged_micros, overshoot_micros, entry_id, balance_after_micros, settled_at";
const ENTRY_COLUMNS =
  "id, type, amount_micros, overshoot_micros, ref, key_id, request_id, balance_after_micros, created_at, note";
const NEW_ENTRY_COLUMNS = [
  "type",
  "amount_micros",
  "overshoot_micros",
  "ref",
  "key_id",
  "request_id",
  "balance_after_micros",
  "created_at",
  "note",
] as const satisfies readonly (keyof NewLedgerEntry)[];

export class SqlLedgerStore implements LedgerStore {
  private readonly sql: SqlStorage;
  private readonly backend: SqlBackend;

  constructor(backend: SqlBackend) {
    this.backend = backend;
    this.sql = backend.sql;
    backend.transactionSync(() => {
      for (const statement of SCHEMA) this.sql.exec(statement);
      migrate(this.sql);
    });
  }

  transaction<T>(fn: () => T): T {
    return this.backend.transactionSync(fn);
  }

  totals(): TotalsRow {
    return this.sql
      .exec<TotalsDbRow>("SELECT balance_micros, reserved_micros, overshoots, overshoot_micros FROM wallet_totals WHERE id = 1")
      .one();
  }

  setTotals(row: TotalsRow): void {
    this.sql.exec(
      "UPDATE wallet_totals SET balance_micros = ?, reserved_micros = ?, overshoots = ?, overshoot_micros = ? WHERE id = 1",
      row.balance_micros,
      row.reserved_micros,
      row.overshoots,
      row.overshoot_micros,
    );
  }

  key(keyId: string): KeyRow | null {
    const rows = this.sql.exec<KeyDbRow>("SELECT * FROM wallet_keys WHERE key_id = ?", keyId).toArray();
    const row = rows[0];
    return row === undefined ? null : toKeyRow(row);
  }

  putKey(row: KeyRow): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO wallet_keys " +
        "(key_id, cap_micros, spent_micros, reserved_micros, revoked, updated_at, epoch, recent_drawn_micros, recent_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      row.key_id,
      row.cap_micros,
      row.spent_micros,
      row.reserved_micros,
      row.revoked ? 1 : 0,
      row.updated_at,
      row.epoch,
      row.recent_drawn_micros,
      row.recent_at,
    );
  }

  keys(): KeyRow[] {
    return this.sql.exec<KeyDbRow>("SELECT * FROM wallet_keys ORDER BY key_id").toArray().map(toKeyRow);
  }

  reservation(requestId: string): ReservationRow | null {
    const rows = this.sql
      .exec<ReservationDbRow>(`SELECT ${RESERVATION_COLUMNS} FROM wallet_reservations WHERE request_id = ?`, requestId)
      .toArray();
    const row = rows[0];
    return row === undefined ? null : toReservationRow(row);
  }

  putReservation(row: ReservationRow): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO wallet_reservations (${RESERVATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.request_id,
      row.key_id,
      row.amount_micros,
      row.created_at,
      row.deadline_at,
      row.status,
      row.actual_micros,
      row.charged_micros,
      row.overshoot_micros,
      row.entry_id,
      row.balance_after_micros,
      row.settled_at,
    );
  }

  overdue(nowMs: number, limit: number): ReservationRow[] {
    return this.sql
      .exec<ReservationDbRow>(
        `SELECT ${RESERVATION_COLUMNS} FROM wallet_reservations WHERE status = 'open' AND deadline_at <= ? ` +
          "ORDER BY deadline_at, request_id LIMIT ?",
        nowMs,
        limit,
      )
      .toArray()
      .map(toReservationRow);
  }

  nextDeadline(): number | null {
    return this.sql
      .exec<{ next: number | null }>("SELECT MIN(deadline_at) AS next FROM wallet_reservations WHERE status = 'open'")
      .one().next;
  }

  lease(leaseId: string): LeaseRow | null {
    const rows = this.sql
      .exec<LeaseDbRow>("SELECT lease_id, last_seq, inflight_micros, expiry_left_micros FROM wallet_leases WHERE lease_id = ?", leaseId)
      .toArray();
    return rows[0] ?? null;
  }

  putLease(row: LeaseRow): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO wallet_leases (lease_id, last_seq, inflight_micros, expiry_left_micros) VALUES (?, ?, ?, ?)",
      row.lease_id,
      row.last_seq,
      row.inflight_micros,
      row.expiry_left_micros,
    );
  }

  creditByRef(ref: string): LedgerEntry | null {
    const rows = this.sql
      .exec<EntryDbRow>(`SELECT ${ENTRY_COLUMNS} FROM wallet_ledger WHERE type = 'credit' AND ref = ?`, ref)
      .toArray();
    const row = rows[0];
    return row === undefined ? null : toEntry(row);
  }

  debitByRef(ref: string): LedgerEntry | null {
    const row = this.sql.exec<EntryDbRow>(`SELECT ${ENTRY_COLUMNS} FROM wallet_ledger WHERE type = 'debit' AND ref = ?`, ref).toArray()[0];
    return row === undefined ? null : toEntry(row);
  }

  appendEntry(entry: NewLedgerEntry): LedgerEntry {
    return this.appendEntries([entry])[0] as LedgerEntry;
  }

  /**
   * Several rows per INSERT (a lease batch charges many requests at once). The ids come back
   * sorted: AUTOINCREMENT hands them out in VALUES order, statement after statement, while
   * RETURNING's own order is not guaranteed.
   */
  appendEntries(entries: readonly NewLedgerEntry[]): LedgerEntry[] {
    const ids = insertRows<(typeof NEW_ENTRY_COLUMNS)[number], { id: number }>(
      this.sql,
      `INSERT INTO wallet_ledger (${NEW_ENTRY_COLUMNS.join(", ")})`,
      NEW_ENTRY_COLUMNS,
      entries,
      "RETURNING id",
    )
      .map((r) => r.id)
      .sort((a, b) => a - b);
    return entries.map((e, i) => ({ id: ids[i] as number, ...e }));
  }

  entries(after: number, limit: number): LedgerEntry[] {
    return this.sql
      .exec<EntryDbRow>(`SELECT ${ENTRY_COLUMNS} FROM wallet_ledger WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
      .toArray()
      .map(toEntry);
  }

  entriesBefore(before: number, limit: number): LedgerEntry[] {
    return this.sql
      .exec<EntryDbRow>(`SELECT ${ENTRY_COLUMNS} FROM wallet_ledger WHERE id < ? ORDER BY id DESC LIMIT ?`, before, limit)
      .toArray()
      .map(toEntry);
  }

  sums(): LedgerSums {
    const entriesTotal = this.sql
      .exec<{ total: number }>("SELECT COALESCE(SUM(amount_micros), 0) AS total FROM wallet_ledger")
      .one().total;
    const openByKey = toMap(
      this.sql
        .exec<SumRow>(
          "SELECT key_id, SUM(amount_micros - COALESCE(charged_micros, 0)) AS micros FROM wallet_reservations " +
            "WHERE status = 'open' GROUP BY key_id",
        )
        .toArray(),
    );
    const chargedByKey = toMap(
      this.sql
        .exec<SumRow>(
          "SELECT key_id, 0 - SUM(amount_micros) AS micros FROM wallet_ledger WHERE key_id IS NOT NULL GROUP BY key_id",
        )
        .toArray(),
    );
    let openTotal = 0;
    for (const micros of openByKey.values()) openTotal += micros;
    return {
      entries_total_micros: entriesTotal,
      open_reserved_total_micros: openTotal,
      open_reserved_by_key: openByKey,
      charged_by_key: chargedByKey,
    };
  }
}

function toMap(rows: SumRow[]): Map<string, number> {
  return new Map(rows.map((row) => [row.key_id, row.micros]));
}

function toKeyRow(row: KeyDbRow): KeyRow {
  return { ...row, revoked: row.revoked === 1 };
}

function toReservationRow(row: ReservationDbRow): ReservationRow {
  return { ...row, status: parseStatus(row.status) };
}

function toEntry(row: EntryDbRow): LedgerEntry {
  return { ...row, type: parseEntryType(row.type) };
}

// The CHECK constraints make other values impossible; these narrow the TEXT columns
// back to their unions without a cast, and fail loudly if the schema ever drifts.
function parseStatus(value: string): ReservationStatus {
  if (value === "open" || value === "settled" || value === "expired") return value;
  throw new Error(`wallet_reservations.status holds unknown value ${JSON.stringify(value)}`);
}

function parseEntryType(value: string): LedgerEntryType {
  if (value === "credit" || value === "charge" || value === "expired_charge" || value === "debit") return value;
  throw new Error(`wallet_ledger.type holds unknown value ${JSON.stringify(value)}`);
}
