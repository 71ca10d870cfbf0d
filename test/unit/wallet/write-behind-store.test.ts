import { describe, expect, it } from "vitest";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import { WriteBehindStore } from "../../../runtime/wallet/write-behind-store";
import { seededRandom } from "../../support/random";
import { simulate } from "./simulate";

/** A Ledger whose reserves run with deferred writes, flushed at random moments, as the Wallet does. */
function deferringLedger(store: WriteBehindStore, seed: number): Ledger {
  const ledger = new Ledger(store);
  const random = seededRandom(seed);
  const reserve = ledger.reserve.bind(ledger);
  ledger.reserve = (...args: Parameters<Ledger["reserve"]>) => {
    const out = store.deferWrites(() => reserve(...args));
    if (random() < 0.3) store.flush();
    return out;
  };
  return ledger;
}

describe("write-behind reservations", () => {
  it.each([11, 12, 13, 14, 15])("seed %i: the same outcomes as writing through, every invariant after every step", (seed) => {
    const through = simulate(new Ledger(new MemoryLedgerStore()), seed, 1_500);
    const behind = simulate(deferringLedger(new WriteBehindStore(new MemoryLedgerStore()), seed + 1_000), seed, 1_500);
    expect(behind).toEqual(through);
    expect(behind.reserved).toBeGreaterThan(100);
  });

  it("keeps a hold in memory until flushed, and decides the next reserve against it", () => {
    const inner = new MemoryLedgerStore();
    const store = new WriteBehindStore(inner);
    const ledger = new Ledger(store);
    ledger.credit(1_000, "seed");
    ledger.upsertKey("k", 600);
    const first = store.deferWrites(() => ledger.reserve("r1", "k", 500, 1, 60_000));
    expect(first.ok).toBe(true);
    expect(store.dirty).toBe(true);
    expect(inner.reservation("r1")).toBeNull(); // not written yet
    // The cap (600) cannot cover a second 500 while the first is pending in memory.
    const second = store.deferWrites(() => ledger.reserve("r2", "k", 500, 1, 60_000));
    expect(second).toMatchObject({ ok: false, type: "cap_exceeded" });
    store.flush();
    expect(store.dirty).toBe(false);
    expect(inner.reservation("r1")?.amount_micros).toBe(500);
    expect(inner.totals()).toEqual({ balance_micros: 1_000, reserved_micros: 500 });
  });

  it("any other operation writes pending holds first", () => {
    const inner = new MemoryLedgerStore();
    const store = new WriteBehindStore(inner);
    const ledger = new Ledger(store);
    ledger.credit(1_000, "seed");
    store.deferWrites(() => ledger.reserve("r1", "k", 300, 1, 60_000));
    const settled = ledger.settle("r1", 100, 2);
    expect(settled.ok).toBe(true);
    expect(store.dirty).toBe(false);
    expect(inner.totals()).toEqual({ balance_micros: 900, reserved_micros: 0 });
  });

  it("refuses to defer anything but a reservation's own writes", () => {
    const store = new WriteBehindStore(new MemoryLedgerStore());
    const ledger = new Ledger(store);
    expect(() => store.deferWrites(() => ledger.credit(5, "x"))).toThrow(/only a reservation/);
  });
});

describe("write-behind cache after a failed write", () => {
  it("drops its copies of the hot rows when a transaction fails, so reads match storage again", () => {
    const inner = new MemoryLedgerStore();
    // The settle's last write fails: the key and totals rows were already written (and cached).
    let failNext = false;
    const put = inner.putReservation.bind(inner);
    inner.putReservation = (row) => {
      if (failNext && row.status === "settled") {
        failNext = false;
        throw new Error("disk full");
      }
      return put(row);
    };
    const store = new WriteBehindStore(inner);
    const ledger = new Ledger(store);
    ledger.credit(1_000, "seed");
    ledger.upsertKey("k", null);
    store.deferWrites(() => ledger.reserve("r1", "k", 400, 1, 60_000));
    store.flush();
    const before = { totals: inner.totals(), key: inner.key("k") };
    failNext = true;
    expect(() => ledger.settle("r1", 100, 2)).toThrow(/disk full/);
    // The failed settle changed nothing, in storage or in what the store reports.
    expect(store.totals()).toEqual(inner.totals());
    expect(store.key("k")).toEqual(inner.key("k"));
    expect(inner.totals()).toEqual({ balance_micros: 1_000, reserved_micros: 400 });
    expect(before).toEqual({ totals: inner.totals(), key: inner.key("k") });
    // And the next settle goes through.
    expect(ledger.settle("r1", 100, 3).ok).toBe(true);
    expect(store.totals()).toEqual({ balance_micros: 900, reserved_micros: 0 });
  });
});
