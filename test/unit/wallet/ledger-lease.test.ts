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
  it("grants what the request needs plus free room up to the key's recent demand (at least $0.50), `want` and half of what is left", () => {
    expect(grow("L1", 100_000, 0, 3 * USD)).toMatchObject({ ok: true, granted_micros: 600_000, held_micros: 600_000 });
    // The key's requests drew 4 USD of worst cases just now: its free room may grow to that.
    ledger.leaseSettle("L1", 1, Array.from({ length: 40 }, (_, i) => draw(`r${i}`, 100_000, 0)), 0, false, T0, TTL);
    // Now half of what is left is the limit: the key holds 0.6 of its 5 USD share, half of 4.4 is 2.2.
    expect(grow("L1", 100_000, 0, 3 * USD)).toMatchObject({ ok: true, granted_micros: 2.2 * USD });
    // The key holds 2.8 of its share of 5: half of 2.2 is 1.1.
    expect(grow("L2", 100_000, 0, 3 * USD)).toMatchObject({ ok: true, granted_micros: 1.1 * USD });
    expectAudited();
  });

  it("one key may hold at most half of the wallet: another end user is not left a wallet that looks empty", () => {
    expect(grow("L1", 5 * USD)).toMatchObject({ ok: true, granted_micros: 5 * USD });
    const refused = grow("L1", 1, 0);
    expect(refused).toMatchObject({ ok: false, type: "insufficient_funds", needed_micros: 1, available_micros: 0 });
    expect(refused.ok === false && refused.message).toMatch(/at most 1\/2 of the wallet's \$10\.00 balance/);
    expect(grow("L2", 4 * USD, 0, 0, "k2")).toMatchObject({ ok: true, granted_micros: 4 * USD });
    expectAudited();
  });

  it("near the end grants exactly what is needed, and refuses once that is not there", () => {
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

  it("shrinks the lease when a cap was lowered under it (negative grant), keeping only what the cap allows", () => {
    expect(grow("L1", 100_000, 0, 4 * USD)).toMatchObject({ ok: true, held_micros: 600_000 });
    ledger.upsertKey("k1", 300_000);
    const res = grow("L1", 200_000, 600_000, 0);
    expect(res).toMatchObject({ ok: true, granted_micros: -300_000, held_micros: 300_000 });
    expect(ledger.keyState("k1")).toMatchObject({ cap_micros: 300_000, reserved_micros: 300_000 });
    expectAudited();
  });

  it("refuses a revoked key, also on a pure re-check (worst 0)", () => {
    expect(grow("L1", 0, 0, USD)).toMatchObject({ ok: true });
    ledger.revokeKey("k1");
    expect(grow("L1", 0, USD, 0)).toMatchObject({ ok: false, type: "key_revoked" });
  });

  it("will not grow a closed lease, nor another key's lease", () => {
    grow("L1", 100_000, 0, 0);
    ledger.leaseSettle("L1", 1, [], 0, true, T0, TTL);
    expect(grow("L1", 100_000)).toMatchObject({ ok: false, type: "lease_closed" });
    grow("L2", 100_000, 0, 0, "k1");
    expect(grow("L2", 100_000, 0, 0, "k2")).toMatchObject({ ok: false, type: "lease_closed" });
    expect(ledger.leaseSettle("L1", 1, [], 0, true, T0, TTL)).toMatchObject({ ok: true, applied: false, closed: true }); // closed: a retry changes nothing
  });

  it("a free model's lease on a key the Wallet never saw (nothing granted) still charges its batches", () => {
    expect(grow("L1", 0, 0, 0, "walk-in")).toMatchObject({ ok: true, granted_micros: 0 });
    expect(ledger.leaseSettle("L1", 1, [draw("r1", 0, 0)], 0, true, T0, TTL)).toMatchObject({ ok: true, applied: true, charged_micros: [0] });
    expectAudited();
  });

  it("validates its input", () => {
    expect(() => ledger.leaseGrow("", "k1", 1, 0, 0, T0, TTL)).toThrow(LedgerInputError);
    expect(() => ledger.leaseGrow("L1", "k1", -1, 0, 0, T0, TTL)).toThrow(LedgerInputError);
    expect(() => ledger.leaseGrow("L1", "k1", 1, 0.5, 0, T0, TTL)).toThrow(LedgerInputError);
  });
});

describe("the key's epoch", () => {
  it("a revocation and a cap cut bump it, a cap raise does not, and every lease reply carries it", () => {
    expect(grow("L1", 100_000, 0, 0)).toMatchObject({ ok: true, epoch: 0 });
    ledger.upsertKey("k1", 5 * USD); // from uncapped: a cut
    expect(ledger.leaseSettle("L1", 1, [], 100_000, false, T0, TTL)).toMatchObject({ ok: true, epoch: 1 });
    ledger.upsertKey("k1", 6 * USD); // a raise
    expect(grow("L1", 0, 0, 0)).toMatchObject({ ok: true, epoch: 1 });
    ledger.upsertKey("k1", 2 * USD);
    expect(grow("L1", 0, 0, 0)).toMatchObject({ ok: true, epoch: 2 });
    ledger.revokeKey("k1");
    expect(grow("L1", 0, 0, 0)).toMatchObject({ ok: false, type: "key_revoked", epoch: 3 });
    expect(ledger.leaseSettle("L1", 2, [], 0, true, T0, TTL)).toMatchObject({ ok: true, epoch: 3 });
    expect(grow("L1", 0, 0, 0)).toMatchObject({ ok: false, type: "lease_closed", epoch: 3 });
  });
});

describe("leaseSettle", () => {
  it("charges each request as its own ledger entry at its actual cost in full: above its reservation, an overshoot", () => {
    grow("L1", 600_000);
    const res = ledger.leaseSettle("L1", 1, [draw("r1", 300_000, 120_000), { ...draw("r2", 300_000, 450_000), note: "gpt-4o: n=8 (ok)" }], 300_000, false, T0 + 5, TTL);
    expect(res).toEqual({ ok: true, applied: true, charged_micros: [120_000, 450_000], overshoot_micros: [0, 150_000], closed: false, epoch: 0 });
    const entries = ledger.ledger().data.filter((e) => e.type === "charge");
    expect(entries.map((e) => [e.request_id, e.amount_micros, e.overshoot_micros])).toEqual([
      ["r1", -120_000, 0],
      ["r2", -450_000, 150_000],
    ]);
    expect(entries[1]?.note).toMatch(/gpt-4o: n=8 \(ok\); overshoot: .* by \$0\.15, charged in full/);
    // What was within the reservations came out of the hold; the overshoot out of the balance.
    expect(ledger.balance()).toEqual({ balance_micros: 10 * USD - 570_000, reserved_micros: 600_000 - 420_000, currency: "usd", overshoots: 1, overshoot_micros: 150_000 });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 570_000, reserved_micros: 180_000 });
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
    expect(ledger.balance()).toMatchObject({ balance_micros: 10 * USD - 40_000, reserved_micros: 0 });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 40_000, reserved_micros: 0 });
    expect(ledger.leaseSettle("L1", 2, [draw("r2", 1, 1)], 0, false, T0, TTL)).toMatchObject({ ok: false, type: "lease_closed" });
    expect(ledger.leaseSettle("nope", 1, [], 0, false, T0, TTL)).toMatchObject({ ok: false, type: "unknown_lease" });
    expectAudited();
  });

  it("a draw beyond what the lease still holds is charged in full all the same, from the balance", () => {
    grow("L1", 0, 0, 0); // creates the lease with nothing in it
    grow("L1", 100_000, 0, 0);
    const res = ledger.leaseSettle("L1", 1, [draw("r1", 100_000, 100_000), draw("r2", 100_000, 100_000)], 0, true, T0, TTL);
    expect(res).toMatchObject({ charged_micros: [100_000, 100_000] });
    expect(ledger.balance()).toMatchObject({ balance_micros: 10 * USD - 200_000, reserved_micros: 0 });
    expectAudited();
  });

  it("one malformed charge (negative, NaN, Infinity, fractional) is quarantined at its reservation; the batch and every later one are charged", () => {
    grow("L1", 400_000);
    const bad = [draw("nan", 100_000, Number.NaN), draw("neg", 100_000, -5), draw("inf", 100_000, Number.POSITIVE_INFINITY), draw("frac", 100_000, 1.5)];
    const res = ledger.leaseSettle("L1", 1, [...bad, draw("ok", 100_000, 7)], 0, false, T0, TTL);
    expect(res).toMatchObject({ ok: true, applied: true, charged_micros: [100_000, 100_000, 100_000, 100_000, 7] });
    const notes = ledger.ledger().data.filter((e) => e.type === "charge").map((e) => e.note ?? "");
    expect(notes.slice(0, 4).every((n) => n.includes("malformed charge quarantined"))).toBe(true);
    expect(ledger.leaseSettle("L1", 2, [draw("next", 100_000, 3)], 0, true, T0, TTL)).toMatchObject({ applied: true, charged_micros: [3] });
    expect(ledger.balance()).toMatchObject({ balance_micros: 10 * USD - 400_010, reserved_micros: 0 });
    expectAudited();
  });

});

describe("an expired lease", () => {
  it("is charged its whole hold, even when no batch ever reported what was in flight (a long request past the TTL)", () => {
    grow("L1", 500_000); // one request set its 0.50 USD aside; its isolate never reported
    const { expired } = ledger.expire(T0 + TTL);
    expect(expired).toMatchObject([{ request_id: "L1", status: "expired", charged_micros: 500_000 }]);
    expect(ledger.balance()).toMatchObject({ balance_micros: 10 * USD - 500_000, reserved_micros: 0 });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: 500_000, reserved_micros: 0 });
    expect(ledger.ledger().data.at(-1)).toMatchObject({ type: "expired_charge", amount_micros: -500_000, request_id: "L1" });
    expectAudited();
  });

  it("books a batch that arrives after the expiry against the expiry's charge: nothing charged twice, nothing lost", () => {
    grow("L1", 0, 0, 2 * USD); // 0.50 USD of free room
    ledger.leaseSettle("L1", 1, [draw("r1", 100_000, 80_000)], 250_000, false, T0 + 10, TTL);
    expect(ledger.expire(T0 + 10 + TTL - 1).expired).toHaveLength(0); // the batch pushed the deadline out
    ledger.expire(T0 + 10 + TTL); // charges the 420_000 still held
    const late = [draw("r2", 250_000, 200_000), draw("r3", 50_000, 300_000)];
    const res = ledger.leaseSettle("L1", 2, late, 0, true, T0 + 2 * TTL, TTL);
    // r2 is covered by the expiry charge; r3 uses the 220_000 left of it and pays 80_000 more.
    expect(res).toMatchObject({ ok: true, applied: true, charged_micros: [0, 80_000], overshoot_micros: [0, 250_000] });
    expect(ledger.leaseSettle("L1", 2, late, 0, true, T0 + 2 * TTL, TTL)).toMatchObject({ ok: true, applied: false });
    const spent = 80_000 + 200_000 + 300_000;
    expect(ledger.balance()).toMatchObject({ balance_micros: 10 * USD - spent, reserved_micros: 0 });
    expect(ledger.keyState("k1")).toMatchObject({ spent_micros: spent, reserved_micros: 0 });
    const byRequest = ledger.ledger().data.filter((e) => e.type === "charge").map((e) => e.request_id);
    expect(byRequest).toEqual(["r1", "r2", "r3"]);
    expectAudited();
  });
});
