import { describe, expect, it } from "vitest";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import { simulateLeases } from "./simulate-leases";

const SEEDS = Array.from({ length: 12 }, (_, i) => 7_000 + i);
const STEPS = 2_000;
const inMemory = (now: () => number) => new Ledger(new MemoryLedgerStore(), { now });

describe("leases under random interleavings (simulate-leases.ts)", () => {
  it.each(SEEDS)("seed %i: audits clean after every step, never commits past a cap, charges each batch by the rules", (seed) => {
    const stats = simulateLeases(inMemory, seed, STEPS);
    // The generator must keep reaching the interesting paths.
    expect(stats.grown).toBeGreaterThan(10);
    expect(stats.draws).toBeGreaterThan(10);
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.closed).toBeGreaterThan(0);
  });

  it("exercises shrinking, overshoots, expiry and late batches for expired leases across the seeds", () => {
    const all = SEEDS.map((seed) => simulateLeases(inMemory, seed, STEPS));
    expect(all.reduce((a, s) => a + s.shrunk, 0)).toBeGreaterThan(0);
    expect(all.reduce((a, s) => a + s.overshoots, 0)).toBeGreaterThan(0);
    expect(all.reduce((a, s) => a + s.expired, 0)).toBeGreaterThan(0);
    expect(all.reduce((a, s) => a + s.lateBatches, 0)).toBeGreaterThan(0);
  });
});
