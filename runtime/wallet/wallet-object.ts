// The Wallet Durable Object: one per tenant, a thin RPC façade over the pure Ledger.
// Atomicity comes from the object being single-threaded and every ledger operation
// being synchronous: between reading the balance and writing the hold nothing awaits,
// so no other request can slip in. The only awaits here are for the alarm, after the
// money decision is already committed.

import { DurableObject } from "cloudflare:workers";
import { Ledger } from "./ledger";
import { SqlLedgerStore } from "./sql-store";
import { UsageOutbox, type ChargedUsage } from "./usage-outbox";
import type {
  AuditReport,
  CreditResult,
  DebitResult,
  KeyState,
  LeaseDraw,
  LeaseGrowResult,
  LeaseSettleResult,
  LedgerPage,
  LedgerPageOptions,
  WalletBalance,
} from "./types";

/**
 * A lease not heard from for this long (no batch, no heartbeat) is charged its whole hold. Its
 * isolate heartbeats every minute while requests run (gateway/leases.ts), so only a dead one lapses.
 */
export const LEASE_TTL_MS = 10 * 60 * 1000;
/** How long batches gather before their usage rows go to D1 together. */
const FLUSH_DELAY_MS = 50;
const FLUSH_RETRY_MS = 30_000;

export class Wallet extends DurableObject<Env> {
  private readonly book: Ledger;
  private readonly outbox: UsageOutbox;
  private flushing: Promise<number> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Every write is committed before the reply leaves: a granted hold is never forgotten.
    this.book = new Ledger(new SqlLedgerStore(ctx.storage));
    this.outbox = new UsageOutbox(ctx.storage.sql, env.DB);
  }

  async balance(): Promise<WalletBalance> {
    return this.book.balance();
  }

  async credit(amountMicros: number, ref: string, note?: string): Promise<CreditResult> {
    return this.book.credit(amountMicros, ref, note);
  }

  /** Takes back a refunded or disputed top-up (ledger.ts `debit`); may leave the balance below zero. */
  async debit(amountMicros: number, ref: string, note?: string): Promise<DebitResult> {
    return this.book.debit(amountMicros, ref, note);
  }

  async upsertKey(keyId: string, capMicros: number | null): Promise<KeyState> {
    return this.book.upsertKey(keyId, capMicros);
  }

  async revokeKey(keyId: string): Promise<KeyState> {
    return this.book.revokeKey(keyId);
  }

  /** Opens or tops up a gateway isolate's lease (ledger.ts `leaseGrow`); written before it answers. */
  async leaseGrow(leaseId: string, keyId: string, worstMicros: number, roomMicros: number, wantMicros: number): Promise<LeaseGrowResult> {
    const result = this.book.leaseGrow(leaseId, keyId, worstMicros, roomMicros, wantMicros, Date.now(), LEASE_TTL_MS);
    if (result.ok) await this.armAlarm(result.deadline_at);
    return result;
  }

  /**
   * Charges a batch of a lease's finished requests (ledger.ts `leaseSettle`); each draw's
   * usage row is queued in the same commit, with the amount really charged.
   */
  async leaseSettle(
    leaseId: string,
    seq: number,
    draws: Array<LeaseDraw & { usage?: ChargedUsage }>,
    inflightMicros: number,
    close: boolean,
  ): Promise<LeaseSettleResult> {
    const now = Date.now();
    const result = this.book.leaseSettle(leaseId, seq, draws, inflightMicros, close, now, LEASE_TTL_MS);
    if (result.ok && result.applied) {
      const usage = draws.flatMap((d, i) =>
        d.usage
          ? [{ ...d.usage, request_id: d.request_id, cost_micros: result.charged_micros[i] ?? 0, overshoot_micros: result.overshoot_micros[i] ?? 0, created_at: now }]
          : [],
      );
      if (usage.length > 0) {
        this.outbox.add(...usage);
        this.scheduleFlush();
      }
      if (!close) await this.armAlarm(now + LEASE_TTL_MS);
    }
    return result;
  }

  /** Copies queued usage rows to D1 now; usage reports call this first to read their own writes. */
  async flushUsage(): Promise<number> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // One copy at a time; a caller arriving during one waits for it and then copies the rest.
    while (this.flushing) await this.flushing.catch(() => 0);
    this.flushing = this.outbox.flush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Batches the D1 copy: many batches within FLUSH_DELAY_MS share one D1 write. */
  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushUsage().catch((e: unknown) => {
        console.error("usage flush to D1 failed; rows stay queued for the next try:", e);
        void this.armAlarm(Date.now() + FLUSH_RETRY_MS);
      });
    }, FLUSH_DELAY_MS);
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

  /** Charges overdue leases their whole hold, then re-arms for the next deadline. */
  override async alarm(): Promise<void> {
    this.alarmAt = null; // a fired alarm is cleared
    // Rows left queued by a failed copy or a restart are copied here.
    if (this.outbox.pending() > 0) await this.flushUsage().catch(() => this.armAlarm(Date.now() + FLUSH_RETRY_MS));
    const { next_deadline_ms } = this.book.expire(Date.now());
    // A batch-limited expire leaves overdue work behind; a past time fires again at once.
    if (next_deadline_ms !== null) await this.armAlarm(next_deadline_ms);
  }

  /** The alarm as last set or read: every grow and batch arms it, so it asks storage once. */
  private alarmAt: number | null | undefined;

  private async armAlarm(deadline: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= deadline) return;
    this.alarmAt = deadline;
    await this.ctx.storage.setAlarm(deadline);
  }
}
