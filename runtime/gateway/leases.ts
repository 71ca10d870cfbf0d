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

import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import { walletFor } from "../wallet/stub";
import type { LeaseDraw, LeaseGrowResult, ReserveRefusal } from "../wallet/types";
import type { ChargedUsage } from "../wallet/usage-outbox";

/**
 * How long an isolate spends from its lease without hearing from the Wallet (revocations and cap
 * cuts land everywhere within this: the contract's 100 ms). Under load the lease's batches
 * (every FLUSH_MS) are the checks; a lease whose requests start but do not end re-checks in
 * the background from RECHECK_MS / 2.
 */
const RECHECK_MS = 100;
/** Between heartbeats of a lease whose requests run (far below the Wallet's 10-minute TTL). */
const HEARTBEAT_MS = 60_000;
/** How long ended requests gather before their charges go to the Wallet together. */
const FLUSH_MS = 20;
/** How long a request may wait for its turn at the Wallet. */
const GIVE_UP_MS = 30_000;
/** Between re-sends of a batch whose fate is unknown. */
const RETRY_MS = 1_000;
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

type Draw = LeaseDraw & { usage?: ChargedUsage };

/** What a lease asks the Wallet for at a time, for a request with this worst case. */
const wantFor = (worstMicros: number) => Math.min(Number.MAX_SAFE_INTEGER, worstMicros * WANT_WORST_CASES);

/** The map key of a (tenant, key) lease. */
const slotOf = (tenantId: string, keyId: string) => `${tenantId}\u0000${keyId}`;

interface Batch {
  seq: number;
  draws: Draw[];
  inflight: number;
  close: boolean;
}

class Lease {
  readonly id = `lease_${crypto.randomUUID()}`;
  /** Granted and not set aside for any request. */
  room = 0;
  /** Worst cases set aside for requests still running. */
  inflight = 0;
  running = 0;
  /** When the Wallet last confirmed the key (grant or re-check); 0 = never. */
  checkedAt = 0;
  /** Bumped when the key changed (forgetKey, or a newer key epoch): a background check sent before does not count. */
  epoch = 0;
  /** The key's epoch as the Wallet last reported it (-1: no reply yet). */
  keyEpoch = -1;
  /** The heartbeat timer while requests run. */
  beat: ReturnType<typeof setTimeout> | undefined;
  /** A request started here since the last batch: the lease is busy, keep it open. */
  busy = false;
  closing = false;
  growing: Promise<void> | undefined;
  /** A background top-up on its way (never shrinks the room; see topUp). */
  topping: Promise<void> | undefined;
  /** The last grant was less than asked for (the wallet or the key's cap is the limit): no top-ups for low room. */
  starved = false;
  soon: Promise<void> | undefined;
  flushing: Promise<void> | undefined;
  private seq = 0;
  draws: Draw[] = [];
  /** Batches cut but not yet confirmed by the Wallet, oldest first. */
  unsent: Batch[] = [];

  constructor(readonly tenantId: string, readonly keyId: string) {}

  cut(close: boolean): void {
    this.seq += 1;
    this.unsent.push({ seq: this.seq, draws: this.draws, inflight: this.inflight, close });
    this.draws = [];
    this.busy = false;
  }
}

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
      // One call to the Wallet at a time per lease, and no spending while it runs (it may
      // shrink the room); the others wait for it and look again.
      if (lease.growing) {
        await lease.growing.catch(() => {});
        continue;
      }
      const age = Date.now() - lease.checkedAt;
      if (lease.room >= amount && age < this.recheckMs) {
        lease.room -= amount;
        lease.inflight += amount;
        lease.running += 1;
        lease.busy = true;
        const low = !lease.starved && lease.room < amount * LOW_WATER_WORST_CASES;
        if (!lease.topping && (low || age > this.recheckMs / 2)) {
          const topping = this.topUp(env, lease, amount);
          keepAlive?.(topping);
        }
        this.heartbeat(env, lease);
        return { lease, requestId, worstMicros: amount, settled: false };
      }
      // Short or stale while a top-up is on its way: its answer may be all this request needs.
      if (lease.topping) {
        await lease.topping;
        continue;
      }
      const growing = this.grow(env, lease, amount);
      lease.growing = growing.then(
        () => {},
        () => {},
      );
      let refusal: ReserveRefusal | undefined;
      try {
        refusal = await growing;
      } finally {
        lease.growing = undefined;
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
    const charged = Math.min(actualMicros, worstMicros);
    lease.inflight -= worstMicros;
    lease.running -= 1;
    lease.room += worstMicros - charged;
    lease.draws.push({ request_id: hold.requestId, reserved_micros: worstMicros, actual_micros: actualMicros, note, ...(usage ? { usage } : {}) });
    if (lease.soon) return undefined;
    return this.flushSoon(env, lease);
  }

  /** Sends every lease's queued charges for this tenant now and closes the idle ones: before reading money. */
  async flushTenant(env: Env, tenantId: string): Promise<void> {
    const mine = [...this.leases.values()].filter((l) => l.tenantId === tenantId);
    // A top-up on its way would keep an idle lease open, its room shown as reserved: let it land.
    await Promise.all(mine.map((l) => l.topping));
    await Promise.all(mine.map((l) => this.flush(env, l, true)));
  }

  /** Sends one key's queued charges now (a standard key reading its own usage flushes nothing else). */
  async flushKey(env: Env, tenantId: string, keyId: string): Promise<void> {
    const lease = this.leases.get(slotOf(tenantId, keyId));
    if (lease === undefined) return;
    await lease.topping;
    await this.flush(env, lease, true);
  }

  /** The isolate that revokes a key or changes its cap stops spending from its lease at once. */
  forgetKey(tenantId: string, keyId: string): void {
    const lease = this.leases.get(slotOf(tenantId, keyId));
    if (lease) {
      lease.checkedAt = 0;
      lease.epoch += 1;
    }
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
    const epoch = lease.epoch;
    // At least 1 µ$ (a free model's worst case is 0): then "nothing granted" always means the
    // wallet or the key's cap has no headroom left.
    const want = Math.max(1, wantFor(worstMicros));
    const topping = (async () => {
      try {
        const res = await walletFor(env.WALLET, lease.tenantId).leaseGrow(lease.id, lease.keyId, 0, 0, want);
        this.heardEpoch(lease, res.epoch);
        if (res.ok) {
          lease.room += res.granted_micros;
          lease.starved = res.granted_micros < want;
          // Granted or not (the wallet, the cap or the lease's free-room bound may leave nothing
          // to add), the key is confirmed: a cap cut or a revocation would have come back as a
          // newer epoch or a refusal.
          if (lease.epoch === epoch) lease.checkedAt = Math.max(lease.checkedAt, sentAt);
        } else if (res.type === "lease_closed") {
          this.drop(lease);
        } else {
          lease.checkedAt = 0;
        }
      } catch (e) {
        // Unknown whether it was granted: the room stays as it was (a grant we did not hear of
        // is released when the lease closes); the next blocking check happens on schedule.
        console.error(`lease ${lease.id} top-up: ${(e as Error).message}`);
      } finally {
        lease.topping = undefined;
      }
    })();
    lease.topping = topping;
    return topping;
  }

  /**
   * A Wallet reply carried the key's epoch: a newer one (a revocation or a cap cut anywhere)
   * means stop spending the room now and re-check before the next request.
   */
  private heardEpoch(lease: Lease, epoch: number): void {
    if (epoch <= lease.keyEpoch) return;
    if (lease.keyEpoch >= 0) {
      lease.checkedAt = 0;
      lease.epoch += 1;
    }
    lease.keyEpoch = epoch;
  }

  /**
   * While requests run on the lease, an empty batch every heartbeatMs tells the Wallet the
   * lease is alive (its deadline moves on) and what is in flight, and brings the key's epoch.
   */
  private heartbeat(env: Env, lease: Lease): void {
    if (lease.beat !== undefined) return;
    lease.beat = setTimeout(() => {
      lease.beat = undefined;
      if (lease.running === 0 || lease.closing) return;
      if (lease.draws.length === 0) lease.cut(false);
      void this.flush(env, lease, false).then(() => this.heartbeat(env, lease));
    }, this.heartbeatMs);
  }

  /** Forgets a lease that is closed (or closing), unless a newer one has taken its slot. */
  private drop(lease: Lease): void {
    const slot = slotOf(lease.tenantId, lease.keyId);
    if (this.leases.get(slot) === lease) this.leases.delete(slot);
  }

  /** Asks the Wallet to grow the lease for a request; the Wallet's refusal when it will not. */
  private async grow(env: Env, lease: Lease, worstMicros: number): Promise<ReserveRefusal | undefined> {
    const want = wantFor(worstMicros);
    const res: LeaseGrowResult = await walletFor(env.WALLET, lease.tenantId).leaseGrow(lease.id, lease.keyId, worstMicros, lease.room, want);
    // This call is itself the re-check, with the real room: a newer epoch is taken as seen.
    lease.keyEpoch = Math.max(lease.keyEpoch, res.epoch);
    if (res.ok) {
      lease.room += res.granted_micros; // negative when the Wallet took room back
      lease.starved = res.granted_micros < want;
      lease.checkedAt = Date.now();
      return undefined;
    }
    if (res.type === "lease_closed") {
      // Closed under us (expired): the next look starts a new lease.
      this.drop(lease);
      return undefined;
    }
    return res;
  }

  /**
   * One timer per lease: requests ending within FLUSH_MS share a batch. While nothing runs,
   * it keeps looking until the lease is idle for a whole window and closes it (or, after a
   * failed send, retries a few times a second apart).
   */
  private flushSoon(env: Env, lease: Lease, wait = FLUSH_MS, retries = 5): Promise<void> {
    if (lease.soon) return lease.soon;
    const soon = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => {
        lease.soon = undefined;
        return this.flush(env, lease, false);
      })
      .then(() => {
        if (lease.unsent.length > 0) return retries > 0 ? this.flushSoon(env, lease, RETRY_MS, retries - 1) : undefined;
        if (!lease.closing && lease.running === 0) return this.flushSoon(env, lease);
        return undefined;
      });
    lease.soon = soon;
    return soon;
  }

  /**
   * Cuts a batch of the lease's ended requests and sends every unconfirmed batch in order.
   * An idle lease (nothing running, nothing started since the last batch, or `closeIdle`)
   * is closed by its batch, which releases its room in the Wallet.
   */
  private flush(env: Env, lease: Lease, closeIdle: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      // Not while a grow is on its way: the request that asked for it is about to spend.
      const close = !lease.closing && lease.running === 0 && !lease.growing && !lease.topping && (closeIdle || !lease.busy);
      if (lease.draws.length > 0 || close) {
        if (close) {
          lease.closing = true;
          this.drop(lease);
        }
        lease.cut(close);
      }
      const wallet = walletFor(env.WALLET, lease.tenantId);
      while (lease.unsent.length > 0) {
        const b = lease.unsent[0] as Batch;
        const sentAt = Date.now();
        const epoch = lease.epoch;
        try {
          const res = await wallet.leaseSettle(lease.id, b.seq, b.draws, b.inflight, b.close);
          this.heardEpoch(lease, res.epoch);
          // An unchanged epoch says the key was neither revoked nor cut since the last check:
          // the batch's reply is a check too, so a busy lease needs no re-checks of its own.
          if (res.ok && lease.epoch === epoch && lease.checkedAt > 0) lease.checkedAt = Math.max(lease.checkedAt, sentAt);
          if (!res.ok) console.error(`lease ${lease.id} batch ${b.seq} (${b.draws.length} charges) not applied: ${res.message}`);
        } catch (e) {
          // Unknown whether it landed: kept, and re-sent with the same number by the next flush.
          console.error(`lease ${lease.id} batch ${b.seq}: ${(e as Error).message}; will retry`);
          return;
        }
        lease.unsent.shift();
      }
    };
    // One flush at a time per lease, in order.
    const next = (lease.flushing ?? Promise.resolve()).then(run, run);
    lease.flushing = next;
    return next.finally(() => {
      if (lease.flushing === next) lease.flushing = undefined;
    });
  }
}

/**
 * The contract's error for a Wallet refusal: 402 for the cap or the funds, 401 for a revoked
 * key. The wallet's figures are the tenant's business: a standard key (an end user's) hears
 * only that the app's wallet cannot cover the request; a master key gets the figures.
 */
function refusalError(res: ReserveRefusal, scope: KeyRecord["scope"]): ApiError {
  const extra = { needed_micros: res.needed_micros, available_micros: res.available_micros };
  switch (res.type) {
    case "insufficient_funds":
      if (scope !== "master") {
        const message = "this app's wallet cannot cover this request right now; ask the app's operator to top it up, or send a smaller request (lower max_tokens)";
        return new ApiError("insufficient_funds", message, undefined, { needed_micros: res.needed_micros });
      }
      return new ApiError("insufficient_funds", res.message, undefined, extra);
    case "cap_exceeded":
      return new ApiError("cap_exceeded", res.message, undefined, extra);
    case "key_revoked":
      return new ApiError("authentication", "invalid or revoked API key");
    default: {
      const never: never = res.type;
      return new ApiError("internal", `unknown wallet refusal ${JSON.stringify(never)}`);
    }
  }
}

/** One per isolate: every request of this isolate shares the leases. */
export const leases = new LeaseBook();
