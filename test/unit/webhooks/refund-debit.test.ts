import { describe, expect, it } from "vitest";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import { refundDebit } from "../../../runtime/webhooks/stripe-reversal";
import type { CheckoutSessionRecord } from "../../../runtime/db/stripe-checkout-sessions";

const USD = 1_000_000;
const session = (refunded: number): CheckoutSessionRecord => ({
  id: "cs_1",
  tenant_id: "acme",
  amount_micros: 20 * USD,
  livemode: 0,
  created_at: 0,
  payment_intent: "pi_1",
  credited_at: 1,
  refunded_micros: refunded,
});
const refund = (refundedMicros: number) =>
  ({ kind: "refund", eventId: "evt", chargeId: "ch_1", paymentIntent: "pi_1", refundedMicros, note: "refund" }) as const;

describe("Ledger.debit: money that already left", () => {
  it("a top-up refunded after it was spent takes the balance below zero, and the next top-up pays the debt first", () => {
    const book = new Ledger(new MemoryLedgerStore(), { now: () => 1 });
    book.credit(20 * USD, "stripe:cs_1");
    // $15 spent by two end users' requests (one key may hold at most half of the wallet).
    const keys = ["key-1", "key-2"];
    for (const key of keys) expect(book.leaseGrow(`lease-${key}`, key, 7.5 * USD, 0, 0, 0, 60_000).ok).toBe(true);
    for (const key of keys) book.leaseSettle(`lease-${key}`, 1, [{ request_id: `req-${key}`, reserved_micros: 7.5 * USD, actual_micros: 7.5 * USD }], 0, true, 1, 60_000);
    const debit = book.debit(20 * USD, "stripe:refund:ch_1:0", "Stripe refund of charge ch_1");
    expect(debit).toMatchObject({ ok: true, applied: true, entry: { type: "debit", amount_micros: -20 * USD, balance_after_micros: -15 * USD, key_id: null } });
    expect(book.balance().balance_micros).toBe(-15 * USD);
    book.credit(20 * USD, "stripe:cs_2");
    expect(book.balance().balance_micros).toBe(5 * USD);
    const sum = book.ledger({ limit: 500 }).data.reduce((s, e) => s + e.amount_micros, 0);
    expect(sum).toBe(5 * USD);
  });

  it("the same refund delivered again debits once (idempotent on its ref)", () => {
    const book = new Ledger(new MemoryLedgerStore());
    book.credit(20 * USD, "stripe:cs_1");
    expect(book.debit(5 * USD, "stripe:dp_1")).toMatchObject({ ok: true, applied: true });
    expect(book.debit(5 * USD, "stripe:dp_1")).toMatchObject({ ok: true, applied: false, entry: { amount_micros: -5 * USD } });
    expect(book.balance().balance_micros).toBe(15 * USD);
  });

  it("two refund totals racing to one ref: the second is a conflict (Stripe retries it), not a second debit", () => {
    const book = new Ledger(new MemoryLedgerStore());
    book.credit(20 * USD, "stripe:cs_1");
    expect(book.debit(3 * USD, "stripe:refund:ch_1:0")).toMatchObject({ ok: true, applied: true });
    expect(book.debit(5 * USD, "stripe:refund:ch_1:0")).toMatchObject({ ok: false, type: "ref_conflict", message: expect.stringContaining("stripe:refund:ch_1:0") });
    expect(book.balance().balance_micros).toBe(17 * USD);
  });

  it("a debit is not a credit: a credit ref does not make a debit of the same ref a duplicate", () => {
    const book = new Ledger(new MemoryLedgerStore());
    book.credit(20 * USD, "same-ref");
    expect(book.debit(20 * USD, "same-ref")).toMatchObject({ ok: true, applied: true });
    expect(book.balance().balance_micros).toBe(0);
  });
});

describe("refundDebit: cumulative refund events", () => {
  it("$3 then $5 (cumulative) refunded debits $3 then $2, each under the total debited before", () => {
    expect(refundDebit(refund(3 * USD), session(0))).toEqual({ ref: "stripe:refund:ch_1:0", amountMicros: 3 * USD });
    expect(refundDebit(refund(5 * USD), session(3 * USD))).toEqual({ ref: `stripe:refund:ch_1:${3 * USD}`, amountMicros: 2 * USD });
  });

  it("a smaller total arriving after a larger one debits nothing", () => {
    expect(refundDebit(refund(3 * USD), session(5 * USD)).amountMicros).toBeLessThanOrEqual(0);
  });
});
