// Usage events ride along with settlement: the Wallet writes each request's usage row in
// the same turn (so the same storage commit) as its ledger charge, and copies them to D1 in
// batches. One D1 write per batch instead of one per request, and ledger and usage can never
// disagree: a charge without its usage row (or the reverse) cannot be committed.

import { copyUsageEvents, USAGE_EVENT_COLUMNS } from "../db/usage-events";
import { insertRows } from "./sql-store";

/** One request's usage as recorded in D1 `usage_events` (cost is what the Wallet charged). */
export interface UsageEvent {
  request_id: string;
  tenant_id: string;
  key_id: string;
  end_user_id: string | null;
  model: string;
  provider: string;
  surface: "anthropic" | "openai";
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_micros: number;
  /** The part of cost_micros above the request's reservation (charged all the same). */
  overshoot_micros: number;
  outcome: string;
  created_at: number;
}

/** The outbox holds rows of D1 `usage_events`, column for column. */
const COLUMNS = USAGE_EVENT_COLUMNS satisfies readonly (keyof UsageEvent)[];

/** What a caller hands the Wallet with a charge: the row minus what the Wallet fills in. */
export type ChargedUsage = Omit<UsageEvent, "request_id" | "cost_micros" | "overshoot_micros" | "created_at">;

const BATCH = 200;
const COLUMN_LIST = COLUMNS.join(", ");

export class UsageOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly db: D1Database,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS usage_outbox (${COLUMNS.map((c) => (c === "request_id" ? `${c} TEXT PRIMARY KEY` : c)).join(", ")})`);
    // An outbox created before overshoot_micros existed gains the column (rows queued then: 0).
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(usage_outbox)").toArray();
    if (!columns.some((c) => c.name === "overshoot_micros")) sql.exec("ALTER TABLE usage_outbox ADD COLUMN overshoot_micros DEFAULT 0");
  }

  /**
   * Queues rows (idempotent on request_id), several per statement. Synchronous: part of the
   * caller's commit.
   */
  add(...events: UsageEvent[]): void {
    insertRows(this.sql, `INSERT OR IGNORE INTO usage_outbox (${COLUMN_LIST})`, COLUMNS, events);
  }

  pending(): number {
    return Number(this.sql.exec("SELECT COUNT(*) AS n FROM usage_outbox").one().n);
  }

  /**
   * Copies queued rows to D1 and forgets them once D1 has them. `INSERT OR IGNORE` on the
   * request id makes a repeated copy (after a crash between the two steps) harmless.
   */
  async flush(): Promise<number> {
    let copied = 0;
    for (;;) {
      const rows = this.sql
        .exec(`SELECT rowid AS seq, ${COLUMN_LIST} FROM usage_outbox ORDER BY rowid LIMIT ${BATCH}`)
        .toArray() as unknown as Array<UsageEvent & { seq: number }>;
      if (rows.length === 0) return copied;
      // One statement for the whole batch (db/usage-events.ts). Every row is this Wallet's
      // tenant's: the Wallet is one tenant's object.
      await copyUsageEvents(this.db, (rows[0] as UsageEvent).tenant_id, rows);
      // By position, not by a list of ids: Durable Object SQL binds at most 100 values per
      // statement. Rows queued while D1 was writing come after these, so they stay.
      this.sql.exec("DELETE FROM usage_outbox WHERE rowid <= ?", (rows.at(-1) as { seq: number }).seq);
      copied += rows.length;
      if (rows.length < BATCH) return copied;
    }
  }
}
