// Usage events ride along with settlement: the Wallet writes each request's usage row in
// the same turn (so the same storage commit) as its ledger charge, and copies them to D1 in
// batches. One D1 write per batch instead of one per request, and ledger and usage can never
// disagree: a charge without its usage row (or the reverse) cannot be committed.

import { copyUsageEvents, USAGE_EVENT_COLUMNS } from "../db/usage-events";
import { OutboxStore } from "./outbox-store";

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

export class UsageOutbox {
  private readonly store: OutboxStore<(typeof COLUMNS)[number]>;

  constructor(
    sql: SqlStorage,
    private readonly db: D1Database,
  ) {
    this.store = new OutboxStore(sql, COLUMNS);
  }

  /**
   * Queues rows (idempotent on request_id), several per statement. Synchronous: part of the
   * caller's commit.
   */
  add(...events: UsageEvent[]): void {
    this.store.add(events);
  }

  pending(): number {
    return this.store.count();
  }

  /**
   * Copies queued rows to D1 and forgets them once D1 has them. `INSERT OR IGNORE` on the
   * request id makes a repeated copy (after a crash between the two steps) harmless.
   */
  async flush(): Promise<number> {
    let copied = 0;
    for (;;) {
      const rows = this.store.oldest<UsageEvent>(BATCH);
      if (rows.length === 0) return copied;
      // One statement for the whole batch (db/usage-events.ts). Every row is this Wallet's
      // tenant's: the Wallet is one tenant's object.
      await copyUsageEvents(this.db, (rows[0] as UsageEvent).tenant_id, rows);
      // Rows queued while D1 was writing come after these, so they stay.
      this.store.dropThrough((rows.at(-1) as { seq: number }).seq);
      copied += rows.length;
      if (rows.length < BATCH) return copied;
    }
  }
}
