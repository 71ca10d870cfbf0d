// Budget leases: how a gateway isolate keeps the Wallet off most requests' path.
//
// Per (tenant, key), the isolate holds one lease — a hold in the tenant's Wallet, granted by
// `leaseGrow` — and splits it among its requests itself: each request sets its worst case
// aside from the lease's unassigned room, synchronously, with no call out. When a request
// ends, its actual cost is queued and, FLUSH_MS later, sent with the others that ended
// meanwhile in one `leaseSettle` call, which writes one ledger charge and one usage row per
// request. So a steady stream of requests costs the Wallet one call per FLUSH_MS window
// instead of two per request.
//
// Money rules are unchanged: the lease is itself held against the balance and the key's cap,
// and no request spends outside it, so nothing can overdraw either, under any concurrency.
// A request the room cannot cover asks the Wallet to grow the lease, and is refused exactly
// as a reservation of its own would be (the room counts as available to it). Before it comes
// to that, a request that leaves the room low (or finds the last check half its age limit
// old) tops the lease up in the background, so under steady load requests do not wait for
// the Wallet at all; a top-up never takes room back, so spending during it is safe.
//
// What differs from one reservation per request:
// - other isolates see this isolate's unassigned room as held (GET /v1/wallet shows it as
//   reserved until the lease closes, FLUSH_MS after the key's last request here); near a cap
//   that can refuse a request another isolate's room could have covered. The Wallet grants at
//   most half of what is left, which bounds it.
// - a revocation or a cap cut bumps the key's epoch, which every Wallet reply carries: an
//   isolate that sees a newer one stops spending its room at once and re-checks before the
//   next request (so within one batch while its requests end, at the latest RECHECK_MS after
//   its last check: every Wallet reply with an unchanged epoch — a batch's too — counts as a
//   check, and a request that finds the last one RECHECK_MS old waits for a fresh one); the
//   isolate that handled the change drops its lease at once. A lease's free room is bounded
//   by the key's recent demand (wallet/lease-rules.ts), which bounds what an isolate can
//   admit before it hears.
// - charges reach the ledger FLUSH_MS after the request ends; reads through this isolate
//   (wallet, usage, keys) flush first, so they always see their own requests.
// - while requests run, the lease sends a heartbeat (an empty batch) every HEARTBEAT_MS,
//   which keeps it from expiring under a long request. An isolate that dies: the lease
//   expires after the reservation TTL, charged its whole hold; a batch that still arrives
//   is settled against that charge (nothing twice, nothing lost).
// - every charge is the request's actual cost in full, above its worst case too (an
//   overshoot, flagged); a malformed one (negative, NaN, …) is charged the worst case.
//
// The lease's state is explicit values with pure, tested transitions (lease-state.ts); its
// batches' timers and sends are lease-sender.ts; what a refusal tells the caller, lease-refusal.ts.

import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import { walletFor } from "../wallet/stub";
import type { LeaseGrowResult, ReserveRefusal } from "../wallet/types";
import type { ChargedUsage } from "../wallet/usage-outbox";
import { refusalError } from "./lease-refusal";
import { Lease, flush, flushSoon, heartbeat, slotOf } from "./lease-sender";
import {
  checkAge,
  confirmedByTopUp,
  drawQueued,
  epochHeard,
  grantedByGrow,
  keyForgotten,
  refusedByGrow,
  refusedByTopUp,
  requestDrew,
  requestEnded,
  requestStarted,
  roomGranted,
  withCheck,
} from "./lease-state";

/**
 * How long an isolate spends from its lease without hearing from the Wallet (revocations and cap
 * cuts land everywhere within this: the contract's 100 ms). Under load the lease's batches
 * (every FLUSH_MS) are the checks; a lease whose requests start but do not end re-checks in
 * the background from RECHECK_MS / 2.
 */
const RECHECK_MS = 100;
/** Between heartbeats of a lease whose requests run (far below the Wallet's 10-minute TTL). */
const HEARTBEAT_MS = 60_000;
/** How long a request may wait for its turn at the Wallet. */
const GIVE_UP_MS = 30_000;
/** A lease asks for this many of the current request's worst case at a time. */
const WANT_WORST_CASES = 64;
/**
 * Refill ahead: when a request leaves less room than this many of its worst case, or the last
 * check is older than half of RECHECK_MS, the lease is topped up and re-checked in the
 * background while requests go on spending what is there. Only a lease that ran dry or whose
 * check is RECHECK_MS old makes requests wait for the Wallet. A lease whose last grant fell
 * short of what it asked for (a small cap, a nearly empty wallet) is not topped up for low
 * room — that would be one call per request for nothing — only re-checked on age.
 */
const LOW_WATER_WORST_CASES = 16;

/** What a lease asks the Wallet for at a time, for a request with this worst case. */
const wantFor = (worstMicros: number) => Math.min(Number.MAX_SAFE_INTEGER, worstMicros * WANT_WORST_CASES);

/** A request's share of a lease, from `reserve` until `settle`. */
export interface Hold {
  readonly lease: Lease;
  readonly requestId: string;
  readonly worstMicros: number;
  settled: boolean;
}

export interface LeaseBookOptions {
  /** Between heartbeats of a lease with requests running (default HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** How old the Wallet's last word on the key may be before a request waits for a new one (default RECHECK_MS). */
  recheckMs?: number;
}

export class LeaseBook {
  private readonly leases = new Map<string, Lease>();
  private readonly heartbeatMs: number;
  private readonly recheckMs: number;

  constructor(options: LeaseBookOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.recheckMs = options.recheckMs ?? RECHECK_MS;
  }

  /**
   * Sets `worstMicros` aside for a request, growing the key's lease when its room is short.
   * Throws the contract's 402 (`insufficient_funds`, `cap_exceeded`) or 401 (revoked).
   * With `minMicros` (≤ worstMicros), a request the key's cap or the wallet cannot cover in
   * full holds the largest amount in [minMicros, worstMicros] that can be covered instead —
   * the hold's `worstMicros` says how much — and is refused only when not even minMicros
   * can: the caller then limits the upstream call to what was held.
   */
  async reserve(
    env: Env,
    key: KeyRecord,
    requestId: string,
    worstMicros: number,
    keepAlive?: (work: Promise<void>) => void,
    opts?: { minMicros?: number },
  ): Promise<Hold> {
    const slot = slotOf(key.tenant_id, key.id);
    const floor = opts?.minMicros !== undefined && opts.minMicros <= worstMicros ? Math.max(0, opts.minMicros) : worstMicros;
    // What this request asks for now: its worst case, lowered towards `floor` by each refusal.
    let amount = worstMicros;
    // Each turn either takes room or waits for one Wallet call; many requests at once may wait
    // through several calls of the others. The bound only stops a bug from spinning forever.
    const giveUpAt = Date.now() + GIVE_UP_MS;
    while (Date.now() < giveUpAt) {
      let lease = this.leases.get(slot);
      if (lease === undefined) {
        lease = new Lease(key.tenant_id, key.id);
        this.leases.set(slot, lease);
      }
      // One call to the Wallet at a time per lease, and no spending while a grow runs (it may
      // shrink the room); the others wait for it and look again.
      if (lease.call.kind === "growing") {
        await lease.call.done;
        continue;
      }
      const age = lease.phase.kind === "open" ? checkAge(lease.phase.check, Date.now()) : Number.POSITIVE_INFINITY;
      if (lease.budget.room >= amount && age < this.recheckMs) {
        lease.budget = requestDrew(lease.budget, amount);
        lease.batches = requestStarted(lease.batches);
        const low = !lease.budget.starved && lease.budget.room < amount * LOW_WATER_WORST_CASES;
        if (lease.call.kind === "idle" && (low || age > this.recheckMs / 2)) {
          const topping = this.topUp(env, lease, amount);
          keepAlive?.(topping);
        }
        heartbeat(env, lease, this.heartbeatMs, this.drop);
        return { lease, requestId, worstMicros: amount, settled: false };
      }
      // Short or stale while a top-up is on its way: its answer may be all this request needs.
      if (lease.call.kind === "topping") {
        await lease.call.done;
        continue;
      }
      const growing = this.grow(env, lease, amount);
      lease.call = {
        kind: "growing",
        done: growing.then(
          () => {},
          () => {},
        ),
      };
      let refusal: ReserveRefusal | undefined;
      try {
        refusal = await growing;
      } finally {
        lease.call = { kind: "idle" };
      }
      if (refusal === undefined) continue;
      // The refusal says what could be covered (the lease's room counted in): hold that much
      // when it is still at least the floor. Each refusal lowers the amount, so this ends.
      const coverable = Math.min(amount - 1, refusal.available_micros);
      if (refusal.type !== "key_revoked" && coverable >= floor) {
        amount = coverable;
        continue;
      }
      throw refusalError(refusal, key.scope);
    }
    throw new ApiError("overloaded", `could not set this request's worst case aside within ${GIVE_UP_MS / 1000} s; retry the request`);
  }

  /**
   * Returns what the request did not use to the lease and queues its charge: its actual cost
   * in full (the Wallet charges any excess over the worst case from the balance and flags it
   * as an overshoot). A malformed cost (negative, NaN, Infinity, fractional) must neither be
   * sent as is — the Wallet would quarantine it anyway — nor go uncharged: the request is
   * charged its worst case, with a note. Returns the promise of the flush that will carry the
   * charge when this call scheduled it — hand it to waitUntil — and undefined when a flush
   * already scheduled (and kept alive by the request that scheduled it) carries it.
   */
  settle(env: Env, hold: Hold, actualCost: number, text: string, usage: ChargedUsage | undefined): Promise<void> | undefined {
    if (hold.settled) return undefined;
    hold.settled = true;
    const { lease, worstMicros } = hold;
    const wellFormed = Number.isSafeInteger(actualCost) && actualCost >= 0;
    const actualMicros = wellFormed ? actualCost : worstMicros;
    const note = wellFormed ? text : `${text}; malformed cost ${String(actualCost)} quarantined: charged the worst case`;
    lease.budget = requestEnded(lease.budget, worstMicros, actualMicros);
    lease.batches = drawQueued(lease.batches, { request_id: hold.requestId, reserved_micros: worstMicros, actual_micros: actualMicros, note, ...(usage ? { usage } : {}) });
    if (lease.soon) return undefined;
    return flushSoon(env, lease, this.drop);
  }

  /** Sends every lease's queued charges for this tenant now and closes the idle ones: before reading money. */
  async flushTenant(env: Env, tenantId: string): Promise<void> {
    const mine = [...this.leases.values()].filter((l) => l.tenantId === tenantId);
    // A top-up on its way would keep an idle lease open, its room shown as reserved: let it land.
    await Promise.all(mine.map(toppingDone));
    await Promise.all(mine.map((l) => flush(env, l, true, this.drop)));
  }

  /** Sends one key's queued charges now (a standard key reading its own usage flushes nothing else). */
  async flushKey(env: Env, tenantId: string, keyId: string): Promise<void> {
    const lease = this.leases.get(slotOf(tenantId, keyId));
    if (lease === undefined) return;
    await toppingDone(lease);
    await flush(env, lease, true, this.drop);
  }

  /** The isolate that revokes a key or changes its cap stops spending from its lease at once. */
  forgetKey(tenantId: string, keyId: string): void {
    const lease = this.leases.get(slotOf(tenantId, keyId));
    if (lease) lease.phase = withCheck(lease.phase, keyForgotten);
  }

  /**
   * Asks for more room and re-checks the key without stopping anyone: requests keep spending
   * the room while the call is out. So it must not take room back — it reports no room and
   * no request of its own (worst 0), for which the Wallet grants 0 or more and refuses only a
   * revoked key. A refusal or a newer key epoch (a revocation or a cap cut, which may have
   * left the lease over-committed) marks the lease unchecked, so the next request asks the
   * Wallet itself with its real room and waits, exactly as it would have without this.
   */
  private topUp(env: Env, lease: Lease, worstMicros: number): Promise<void> {
    const sentAt = Date.now();
    const generation = lease.generation();
    // At least 1 µ$ (a free model's worst case is 0): then "nothing granted" always means the
    // wallet or the key's cap has no headroom left.
    const want = Math.max(1, wantFor(worstMicros));
    const topping = (async () => {
      try {
        const res = await walletFor(env.WALLET, lease.tenantId).leaseGrow(lease.id, lease.keyId, 0, 0, want);
        lease.phase = withCheck(lease.phase, (c) => epochHeard(c, res.epoch));
        if (res.ok) {
          lease.budget = roomGranted(lease.budget, res.granted_micros, want);
          // Granted or not (the wallet, the cap or the lease's free-room bound may leave nothing
          // to add), the key is confirmed: a cap cut or a revocation would have come back as a
          // newer epoch or a refusal.
          lease.phase = withCheck(lease.phase, (c) => confirmedByTopUp(c, generation, sentAt));
        } else if (res.type === "lease_closed") {
          this.drop(lease);
        } else {
          lease.phase = withCheck(lease.phase, refusedByTopUp);
        }
      } catch (e) {
        // Unknown whether it was granted: the room stays as it was (a grant we did not hear of
        // is released when the lease closes); the next blocking check happens on schedule.
        console.error(`lease ${lease.id} top-up: ${(e as Error).message}`);
      } finally {
        if (lease.call.kind === "topping") lease.call = { kind: "idle" };
      }
    })();
    lease.call = { kind: "topping", done: topping };
    return topping;
  }

  /** Forgets a lease that is closed (or closing), unless a newer one has taken its slot. */
  private readonly drop = (lease: Lease): void => {
    const slot = slotOf(lease.tenantId, lease.keyId);
    if (this.leases.get(slot) === lease) this.leases.delete(slot);
  };

  /** Asks the Wallet to grow the lease for a request; the Wallet's refusal when it will not. */
  private async grow(env: Env, lease: Lease, worstMicros: number): Promise<ReserveRefusal | undefined> {
    const want = wantFor(worstMicros);
    const res: LeaseGrowResult = await walletFor(env.WALLET, lease.tenantId).leaseGrow(lease.id, lease.keyId, worstMicros, lease.budget.room, want);
    // This call is itself the re-check, with the real room: a newer epoch is taken as seen.
    if (res.ok) {
      lease.budget = roomGranted(lease.budget, res.granted_micros, want); // negative when the Wallet took room back
      lease.phase = withCheck(lease.phase, (c) => grantedByGrow(c, res.epoch, Date.now()));
      return undefined;
    }
    lease.phase = withCheck(lease.phase, (c) => refusedByGrow(c, res.epoch));
    if (res.type === "lease_closed") {
      // Closed under us (expired): the next look starts a new lease.
      this.drop(lease);
      return undefined;
    }
    return res;
  }
}

/** A background top-up's answer (nothing when none is out). */
const toppingDone = (lease: Lease): Promise<void> | undefined => (lease.call.kind === "topping" ? lease.call.done : undefined);

/** One per isolate: every request of this isolate shares the leases. */
export const leases = new LeaseBook();
