// Leases under random interleavings: isolates growing, spending, settling and closing leases
// (modelled the way runtime/gateway/leases.ts uses them), mixed with credits, cap changes,
// revocations, single holds (leases of one draw) and expiries. After every step the ledger must audit clean,
// no key may hold or spend past its cap (beyond what it held when a lower cap was set), and
// each batch must charge exactly what the isolate's rules say. Free of vitest, like
// simulate.ts, so it runs over the in-memory store (node) and DO SQLite (workerd).
import type { Ledger } from "../../../runtime/wallet/ledger";
import { seededRandom } from "../../support/random";

const USD = 1_000_000;
const TTL = 60_000;
const KEY_SLOTS = 3;

interface IsolateLease {
  id: string;
  key: string;
  room: number;
  inflight: Map<string, number>;
  ended: Array<{ request_id: string; reserved_micros: number; actual_micros: number }>;
  seq: number;
}

export interface LeaseSimulationStats {
  grown: number;
  refused: number;
  shrunk: number;
  draws: number;
  overshoots: number;
  closed: number;
  expired: number;
  /** Batches that reached a lease after its expiry: booked against the expiry's charge. */
  lateBatches: number;
}

/** `makeLedger` gets the simulation's clock (credits and key changes are stamped with it). */
export function simulateLeases(makeLedger: (now: () => number) => Ledger, seed: number, steps: number): LeaseSimulationStats {
  const random = seededRandom(seed);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length - 1)] as T;
  let now = 1_700_000_000_000;
  const ledger = makeLedger(() => now);
  const leases: IsolateLease[] = [];
  /** A cap and what the key had committed when it was set: holds granted before may sit above a lowered cap, nothing new may. */
  const caps = new Map<string, { cap: number | null; committedAtSet: number }>();
  const stats = { grown: 0, refused: 0, shrunk: 0, draws: 0, overshoots: 0, closed: 0, expired: 0, lateBatches: 0 };
  /** Per key: charged above reservations (overshoots are charged in full: the only way past a cap). */
  const overshot = new Map<string, number>();
  const overshoot = (k: string, micros: number) => overshot.set(k, (overshot.get(k) ?? 0) + micros);
  /** Leases the Wallet expired: their batches are booked late, against the expiry's charge. */
  const expiredLeases = new Set<string>();
  let n = 0;
  // A revoked key stays revoked: its slot gets a new key, as an app would issue one.
  const KEYS = Array.from({ length: KEY_SLOTS }, (_, i) => `k${i}`);

  const check = (step: number, what: string) => {
    const audit = ledger.audit();
    if (!audit.ok) throw new Error(`seed ${seed} step ${step} (${what}): ${audit.problems.join("; ")}`);
    for (const k of KEYS) {
      const c = caps.get(k);
      if (c === undefined || c.cap === null) continue;
      const s = ledger.keyState(k);
      if (s.spent_micros + s.reserved_micros > Math.max(c.cap, c.committedAtSet) + (overshot.get(k) ?? 0)) {
        throw new Error(`seed ${seed} step ${step} (${what}): ${k} committed past its cap`);
      }
    }
    for (const l of leases) if (l.room < 0) throw new Error(`seed ${seed} step ${step}: negative room`);
  };

  ledger.credit(5 * USD, "seed");
  for (let step = 0; step < steps; step++) {
    const roll = random();
    let what = "";
    if (roll < 0.04) {
      what = "credit";
      ledger.credit(1 + int(5 * USD), `c${step}`);
    } else if (roll < 0.08) {
      const k = pick(KEYS);
      const cap = int(4) === 0 ? null : int(3 * USD);
      const st = ledger.keyState(k);
      caps.set(k, { cap, committedAtSet: st.spent_micros + st.reserved_micros });
      ledger.upsertKey(k, cap);
      what = `cap ${k} ${cap}`;
    } else if (roll < 0.09) {
      const slot = int(KEY_SLOTS - 1);
      const k = KEYS[slot] as string;
      ledger.revokeKey(k);
      KEYS[slot] = `${k}.${step}`;
      what = `revoke ${k}`;
    } else if (roll < 0.35) {
      // A request starts in an isolate: from its room, or by growing (a new lease if none).
      const k = pick(KEYS);
      const worst = 1 + int(300_000);
      let lease = leases.find((l) => l.key === k && int(3) > 0);
      if (!lease) {
        lease = { id: `L${step}`, key: k, room: 0, inflight: new Map(), ended: [], seq: 0 };
        leases.push(lease);
      }
      if (lease.room < worst || int(9) === 0) {
        const res = ledger.leaseGrow(lease.id, k, worst, lease.room, int(2) * worst * 8, now, TTL);
        if (!res.ok) {
          stats.refused++;
          if (res.type === "lease_closed") leases.splice(leases.indexOf(lease), 1);
          what = `grow refused ${res.type}`;
          check(step, what);
          continue;
        }
        if (res.granted_micros < 0) stats.shrunk++;
        lease.room += res.granted_micros;
        stats.grown++;
        if (lease.room < worst) throw new Error(`seed ${seed} step ${step}: grow accepted but room ${lease.room} < worst ${worst}`);
      }
      lease.room -= worst;
      lease.inflight.set(`r${n++}`, worst);
      what = `start on ${lease.id}`;
    } else if (roll < 0.6) {
      // A request ends: back to the room what it did not use; the charge waits for a batch.
      const lease = pick(leases.filter((l) => l.inflight.size > 0).concat([undefined as never]));
      if (!lease) continue;
      const [id, worst] = [...lease.inflight.entries()][0] as [string, number];
      lease.inflight.delete(id);
      const actual = int(5) === 0 ? worst + int(50_000) : int(worst);
      lease.room += worst - Math.min(actual, worst);
      lease.ended.push({ request_id: id, reserved_micros: worst, actual_micros: actual });
      what = `end ${id}`;
    } else if (roll < 0.8) {
      // A batch, sometimes closing an idle lease, sometimes repeated (lost reply).
      const lease = pick(leases.concat([undefined as never]));
      if (!lease) continue;
      const inflight = [...lease.inflight.values()].reduce((a, b) => a + b, 0);
      const close = lease.inflight.size === 0 && int(2) === 0;
      lease.seq += 1;
      const before = ledger.balance().balance_micros;
      const res = ledger.leaseSettle(lease.id, lease.seq, lease.ended, inflight, close, now, TTL);
      const late = expiredLeases.has(lease.id);
      if (res.ok && res.applied) {
        // Every draw is charged its actual cost in full; after an expiry, only what the
        // expiry's charge does not already cover.
        const full = lease.ended.map((d) => d.actual_micros);
        const ok = late ? res.charged_micros.every((c, i) => c >= 0 && c <= (full[i] ?? 0)) : JSON.stringify(res.charged_micros) === JSON.stringify(full);
        if (!ok) throw new Error(`seed ${seed} step ${step}: charged ${JSON.stringify(res.charged_micros)}, actual ${JSON.stringify(full)}${late ? " (late)" : ""}`);
        if (before - ledger.balance().balance_micros !== res.charged_micros.reduce((a, b) => a + b, 0)) {
          throw new Error(`seed ${seed} step ${step}: the balance moved by something else than the batch's charges`);
        }
        const over = lease.ended.map((d) => Math.max(0, d.actual_micros - d.reserved_micros));
        if (JSON.stringify(res.overshoot_micros) !== JSON.stringify(over)) throw new Error(`seed ${seed} step ${step}: overshoots ${JSON.stringify(res.overshoot_micros)}, expected ${JSON.stringify(over)}`);
        overshoot(lease.key, over.reduce((a, b) => a + b, 0));
        stats.draws += full.length;
        stats.overshoots += over.filter((o) => o > 0).length;
        if (late) stats.lateBatches++;
        if (int(4) === 0) {
          const again = ledger.leaseSettle(lease.id, lease.seq, lease.ended, inflight, close, now, TTL);
          if (!again.ok || again.applied) throw new Error(`seed ${seed} step ${step}: a repeated batch was applied again`);
        }
      } else if (!res.ok && !(res.type === "unknown_lease" && lease.ended.length === 0)) {
        // Only a lease whose first grow was refused is unknown to the Wallet (it has no draws).
        throw new Error(`seed ${seed} step ${step}: batch refused: ${res.message}`);
      }
      lease.ended = [];
      if (close || late || !res.ok) {
        if (close && !late) stats.closed++;
        leases.splice(leases.indexOf(lease), 1);
      }
      what = `batch ${lease.id}#${lease.seq}${close ? " close" : ""}`;
    } else if (roll < 0.9) {
      // A single hold: a lease of one draw, closed by its one batch (or left to expire).
      const r = `p${step}`;
      const k = pick(KEYS);
      const worst = 1 + int(200_000);
      const res = ledger.leaseGrow(r, k, worst, 0, 0, now, TTL);
      if (res.ok && int(1) === 0) {
        const actual = int(250_000);
        const settled = ledger.leaseSettle(r, 1, [{ request_id: `${r}-req`, reserved_micros: worst, actual_micros: actual }], 0, true, now, TTL);
        if (!settled.ok || JSON.stringify(settled.charged_micros) !== JSON.stringify([actual])) {
          throw new Error(`seed ${seed} step ${step}: a single hold's batch charged ${JSON.stringify(settled)}, actual ${actual}`);
        }
        overshoot(k, settled.overshoot_micros[0] ?? 0);
      }
      what = "single hold";
    } else {
      now += int(3) === 0 ? TTL : int(5_000);
      const { expired } = ledger.expire(now);
      for (const e of expired) expiredLeases.add(e.request_id);
      stats.expired += expired.length;
      what = "time passes";
    }
    check(step, what);
  }
  return stats;
}
