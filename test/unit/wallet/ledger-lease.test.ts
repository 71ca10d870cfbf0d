import { beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import { LedgerInputError } from "../../../runtime/wallet/money";

const USD = 1_000_000;
const TTL = 60_000;
const T0 = 1_700_000_000_000;

let ledger: Ledger;

beforeEach(() => {
  ledger = new Ledger(new MemoryLedgerStore(), { now: () => T0 });
  ledger.credit(10 * USD, "top-up");
});

const grow = (lease: string, worst: number, room = 0, want = 0, key = "k1", now = T0) => ledger.leaseGrow(lease, key, worst, room, want, now, TTL);
const draw = (request_id: string, reserved_micros: number, actual_micros: number) => ({ request_id, reserved_micros, actual_micros });

function expectAudited(): void {
  expect(ledger.audit()).toEqual({ ok: true, problems: [] });
}

describe("leaseGrow", () => {
  it("grants what the request needs plus up to `want`, never more than half of what is left", () => {
    expect(grow("L1", 100_000, 0, 3 * USD)).toMatchObject({ ok: true, granted_micros: 3 * USD, held_micros: 3 * USD });
    // 7 USD left: half is 3.5, so `want` 5 is cut to 3.5.
    expect(grow("L1", 100_000, 0, 5 * USD)).toMatchObject({ ok: true, granted_micros: 3.5 * USD, held_micros: 6.5 * USD });
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD, reserved_micros: 6.5 * USD, currency: "usd" });
    expect(ledger.keyState("k1")).toMatchObject({ reserved_micros: 6.5 * USD, spent_micros: 0 });
    expectAudited();
  });

  it("near the end grants exactly what is needed, and refuses like reserve() once that is not there", () => {
    ledger.upsertKey("k1", 1 * USD);
    expect(grow("L1", 900_000, 0, 10 * USD)).toMatchObject({ ok: true, granted_micros: 900_000 });
    // The room (what the isolate has not handed out) counts as available to the request.
    expect(grow("L1", 300_000, 250_000, 0)).toMatchObject({ ok: true, granted_micros: 50_000 });
    expect(grow("L1", 300_000, 0, 0)).toMatchObject({ ok: false, type: "cap_exceeded", needed_micros: 300_000, available_micros: 50_000 });
    expectAudited();
  });

  it("counts at most the lease's own hold as room: an isolate cannot claim more than it was granted", () => {
    expect(grow("L1", 100_000, 0, 0)).toMatchObject({ ok: true, granted_micros: 100_000 });
    ledger.upsertKey("k1", 300_000);
    // Claims 5 USD of room; only 100_000 is held, so the request of 1 USD exceeds the cap.
    expect(grow("L1", USD, 5 * USD, 0)).toMatchObject({ ok: false, type: "cap_exceeded" });
  });

  it("shrinks the lease when a cap was lowered under it (negative grant), keeping only what the request needs", () => {
    expect(grow("L1", 100_000, 0, 4 * USD)).toMatchObject({ ok: true, held_micros: 4 * USD });
    ledger.upsertKey("k1", 1 * USD);
    const res = grow("L1", 200_000, 4 * USD, 0);
    expect(res).toMatchObject({ ok: true, granted_micros: -3_000_000, held_micros: 1 * USD });
    expect(ledger.keyState("k1")).toMatchObject({ cap_micros: USD, reserved_micros: USD });
    expectAudited();
  });

  it("refuses a revoked key, also on a pure re-check (worst 0)", () => {
    expect(grow("L1", 0, 0, USD)).toMatchObject({ ok: true });
    ledger.revokeKey("k1");
    expect(grow("L1", 0, USD, 0)).toMatchObject({ ok: false, type: "key_revoked" });
  });

  it("will not grow a closed lease, nor a plain reservation posing as one", () => {
    grow("L1", 100_000, 0, 0);
    ledger.leaseSettle("L1", 1, [], 0, true, T0, TTL);
    expect(grow("L1", 100_000)).toMatchObject({ ok: false, type: "lease_closed" });
    ledger.reserve("req-1", "k1", 100_000, T0, TTL);
    expect(grow("req-1", 100_000)).toMatchObject({ ok: false, type: "lease_closed" });
    expect(() => ledger.settle("L1", 0, T0)).not.toThrow(); // closed: replays its settlement
  });

  it("validates its input", () => {
    expect(() => ledger.leaseGrow("", "k1", 1, 0, 0, T0, TTL)).toThrow(LedgerInputError);
    expect(() => ledger.leaseGrow("L1", "k1", -1, 0, 0, T0, TTL)).toThrow(LedgerInputError);
    expect(() => ledger.leaseGrow("L1", "k1", 1, 0.5, 0, T0, TTL)).toThrow(LedgerInputError);
  });
});

describe("leaseSettle", () => {
  it("charges each request as its own ledger entry, at most its reservation, waiving the excess", () => {
    grow("L1", 0, 0, 2 * USD);
    const res = ledger.leaseSettle("L1", 1, [draw("r1", 300_000, 120_000), draw("r2", 300_000, 450_000)], 300_000, false, T0 + 5, TTL);
    expect(res).toEqual({ ok: true, applied: true, charged_micros: [120_000, 300_000], closed: false });
    const entries = ledger.ledger().data.filter((e) => e.type === "charge");
    expect(entries.map((e) => [e.request_id, e.amount_micros, e.waived_micros])).toEqual([
      ["r1", -120_000, 0],
      ["r2", -300_000, 150_000],
    ]);
    expect(entries[1]?.note).toContain("waived");
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD - 420_000, reserved_micros: 2 * USD - 420_000, currency: "usd" });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 420_000, reserved_micros: 2 * USD - 420_000 });
    expectAudited();
  });

  it("a repeated batch number changes nothing (a retried call after a lost reply)", () => {
    grow("L1", 0, 0, USD);
    const batch = [draw("r1", 100_000, 100_000)];
    expect(ledger.leaseSettle("L1", 1, batch, 0, false, T0, TTL)).toMatchObject({ applied: true });
    expect(ledger.leaseSettle("L1", 1, batch, 0, false, T0, TTL)).toMatchObject({ ok: true, applied: false });
    expect(ledger.leaseSettle("L1", 2, [draw("r2", 100_000, 1)], 0, false, T0, TTL)).toMatchObject({ applied: true });
    expect(ledger.balance().balance_micros).toBe(10 * USD - 100_001);
    expectAudited();
  });

  it("closing releases the rest of the hold; the lease is then settled for good", () => {
    grow("L1", 0, 0, USD);
    expect(ledger.leaseSettle("L1", 1, [draw("r1", 100_000, 40_000)], 0, true, T0 + 9, TTL)).toMatchObject({ applied: true, closed: true });
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD - 40_000, reserved_micros: 0, currency: "usd" });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 40_000, reserved_micros: 0 });
    expect(ledger.leaseSettle("L1", 2, [draw("r2", 1, 1)], 0, false, T0, TTL)).toMatchObject({ ok: false, type: "lease_closed" });
    expect(ledger.leaseSettle("nope", 1, [], 0, false, T0, TTL)).toMatchObject({ ok: false, type: "unknown_lease" });
    expectAudited();
  });

  it("never charges beyond what the lease holds, whatever the batch claims", () => {
    grow("L1", 0, 0, 0); // creates the lease with nothing in it
    grow("L1", 100_000, 0, 0);
    const res = ledger.leaseSettle("L1", 1, [draw("r1", 100_000, 100_000), draw("r2", 100_000, 100_000)], 0, true, T0, TTL);
    expect(res).toMatchObject({ charged_micros: [100_000, 0] });
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD - 100_000, reserved_micros: 0, currency: "usd" });
    expectAudited();
  });

  it("refuses settle() on a lease: its charges come only through leaseSettle", () => {
    grow("L1", 0, 0, USD);
    expect(() => ledger.settle("L1", 0, T0)).toThrow(/is a lease/);
  });
});

describe("an expired lease", () => {
  it("charges what was in flight at its last batch and releases the rest", () => {
    grow("L1", 0, 0, 2 * USD);
    ledger.leaseSettle("L1", 1, [draw("r1", 100_000, 80_000)], 250_000, false, T0 + 10, TTL);
    expect(ledger.expire(T0 + 10 + TTL - 1).expired).toHaveLength(0); // the batch pushed the deadline out
    const { expired } = ledger.expire(T0 + 10 + TTL);
    expect(expired).toMatchObject([{ request_id: "L1", status: "expired", charged_micros: 80_000 + 250_000 }]);
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD - 330_000, reserved_micros: 0, currency: "usd" });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 330_000, reserved_micros: 0 });
    const last = ledger.ledger().data.at(-1);
    expect(last).toMatchObject({ type: "expired_charge", amount_micros: -250_000, request_id: "L1" });
    expectAudited();
  });
});
