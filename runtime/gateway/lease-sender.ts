// A lease's batches on their way to the Wallet: the timer that gathers ended requests for
// FLUSH_MS, the ordered sends (a failed one is re-sent with its number), the closing batch of
// an idle lease, and the heartbeat that keeps a lease with long requests alive. The state they
// move through is lease-state.ts's; leases.ts decides when requests draw and the lease grows.

import { walletFor } from "../wallet/stub";
import {
  type Batch,
  type Batches,
  type Budget,
  type LeasePhase,
  type WalletCall,
  batchAnswered,
  batchCut,
  closingConfirmed,
  closingCut,
  confirmedByBatch,
  emptyBudget,
  epochHeard,
  noBatches,
  opened,
  withCheck,
} from "./lease-state";

/** How long ended requests gather before their charges go to the Wallet together. */
const FLUSH_MS = 20;
/** Between re-sends of a batch whose fate is unknown. */
const RETRY_MS = 1_000;

/** The map key of a (tenant, key) lease. */
export const slotOf = (tenantId: string, keyId: string) => `${tenantId}\u0000${keyId}`;

/** One (tenant, key) lease in this isolate: its state (lease-state.ts) and the I/O in flight. */
export class Lease {
  readonly id = `lease_${crypto.randomUUID()}`;
  phase: LeasePhase = opened();
  budget: Budget = emptyBudget();
  batches: Batches = noBatches();
  call: WalletCall = { kind: "idle" };
  /** I/O handles, not money: the batch sends chained in order, the scheduled flush, the heartbeat timer. */
  flushing: Promise<void> | undefined;
  soon: Promise<void> | undefined;
  beat: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly tenantId: string,
    readonly keyId: string,
  ) {}

  /** The key check's generation now (a confirmation sent under an older one does not count). */
  generation(): number {
    return this.phase.kind === "open" ? this.phase.check.generation : -1;
  }
}

/** Forgets a closed (or closing) lease in its book. */
export type Drop = (lease: Lease) => void;

/**
 * While requests run on the lease, an empty batch every `everyMs` tells the Wallet the lease
 * is alive (its deadline moves on) and what is in flight, and brings the key's epoch.
 */
export function heartbeat(env: Env, lease: Lease, everyMs: number, drop: Drop): void {
  if (lease.beat !== undefined) return;
  lease.beat = setTimeout(() => {
    lease.beat = undefined;
    if (lease.budget.running === 0 || lease.phase.kind !== "open") return;
    if (lease.batches.draws.length === 0) lease.batches = batchCut(lease.batches, lease.budget.inflight, false);
    void flush(env, lease, false, drop).then(() => heartbeat(env, lease, everyMs, drop));
  }, everyMs);
}

/**
 * One timer per lease: requests ending within FLUSH_MS share a batch. While nothing runs,
 * it keeps looking until the lease is idle for a whole window and closes it (or, after a
 * failed send, retries a few times a second apart).
 */
export function flushSoon(env: Env, lease: Lease, drop: Drop, wait = FLUSH_MS, retries = 5): Promise<void> {
  if (lease.soon) return lease.soon;
  const soon = new Promise<void>((resolve) => setTimeout(resolve, wait))
    .then(() => {
      lease.soon = undefined;
      return flush(env, lease, false, drop);
    })
    .then(() => {
      if (lease.batches.unsent.length > 0) return retries > 0 ? flushSoon(env, lease, drop, RETRY_MS, retries - 1) : undefined;
      if (lease.phase.kind === "open" && lease.budget.running === 0) return flushSoon(env, lease, drop);
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
export function flush(env: Env, lease: Lease, closeIdle: boolean, drop: Drop): Promise<void> {
  const run = async (): Promise<void> => {
    // Not while a grow or top-up is on its way: the request that asked for it is about to spend.
    const close = lease.phase.kind === "open" && lease.budget.running === 0 && lease.call.kind === "idle" && (closeIdle || !lease.batches.busy);
    if (lease.batches.draws.length > 0 || close) {
      if (close) {
        lease.phase = closingCut(lease.phase);
        drop(lease);
      }
      lease.batches = batchCut(lease.batches, lease.budget.inflight, close);
    }
    const wallet = walletFor(env.WALLET, lease.tenantId);
    while (lease.batches.unsent.length > 0) {
      const b = lease.batches.unsent[0] as Batch;
      const sentAt = Date.now();
      const generation = lease.generation();
      try {
        const res = await wallet.leaseSettle(lease.id, b.seq, b.draws, b.inflight, b.close);
        lease.phase = withCheck(lease.phase, (c) => epochHeard(c, res.epoch));
        // An unchanged epoch says the key was neither revoked nor cut since the last check:
        // the batch's reply is a check too, so a busy lease needs no re-checks of their own.
        if (res.ok) lease.phase = withCheck(lease.phase, (c) => confirmedByBatch(c, generation, sentAt));
        if (!res.ok) console.error(`lease ${lease.id} batch ${b.seq} (${b.draws.length} charges) not applied: ${res.message}`);
      } catch (e) {
        // Unknown whether it landed: kept, and re-sent with the same number by the next flush.
        console.error(`lease ${lease.id} batch ${b.seq}: ${(e as Error).message}; will retry`);
        return;
      }
      lease.batches = batchAnswered(lease.batches);
      if (b.close) lease.phase = closingConfirmed(lease.phase);
    }
  };
  // One flush at a time per lease, in order.
  const next = (lease.flushing ?? Promise.resolve()).then(run, run);
  lease.flushing = next;
  return next.finally(() => {
    if (lease.flushing === next) lease.flushing = undefined;
  });
}
