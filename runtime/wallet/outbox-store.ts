// The usage outbox's table in the Wallet's own SQLite (the Wallet's data layer, beside
// sql-store.ts): rows of D1 `usage_events`, queued in the same commit as their charge.
import { insertRows } from "./sql-store";

export class OutboxStore<C extends string> {
  private readonly columnList: string;

  constructor(
    private readonly sql: SqlStorage,
    private readonly columns: readonly C[],
  ) {
    this.columnList = columns.join(", ");
    sql.exec(`CREATE TABLE IF NOT EXISTS usage_outbox (${columns.map((c) => (c === "request_id" ? `${c} TEXT PRIMARY KEY` : c)).join(", ")})`);
    // An outbox created before overshoot_micros existed gains the column (rows queued then: 0).
    const existing = sql.exec<{ name: string }>("PRAGMA table_info(usage_outbox)").toArray();
    if (!existing.some((c) => c.name === "overshoot_micros")) sql.exec("ALTER TABLE usage_outbox ADD COLUMN overshoot_micros DEFAULT 0");
  }

  /** Queues rows, idempotent on request_id, several per statement. */
  add(rows: readonly Readonly<Record<C, SqlStorageValue>>[]): void {
    insertRows(this.sql, `INSERT OR IGNORE INTO usage_outbox (${this.columnList})`, this.columns, rows);
  }

  count(): number {
    return Number(this.sql.exec("SELECT COUNT(*) AS n FROM usage_outbox").one().n);
  }

  /** The oldest `limit` rows, each with its queue position (`seq`). */
  oldest<T>(limit: number): Array<T & { seq: number }> {
    return this.sql.exec(`SELECT rowid AS seq, ${this.columnList} FROM usage_outbox ORDER BY rowid LIMIT ${limit}`).toArray() as unknown as Array<T & { seq: number }>;
  }

  /**
   * Forgets every row up to and including queue position `seq`. By position, not by a list of
   * ids: Durable Object SQL binds at most 100 values per statement.
   */
  dropThrough(seq: number): void {
    this.sql.exec("DELETE FROM usage_outbox WHERE rowid <= ?", seq);
  }
}
