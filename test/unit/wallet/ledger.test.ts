import { beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import { LedgerInputError } from "../../../runtime/wallet/money";

const USD = 1_000_000;
const TTL = 60_000;
const T0 = 1_700_000_000_000;

let store: MemoryLedgerStore;
let ledger: Ledger;

beforeEach(() => {
  store = new MemoryLedgerStore();
  ledger = new Ledger(store, { now: () => T0 });
});

function expectHealthy(): void {
  expect(ledger.audit()).toEqual({ ok: true, problems: [] });
}

describe("credit", () => {
  it("adds to the balance and writes one ledger entry", () => {
    const result = ledger.credit(5 * USD, "evt_1", "stripe top-up");
    expect(result.applied).toBe(true);
    expect(result.entry).toMatchObject({ id: 1, type: "credit", amount_micros: 5 * USD, ref: "evt_1", note: "stripe top-up" });
    expect(result.balance).toEqual({ balance_micros: 5 * USD, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expectHealthy();
  });

  it("applies a repeated ref once and returns the original entry", () => {
    const first = ledger.credit(5 * USD, "evt_1");
    const again = ledger.credit(5 * USD, "evt_1");
    expect(again.applied).toBe(false);
    expect(again.entry).toEqual(first.entry);
    expect(ledger.balance().balance_micros).toBe(5 * USD);
    expect(ledger.ledger().data).toHaveLength(1);
  });

  it("rejects a repeated ref with a different amount instead of guessing", () => {
    ledger.credit(5 * USD, "evt_1");
    expect(() => ledger.credit(6 * USD, "evt_1")).toThrow(/already credited with 5000000.*same amount/);
    expect(ledger.balance().balance_micros).toBe(5 * USD);
  });

  it.each([
    [1.5, /non-negative whole number of micro-dollars.*got 1.5/],
    [-3, /got -3/],
    [0, /greater than 0/],
    [Number.NaN, /got NaN/],
    [2 ** 60, /non-negative whole number/],
  ])("rejects amount %s with a message saying what to fix", (amount, message) => {
    expect(() => ledger.credit(amount, "evt_x")).toThrow(LedgerInputError);
    expect(() => ledger.credit(amount, "evt_x")).toThrow(message);
    expect(ledger.ledger().data).toHaveLength(0);
  });
});

// A single hold is a lease of one draw: grown for the request's worst case, closed by one
// batch that charges its actual cost. These are the invariants the per-request reserve/settle
// pair had (no overdraft, the cap holds, retries change nothing, expiry charges the hold),
// held by the one protocol the gateway uses.
const hold = (id: string, key: string, worst: number, now = T0, ttl = TTL) => ledger.leaseGrow(id, key, worst, 0, 0, now, ttl);
const charge = (id: string, reserved: number, actual: number, opts: { seq?: number; now?: number; note?: string } = {}) =>
  ledger.leaseSettle(id, opts.seq ?? 1, [{ request_id: `${id}-req`, reserved_micros: reserved, actual_micros: actual, ...(opts.note ? { note: opts.note } : {}) }], 0, true, opts.now ?? T0, TTL);

describe("a hold (a lease of one draw)", () => {
  beforeEach(() => {
    ledger.credit(10 * USD, "seed");
  });

  it("holds the worst case against the wallet and the key", () => {
    ledger.upsertKey("k1", 2 * USD);
    expect(hold("r1", "k1", 500_000)).toEqual({ ok: true, granted_micros: 500_000, held_micros: 500_000, deadline_at: T0 + TTL, epoch: 1 });
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD, reserved_micros: 500_000, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(ledger.keyState("k1")).toEqual({ key_id: "k1", cap_micros: 2 * USD, spent_micros: 0, reserved_micros: 500_000, revoked: false });
    expectHealthy();
  });

  it("refuses with cap_exceeded when the key's remaining cap cannot cover the worst case", () => {
    ledger.upsertKey("k1", 1 * USD);
    expect(hold("r1", "k1", 700_000).ok).toBe(true);
    const refused = hold("r2", "k1", 400_000);
    expect(refused).toMatchObject({ ok: false, type: "cap_exceeded", needed_micros: 400_000, available_micros: 300_000 });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.message).toContain("$0.30 left of its $1.00 spending cap");
    expect(refused.message).toContain("raise the key's max_spend_usd");
    // The refusal held nothing.
    expect(ledger.keyState("k1").reserved_micros).toBe(700_000);
    expect(hold("r3", "k1", 300_000).ok).toBe(true);
  });

  it("refuses with insufficient_funds counting money already held for other requests", () => {
    expect(hold("r1", "a", 4 * USD).ok).toBe(true);
    expect(hold("r2", "b", 4 * USD).ok).toBe(true);
    const refused = hold("r3", "c", 3 * USD);
    expect(refused).toMatchObject({ ok: false, type: "insufficient_funds", needed_micros: 3 * USD, available_micros: 2 * USD });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.message).toContain("top up the wallet");
    expect(hold("r4", "c", 2 * USD).ok).toBe(true);
    expect(ledger.balance().reserved_micros).toBe(10 * USD);
  });

  it("treats a never-seen key as uncapped but still bound by the wallet (and by its share of it)", () => {
    expect(hold("r1", "new-key", 5 * USD).ok).toBe(true);
    expect(ledger.keyState("new-key")).toMatchObject({ cap_micros: null, reserved_micros: 5 * USD });
    expect(hold("r2", "new-key", 2 * USD)).toMatchObject({ ok: false, type: "insufficient_funds" });
  });

  it("a retried grow whose reply was lost holds again, and the closing batch releases all of it: nothing held for good", () => {
    expect(hold("r1", "k1", USD)).toMatchObject({ ok: true, held_micros: USD });
    expect(hold("r1", "k1", USD)).toMatchObject({ ok: true, held_micros: 2 * USD });
    expect(charge("r1", USD, 300_000)).toMatchObject({ ok: true, applied: true, charged_micros: [300_000], closed: true });
    expect(ledger.balance()).toMatchObject({ balance_micros: 9_700_000, reserved_micros: 0 });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 300_000, reserved_micros: 0 });
    expectHealthy();
  });

  it("will not grow one key's hold for another key", () => {
    hold("r1", "k1", USD);
    expect(hold("r1", "k2", USD)).toMatchObject({ ok: false, type: "lease_closed" });
    expect(ledger.balance().reserved_micros).toBe(USD);
  });

  it("applies cap changes on the next grow, in both directions", () => {
    ledger.upsertKey("k1", 1 * USD);
    expect(hold("r1", "k1", 2 * USD)).toMatchObject({ ok: false, type: "cap_exceeded" });
    ledger.upsertKey("k1", 3 * USD);
    expect(hold("r2", "k1", 2 * USD).ok).toBe(true);
    ledger.upsertKey("k1", 1 * USD);
    expect(hold("r3", "k1", 1)).toMatchObject({ ok: false, type: "cap_exceeded", available_micros: 0 });
    ledger.upsertKey("k1", null);
    expect(hold("r4", "k1", 1 * USD).ok).toBe(true);
  });

  it("refuses a revoked key but still charges what it already holds", () => {
    ledger.upsertKey("k1", 5 * USD);
    hold("r1", "k1", USD);
    expect(ledger.revokeKey("k1").revoked).toBe(true);
    expect(hold("r2", "k1", 1)).toMatchObject({ ok: false, type: "key_revoked", available_micros: 0 });
    // Changing the cap does not bring a revoked key back.
    ledger.upsertKey("k1", 50 * USD);
    expect(hold("r3", "k1", 1)).toMatchObject({ ok: false, type: "key_revoked" });
    expect(charge("r1", USD, 400_000, { now: T0 + 1 })).toMatchObject({ ok: true, applied: true });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 400_000, reserved_micros: 0, revoked: true });
  });

  it("allows a zero worst case (free models) unless the key is revoked", () => {
    expect(hold("r1", "k1", 0).ok).toBe(true);
    expect(charge("r1", 0, 0).ok).toBe(true);
    expect(ledger.ledger().data.at(-1)).toMatchObject({ type: "charge", amount_micros: 0 });
  });

  it("rejects malformed arguments before touching anything", () => {
    expect(() => hold("", "k1", 1)).toThrow(/leaseId must be a non-empty string/);
    expect(() => hold("r1", "k1", 0.5)).toThrow(/worstMicros must be .* got 0.5/);
    expect(() => ledger.leaseSettle("r1", 0, [], 0, true, T0, TTL)).toThrow(/seq must be a whole number ≥ 1, got 0/);
    expect(() => ledger.upsertKey("k1", -1)).toThrow(/capMicros must be/);
    expect(ledger.balance().reserved_micros).toBe(0);
  });
});

describe("its batch", () => {
  beforeEach(() => {
    ledger.credit(10 * USD, "seed");
    ledger.upsertKey("k1", 3 * USD);
    hold("r1", "k1", 2 * USD);
  });

  it("charges the actual cost and releases the rest", () => {
    const result = charge("r1", 2 * USD, 750_000, { now: T0 + 100, note: "mock/echo 10 in / 20 out" });
    expect(result).toEqual({ ok: true, applied: true, charged_micros: [750_000], overshoot_micros: [0], closed: true, epoch: 1 });
    expect(ledger.balance()).toEqual({ balance_micros: 9_250_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 750_000, reserved_micros: 0 });
    expect(ledger.ledger().data[1]).toMatchObject({
      id: 2,
      type: "charge",
      amount_micros: -750_000,
      key_id: "k1",
      request_id: "r1-req",
      ref: "r1-req",
      balance_after_micros: 9_250_000,
      created_at: T0 + 100,
      note: "mock/echo 10 in / 20 out",
    });
    expectHealthy();
  });

  it("usage above the reservation (an under-estimated worst case) is charged in full and recorded as an overshoot, never waived", () => {
    const result = charge("r1", 2 * USD, 2_500_000, { now: T0 + 1, note: "gpt-4o n=8 (ok)" });
    expect(result).toMatchObject({ ok: true, charged_micros: [2_500_000], overshoot_micros: [500_000] });
    const entry = ledger.ledger().data[1];
    expect(entry).toMatchObject({ amount_micros: -2_500_000, overshoot_micros: 500_000 });
    expect(entry?.note).toContain("gpt-4o n=8 (ok)");
    expect(entry?.note).toContain("exceeded the $2.00 reservation by $0.50, charged in full");
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 2_500_000, reserved_micros: 0 });
    expect(ledger.balance()).toMatchObject({ balance_micros: 10 * USD - 2_500_000, reserved_micros: 0, overshoots: 1, overshoot_micros: 500_000 });
    expectHealthy();
  });

  it("is idempotent: the same batch again changes nothing", () => {
    expect(charge("r1", 2 * USD, 300_000, { now: T0 + 1 })).toMatchObject({ applied: true });
    expect(charge("r1", 2 * USD, 900_000, { now: T0 + 2 })).toEqual({ ok: true, applied: false, charged_micros: [], overshoot_micros: [], closed: true, epoch: 1 });
    expect(ledger.balance().balance_micros).toBe(9_700_000);
    expect(ledger.ledger().data).toHaveLength(2);
  });

  it("returns a clear error result for an unknown lease and leaves state alone", () => {
    const before = ledger.balance();
    const result = charge("nope", 100, 100);
    expect(result).toMatchObject({ ok: false, type: "unknown_lease" });
    if (result.ok) throw new Error("unreachable");
    expect(result.message).toContain('no lease "nope"');
    expect(ledger.balance()).toEqual(before);
    expectHealthy();
  });

  it("a grow replayed after the closing batch is refused as closed, holding nothing", () => {
    charge("r1", 2 * USD, 100, { now: T0 + 1 });
    expect(hold("r1", "k1", 2 * USD, T0 + 2)).toMatchObject({ ok: false, type: "lease_closed" });
    expect(charge("r1", 2 * USD, 100, { seq: 2 })).toMatchObject({ ok: false, type: "lease_closed" });
    expect(ledger.balance().reserved_micros).toBe(0);
  });
});

describe("expire", () => {
  beforeEach(() => {
    ledger.credit(10 * USD, "seed");
    hold("early", "k1", USD, T0, 1_000);
    hold("late", "k2", 2 * USD, T0, 5_000);
  });

  it("charges overdue holds their whole amount and reports the next deadline", () => {
    expect(ledger.expire(T0 + 999)).toEqual({ expired: [], next_deadline_ms: T0 + 1_000 });
    const result = ledger.expire(T0 + 1_000);
    expect(result.expired).toEqual([
      expect.objectContaining({ request_id: "early", status: "expired", charged_micros: USD, actual_micros: null }),
    ]);
    expect(result.next_deadline_ms).toBe(T0 + 5_000);
    expect(ledger.ledger().data.at(-1)).toMatchObject({ type: "expired_charge", amount_micros: -USD, key_id: "k1" });
    expect(ledger.balance()).toEqual({ balance_micros: 9 * USD, reserved_micros: 2 * USD, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(ledger.expire(T0 + 10_000).next_deadline_ms).toBeNull();
    expectHealthy();
  });

  it("a batch arriving after the expiry is settled against its charge: nothing charged twice", () => {
    ledger.expire(T0 + 2_000);
    const late = charge("early", USD, 10, { now: T0 + 3_000 });
    expect(late).toMatchObject({ ok: true, applied: true, charged_micros: [0], closed: true });
    expect(ledger.balance().balance_micros).toBe(9 * USD);
    expectHealthy();
  });

  it("a batch that arrives before the alarm wins, even past the deadline", () => {
    expect(charge("early", USD, 10, { now: T0 + 2_000 })).toMatchObject({ applied: true, charged_micros: [10], closed: true });
    expect(ledger.expire(T0 + 2_000).expired).toEqual([]);
  });
});

describe("ledger pages", () => {
  it("pages by id with a cursor and has_more", () => {
    for (let i = 1; i <= 7; i++) ledger.credit(i, `c${i}`);
    const first = ledger.ledger({ limit: 3 });
    expect(first.data.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ has_more: true, next_after: 3, next_before: 1 });
    const last = ledger.ledger({ limit: 3, after: 6 });
    expect(last).toMatchObject({ has_more: false, next_after: 7, next_before: 7 });
    expect(last.data.map((e) => e.balance_after_micros)).toEqual([28]);
    expect(ledger.ledger({ after: 7 })).toEqual({ data: [], has_more: false, next_after: null, next_before: null });
    expect(() => ledger.ledger({ limit: 0 })).toThrow(/limit must be a whole number from 1 to 500, got 0/);
    expect(() => ledger.ledger({ after: -1 })).toThrow(/after must be/);
  });

  it("order=desc pages newest first with before, and the pages join up to the whole ledger", () => {
    for (let i = 1; i <= 7; i++) ledger.credit(i, `c${i}`);
    const first = ledger.ledger({ limit: 3, order: "desc" });
    expect(first.data.map((e) => e.id)).toEqual([7, 6, 5]);
    expect(first).toMatchObject({ has_more: true, next_after: 7, next_before: 5 });
    const second = ledger.ledger({ limit: 3, order: "desc", before: 5 });
    expect(second.data.map((e) => e.id)).toEqual([4, 3, 2]);
    const third = ledger.ledger({ limit: 3, order: "desc", before: second.next_before ?? 0 });
    expect(third).toMatchObject({ has_more: false, next_before: 1 });
    expect(third.data.map((e) => e.id)).toEqual([1]);
    expect(ledger.ledger({ order: "desc", before: 1 })).toEqual({ data: [], has_more: false, next_after: null, next_before: null });
    expect(ledger.ledger({ order: "desc", before: 100, limit: 2 }).data.map((e) => e.id)).toEqual([7, 6]);
    expect(() => ledger.ledger({ order: "desc", after: 3 })).toThrow(/with order=desc page with before/);
    expect(() => ledger.ledger({ before: 3 })).toThrow(/pass it with order=desc/);
  });
});

describe("atomicity", () => {
  it("a storage failure half-way through a batch leaves nothing half-written", () => {
    ledger.credit(10 * USD, "seed");
    hold("r1", "k1", USD);
    const before = { balance: ledger.balance(), key: ledger.keyState("k1"), entries: ledger.ledger().data };
    const realPutKey = store.putKey.bind(store);
    // The entry has been appended when putKey runs; failing here must undo the entry too.
    store.putKey = () => {
      throw new Error("disk full");
    };
    expect(() => charge("r1", USD, 500_000, { now: T0 + 1 })).toThrow("disk full");
    store.putKey = realPutKey;
    expect({ balance: ledger.balance(), key: ledger.keyState("k1"), entries: ledger.ledger().data }).toEqual(before);
    expect(charge("r1", USD, 500_000, { now: T0 + 2 })).toMatchObject({ ok: true, applied: true });
    expectHealthy();
  });
});
