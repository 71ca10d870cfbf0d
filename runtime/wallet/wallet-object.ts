// The Wallet Durable Object: one per tenant, a thin RPC façade over the pure Ledger.
// Atomicity comes from the object being single-threaded and every ledger operation
// being synchronous: between reading the balance and writing the hold nothing awaits,
// so no other request can slip in. The only awaits here are for the alarm, after the
// money decision is already committed.

import { DurableObject } from "cloudflare:workers";
import { Ledger } from "./ledger";
import { SqlLedgerStore } from "./sql-store";
import type {
  AuditReport,
  CreditResult,
  KeyState,
  LedgerPage,
  LedgerPageOptions,
  ReserveResult,
  SettleMeta,
  SettleResult,
  WalletBalance,
} from "./types";

/** Long enough for a slow streamed completion; a forgotten hold is charged after this. */
export const DEFAULT_RESERVATION_TTL_MS = 10 * 60 * 1000;

export class Wallet extends DurableObject<Env> {
  private readonly book: Ledger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.book = new Ledger(new SqlLedgerStore(ctx.storage));
  }

  async balance(): Promise<WalletBalance> {
    return this.book.balance();
  }

  async credit(amountMicros: number, ref: string, note?: string): Promise<CreditResult> {
    return this.book.credit(amountMicros, ref, note);
  }

  async upsertKey(keyId: string, capMicros: number | null): Promise<KeyState> {
    return this.book.upsertKey(keyId, capMicros);
  }

  async revokeKey(keyId: string): Promise<KeyState> {
    return this.book.revokeKey(keyId);
  }

  async reserve(
    requestId: string,
    keyId: string,
    worstCaseMicros: number,
    ttlMs: number = DEFAULT_RESERVATION_TTL_MS,
  ): Promise<ReserveResult> {
    const result = this.book.reserve(requestId, keyId, worstCaseMicros, Date.now(), ttlMs);
    if (result.ok && result.applied) await this.armAlarm(result.reservation.deadline_at);
    return result;
  }

  async settle(requestId: string, actualMicros: number, meta?: SettleMeta): Promise<SettleResult> {
    return this.book.settle(requestId, actualMicros, Date.now(), meta);
  }

  async keyState(keyId: string): Promise<KeyState> {
    return this.book.keyState(keyId);
  }

  async ledger(options?: LedgerPageOptions): Promise<LedgerPage> {
    return this.book.ledger(options);
  }

  /** Recomputes totals from the rows; `ok: false` means a bug, for operators and tests. */
  async audit(): Promise<AuditReport> {
    return this.book.audit();
  }

  /** Settles overdue reservations at their reserved amount, then re-arms for the next deadline. */
  override async alarm(): Promise<void> {
    this.alarmAt = null; // a fired alarm is cleared
    const { next_deadline_ms } = this.book.expire(Date.now());
    // A batch-limited expire leaves overdue work behind; a past time fires again at once.
    if (next_deadline_ms !== null) await this.armAlarm(next_deadline_ms);
  }

  /** The alarm as last set or read: reserve is on every request's path, so it asks storage once. */
  private alarmAt: number | null | undefined;

  private async armAlarm(deadline: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= deadline) return;
    this.alarmAt = deadline;
    await this.ctx.storage.setAlarm(deadline);
  }
}
