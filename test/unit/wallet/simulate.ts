// A randomized driver for the Ledger: random interleavings of credit, upsertKey, revokeKey,
// single holds (a lease of one draw: leaseGrow for the worst case, one closing leaseSettle
// batch for the actual cost, retried grows and batches as lost replies cause them) and
// expire, each compared with a tiny reference model, with the money invariants checked after
// every step. Free of vitest so the same simulation runs over the in-memory store (node) and
// the SQLite store (workerd). simulate-leases.ts drives many-draw leases the same way.

import type { Ledger } from "../../../runtime/wallet/ledger";
import { seededRandom } from "../../support/random";

const USD = 1_000_000;
const KEYS = ["k0", "k1", "k2", "k3"] as const;
/** Reserved against but never upserted: uncapped, still bound by the wallet. */
const UNKNOWN_KEY = "walk-in";
const EXPIRE_BATCH = 200;

export interface SimulationStats {
  steps: number;
  held: number;
  refused: Record<"insufficient_funds" | "cap_exceeded" | "key_revoked", number>;
  /** Refusals by the key's share of the wallet (counted in insufficient_funds too). */
  shareRefusals: number;
  /** A grow retried after a lost reply: held again, released by the closing batch. */
  replayedGrows: number;
  settled: number;
  replayedBatches: number;
  unknownLeases: number;
  /** Batches that reached a hold after the alarm charged it: settled against that charge. */
  lateBatches: number;
  /** Settles above their reservation: charged in full, recorded as overshoots. */
  overshoots: number;
  expired: number;
  credits: number;
  replayedCredits: number;
}

interface ModelKey {
  cap: number | null;
  spent: number;
  reserved: number;
  revoked: boolean;
  /** spent + reserved when the cap was last set: a lowered cap may sit below it, nothing may rise above. */
  committedAtUpsert: number;
  /** Charged above reservations (overshoots, charged in full): the only way past the cap. */
  overshot: number;
}

interface ModelReservation {
  key: string;
  /** The request's worst case (its draw's reservation). */
  worst: number;
  /** What the Wallet holds for it: the worst case once per grant (retried grows add up). */
  amount: number;
  deadline: number;
  status: "open" | "settled" | "expired";
  /** The last batch number the Wallet applied (0: none). */
  seq: number;
  /** After an expiry: what its charge still covers for a late batch. */
  expiryLeft: number;
}


export function simulate(ledger: Ledger, seed: number, steps: number): SimulationStats {
  const random = seededRandom(seed);
  const int = (max: number): number => Math.floor(random() * (max + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(items.length - 1)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  };

  const stats: SimulationStats = {
    steps,
    held: 0,
    refused: { insufficient_funds: 0, cap_exceeded: 0, key_revoked: 0 },
    shareRefusals: 0,
    replayedGrows: 0,
    settled: 0,
    replayedBatches: 0,
    unknownLeases: 0,
    lateBatches: 0,
    overshoots: 0,
    expired: 0,
    credits: 0,
    replayedCredits: 0,
  };
  let balance = 0;
  let reservedTotal = 0;
  let now = 1_700_000_000_000;
  const keys = new Map<string, ModelKey>();
  const reservations = new Map<string, ModelReservation>();
  const creditRefs = new Map<string, number>();
  const history: string[] = [];
  const modelKey = (id: string): ModelKey =>
    keys.get(id) ?? { cap: null, spent: 0, reserved: 0, revoked: false, committedAtUpsert: 0, overshot: 0 };

  const fail = (step: number, why: string): never => {
    throw new Error(`seed ${seed}, step ${step}: ${why}\nlast operations:\n  ${history.slice(-8).join("\n  ")}`);
  };
  const same = (step: number, what: string, actual: unknown, expected: unknown): void => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      fail(step, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  };

  for (let step = 0; step < steps; step++) {
    now += int(1_500);
    const roll = random();

    if (roll < 0.12) {
      // Credit: sometimes a replayed ref (same amount, as a webhook retry would send).
      const replay = creditRefs.size > 0 && random() < 0.25;
      const ref = replay ? pick([...creditRefs.keys()]) : `evt_${seed}_${step}`;
      const amount = replay ? (creditRefs.get(ref) ?? 0) : 1 + int(3 * USD);
      history.push(`credit(${amount}, ${ref})`);
      const result = ledger.credit(amount, ref);
      same(step, "credit applied", result.applied, !replay);
      if (replay) stats.replayedCredits++;
      else {
        creditRefs.set(ref, amount);
        balance += amount;
        stats.credits++;
      }
    } else if (roll < 0.2) {
      const id = pick(KEYS);
      const cap = random() < 0.2 ? null : int(4 * USD);
      history.push(`upsertKey(${id}, ${cap})`);
      const key = modelKey(id);
      keys.set(id, { ...key, cap, committedAtUpsert: key.spent + key.reserved });
      ledger.upsertKey(id, cap);
    } else if (roll < 0.205) {
      // Only the last key is ever revoked, so the others keep exercising the happy path.
      const id = "k3";
      history.push(`revokeKey(${id})`);
      keys.set(id, { ...modelKey(id), revoked: true });
      ledger.revokeKey(id);
    } else if (roll < 0.7) {
      // A grow: a new hold, or (lost reply) the same lease again while it is open.
      const replay = reservations.size > 0 && random() < 0.1;
      const requestId = replay ? pick([...reservations.keys()]) : `req_${seed}_${step}`;
      const prior = reservations.get(requestId);
      const keyId = prior?.key ?? pick([...KEYS, UNKNOWN_KEY]);
      const key = modelKey(keyId);
      // Aim at the exact boundaries half the time: that is where off-by-one bugs live.
      const walletRoom = balance - reservedTotal;
      const capRoom = key.cap === null ? walletRoom : key.cap - key.spent - key.reserved;
      const shareRoom = Math.floor(Math.max(0, balance) / 2) - key.reserved;
      const worst =
        prior?.worst ??
        (random() < 0.5 ? Math.max(0, pick([walletRoom, walletRoom + 1, capRoom, capRoom + 1, shareRoom, shareRoom + 1])) : int(USD));
      const ttl = 1 + int(8_000);
      history.push(`leaseGrow(${requestId}, ${keyId}, ${worst}, now=${now}, ttl=${ttl})`);
      const result = ledger.leaseGrow(requestId, keyId, worst, 0, 0, now, ttl);

      let expected: "ok" | "share" | "lease_closed" | keyof SimulationStats["refused"];
      if (prior !== undefined && prior.status !== "open") expected = "lease_closed";
      else if (key.revoked) expected = "key_revoked";
      else if (key.cap !== null && Math.max(0, key.cap - key.spent - key.reserved) < worst) expected = "cap_exceeded";
      else if (Math.max(0, walletRoom) < worst) expected = "insufficient_funds";
      else if (shareRoom < worst) expected = "share";
      else expected = "ok";

      const got = result.ok ? "ok" : result.type;
      same(step, "grow outcome", got, expected === "share" ? "insufficient_funds" : expected);
      if (expected === "ok") {
        // A new hold is granted exactly its worst case (want 0); a retried grow the same again.
        same(step, "granted", result.ok && result.granted_micros, worst);
        const r = prior ?? { key: keyId, worst, amount: 0, deadline: 0, status: "open" as const, seq: 0, expiryLeft: 0 };
        reservations.set(requestId, { ...r, amount: r.amount + worst, deadline: Math.max(r.deadline, now + ttl) });
        keys.set(keyId, { ...key, reserved: key.reserved + worst });
        reservedTotal += worst;
        if (prior) stats.replayedGrows++;
        else stats.held++;
      } else if (expected === "share") {
        stats.refused.insufficient_funds++;
        stats.shareRefusals++;
      } else if (expected !== "lease_closed") stats.refused[expected]++;
    } else if (roll < 0.9) {
      // The hold's batch: its one draw, closing it; or a retried batch (same number).
      const unknown = reservations.size === 0 || random() < 0.03;
      // Mostly a hold still open (its request ended), else any: retries, late and closed ones.
      const open = [...reservations.entries()].filter(([, r]) => r.status === "open").map(([id]) => id);
      const requestId = unknown ? `ghost_${step}` : pick(open.length > 0 && random() < 0.7 ? open : [...reservations.keys()]);
      const r = reservations.get(requestId);
      const actual = int(Math.round((r?.worst ?? USD) * 1.3));
      // One draw per hold: after its late batch an expired hold only sees retries of it.
      const retry = r !== undefined && r.seq > 0 && (r.status === "expired" || random() < 0.7);
      const seq = r === undefined ? 1 : retry ? r.seq : r.seq + 1;
      const draw = { request_id: `${requestId}.draw`, reserved_micros: r?.worst ?? 0, actual_micros: actual };
      history.push(`leaseSettle(${requestId}, ${seq}, actual ${actual}, close, now=${now})`);
      const result = ledger.leaseSettle(requestId, seq, [draw], 0, true, now, 8_000);
      if (r === undefined) {
        same(step, "batch of an unknown lease", result.ok ? "ok" : result.type, "unknown_lease");
        stats.unknownLeases++;
      } else if (retry) {
        same(step, "retried batch", result.ok && [result.applied, result.charged_micros], [false, []]);
        stats.replayedBatches++;
      } else if (r.status === "settled") {
        same(step, "batch after the closing one", result.ok ? "ok" : result.type, "lease_closed");
      } else if (!result.ok) {
        fail(step, `batch of a known lease failed: ${result.message}`);
      } else {
        // Charged in full: above the reservation too (an overshoot), never waived; after an
        // expiry only what the expiry's charge does not already cover.
        const over = Math.max(0, actual - r.worst);
        const covered = r.status === "expired" ? Math.min(actual, r.expiryLeft) : 0;
        same(step, "batch charge", [result.applied, result.charged_micros, result.overshoot_micros], [true, [actual - covered], [over]]);
        const key = modelKey(r.key);
        if (r.status === "open") {
          keys.set(r.key, { ...key, spent: key.spent + actual, reserved: key.reserved - r.amount, overshot: key.overshot + over });
          reservedTotal -= r.amount;
          reservations.set(requestId, { ...r, status: "settled", seq });
          stats.settled++;
        } else {
          keys.set(r.key, { ...key, spent: key.spent + actual - covered, overshot: key.overshot + over });
          reservations.set(requestId, { ...r, seq, expiryLeft: r.expiryLeft - covered });
          stats.lateBatches++;
        }
        balance -= actual - covered;
        if (over > 0) stats.overshoots++;
      }
    } else {
      now += int(6_000);
      const due = [...reservations.entries()]
        .filter(([, r]) => r.status === "open" && r.deadline <= now)
        .sort(([a, x], [b, y]) => x.deadline - y.deadline || (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, EXPIRE_BATCH);
      history.push(`expire(now=${now})`);
      const result = ledger.expire(now);
      same(step, "expired request ids", result.expired.map((s) => s.request_id), due.map(([id]) => id));
      for (const [id, r] of due) {
        // The whole hold is charged; a batch arriving later is settled against it.
        const key = modelKey(r.key);
        keys.set(r.key, { ...key, spent: key.spent + r.amount, reserved: key.reserved - r.amount });
        reservations.set(id, { ...r, status: "expired", expiryLeft: r.amount });
        balance -= r.amount;
        reservedTotal -= r.amount;
      }
      stats.expired += due.length;
      const open = [...reservations.values()].filter((r) => r.status === "open").map((r) => r.deadline);
      same(step, "next deadline", result.next_deadline_ms, open.length === 0 ? null : Math.min(...open));
    }

    checkInvariants(step);
  }
  checkLedgerSum(steps);
  return stats;

  function checkInvariants(step: number): void {
    const b = ledger.balance();
    // Only an overshoot (charged in full whatever is left) may take the balance below the holds.
    if (b.overshoot_micros === 0 && b.balance_micros < 0) fail(step, `balance went negative: ${b.balance_micros}`);
    if (b.overshoot_micros === 0 && b.reserved_micros > b.balance_micros) fail(step, `reservations ${b.reserved_micros} exceed balance ${b.balance_micros}`);
    same(step, "balance", [b.balance_micros, b.reserved_micros], [balance, reservedTotal]);
    for (const [id, key] of keys) {
      const state = ledger.keyState(id);
      same(step, `key ${id}`, [state.cap_micros, state.spent_micros, state.reserved_micros, state.revoked], [key.cap, key.spent, key.reserved, key.revoked]);
      const committed = state.spent_micros + state.reserved_micros;
      if (state.cap_micros !== null && committed > Math.max(state.cap_micros, key.committedAtUpsert) + key.overshot) {
        fail(step, `key ${id} overshot its cap: spent ${state.spent_micros} + reserved ${state.reserved_micros} > cap ${state.cap_micros}`);
      }
    }
    const audit = ledger.audit();
    if (!audit.ok) fail(step, `audit: ${audit.problems.join("; ")}`);
    if (step % 100 === 0) checkLedgerSum(step);
  }

  function checkLedgerSum(step: number): void {
    let sum = 0;
    let lastId = 0;
    let lastBalanceAfter = 0;
    for (let after = 0; ; ) {
      const page = ledger.ledger({ limit: 500, after });
      for (const entry of page.data) {
        if (entry.id <= lastId) fail(step, `ledger ids not increasing: ${entry.id} after ${lastId}`);
        lastId = entry.id;
        sum += entry.amount_micros;
        if (entry.balance_after_micros !== sum) fail(step, `entry ${entry.id} says balance ${entry.balance_after_micros}, running sum is ${sum}`);
        lastBalanceAfter = entry.balance_after_micros;
      }
      if (!page.has_more || page.next_after === null) break;
      after = page.next_after;
    }
    same(step, "sum of ledger entries", [sum, lastBalanceAfter], [balance, balance]);
  }
}
