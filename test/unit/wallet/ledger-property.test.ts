import { describe, expect, it } from "vitest";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import { simulate } from "./simulate";

const SEEDS = Array.from({ length: 20 }, (_, i) => 1_000 + i);
const STEPS = 1_500;

describe("ledger under random interleavings", () => {
  it.each(SEEDS)("seed %i: matches the reference model and keeps every invariant after every step", (seed) => {
    const stats = simulate(new Ledger(new MemoryLedgerStore()), seed, STEPS);
    // Guard against a generator that stopped exercising the interesting paths: an
    // implementation that refused everything must not pass by never being tested.
    expect(stats.reserved).toBeGreaterThan(STEPS * 0.1);
    expect(stats.refused.insufficient_funds).toBeGreaterThan(0);
    expect(stats.refused.cap_exceeded).toBeGreaterThan(0);
    expect(stats.settled).toBeGreaterThan(0);
    expect(stats.expired).toBeGreaterThan(0);
    expect(stats.replayedSettles + stats.replayedReserves + stats.replayedCredits).toBeGreaterThan(0);
  });

  it("exercises every outcome across the seeds", () => {
    const total = SEEDS.map((seed) => simulate(new Ledger(new MemoryLedgerStore()), seed, STEPS)).reduce((a, s) => ({
      revoked: a.revoked + s.refused.key_revoked,
      overshoots: a.overshoots + s.overshoots,
      unknown: a.unknown + s.unknownSettles,
    }), { revoked: 0, overshoots: 0, unknown: 0 });
    expect(total.revoked).toBeGreaterThan(0);
    expect(total.overshoots).toBeGreaterThan(0);
    expect(total.unknown).toBeGreaterThan(0);
  });
});
