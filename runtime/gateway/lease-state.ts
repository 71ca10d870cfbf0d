// A budget lease's state in the isolate (leases.ts does the I/O), as explicit values with pure
// transitions, each named for the event that causes it and unit-tested on its own
// (test/unit/gateway/lease-state.test.ts):
//
//   phase   open ──closing batch cut──▶ closing ──its reply──▶ closed
//   check   (inside open) unheard ──any Wallet reply──▶ checked | unchecked
//           checked ──newer key epoch / key forgotten / top-up refused──▶ unchecked
//           unchecked ──grant / top-up with no change since it was sent──▶ checked
//   budget  room ⇄ inflight as requests draw and end; grants add room (a shrink: negative)
//   batches ended requests' draws queue up; a cut numbers them into a batch; a reply confirms it
//   call    idle ⇄ growing (requests wait) | topping (requests keep spending): one at a time
//
// A lease may spend its room without asking the Wallet only while `checked` and the check is
// younger than the recheck age (leases.ts RECHECK_MS): that is how revocations and cap cuts
// reach every isolate within 100 ms.

import type { LeaseDraw } from "../wallet/types";
import type { ChargedUsage } from "../wallet/usage-outbox";

/**
 * What the isolate knows of the key from the Wallet. `generation` counts the changes it heard
 * of (a newer key epoch, a revocation or cap change made here): a confirmation sent under an
 * older generation does not count.
 */
export type KeyCheck =
  /** No Wallet reply yet: the first request asks (grows the lease). */
  | { kind: "unheard"; generation: number }
  /** Must ask before the next request: the key changed, or a top-up was refused. */
  | { kind: "unchecked"; keyEpoch: number; generation: number }
  /** The Wallet confirmed the key at `at` (a grant, a re-check, or a batch's reply with the same epoch). */
  | { kind: "checked"; keyEpoch: number; at: number; generation: number };

export type LeasePhase =
  /** Requests draw from it; `check` says whether they may without asking. */
  | { kind: "open"; check: KeyCheck }
  /** Its closing batch is cut: the book has dropped it, nothing more is drawn. */
  | { kind: "closing" }
  /** The Wallet confirmed the closing batch: the hold is released. */
  | { kind: "closed" };

/** The lease's money in the isolate. */
export interface Budget {
  /** Granted and not set aside for any request. */
  room: number;
  /** Worst cases set aside for requests still running. */
  inflight: number;
  running: number;
  /** The last grant was less than asked for (the wallet or the key's cap is the limit): no top-ups for low room. */
  starved: boolean;
}

export type Draw = LeaseDraw & { usage?: ChargedUsage };

export interface Batch {
  seq: number;
  draws: Draw[];
  inflight: number;
  close: boolean;
}

/** Ended requests' charges on their way to the Wallet. */
export interface Batches {
  /** The last batch number cut (the Wallet applies each number once). */
  seq: number;
  /** Ended since the last cut. */
  draws: Draw[];
  /** Cut but not yet confirmed by the Wallet, oldest first. */
  unsent: Batch[];
  /** A request started since the last cut: the lease is busy, keep it open. */
  busy: boolean;
}

/** The one Wallet call a lease may have out (batches go separately, in order). */
export type WalletCall =
  | { kind: "idle" }
  /** For a request the room cannot cover: requests wait for it (it may shrink the room). */
  | { kind: "growing"; done: Promise<void> }
  /** In the background: it only adds room or reports a change, so requests keep spending. */
  | { kind: "topping"; done: Promise<void> };

// ── phase ──────────────────────────────────────────────────────────────────────────────

export const opened = (): LeasePhase => ({ kind: "open", check: { kind: "unheard", generation: 0 } });

export const closingCut = (_phase: LeasePhase): LeasePhase => ({ kind: "closing" });

export const closingConfirmed = (phase: LeasePhase): LeasePhase => (phase.kind === "closing" ? { kind: "closed" } : phase);

/** Applies a key-check transition while open; a closing or closed lease is never spent from again. */
export function withCheck(phase: LeasePhase, next: (check: KeyCheck) => KeyCheck): LeasePhase {
  return phase.kind === "open" ? { kind: "open", check: next(phase.check) } : phase;
}

// ── key check ──────────────────────────────────────────────────────────────────────────

const keyEpochOf = (c: KeyCheck): number => (c.kind === "unheard" ? -1 : c.keyEpoch);

/**
 * A Wallet reply carried the key's epoch. A newer one than last heard (a revocation or a cap
 * cut anywhere) means stop spending now and ask before the next request; the first one heard
 * is just recorded.
 */
export function epochHeard(c: KeyCheck, epoch: number): KeyCheck {
  switch (c.kind) {
    case "unheard":
      return { kind: "unchecked", keyEpoch: epoch, generation: c.generation };
    case "unchecked":
    case "checked":
      return epoch <= c.keyEpoch ? c : { kind: "unchecked", keyEpoch: epoch, generation: c.generation + 1 };
    default:
      return unreachable(c);
  }
}

/** A grow for a request was granted: that call was itself the check, with the real room. */
export function grantedByGrow(c: KeyCheck, epoch: number, now: number): KeyCheck {
  return { kind: "checked", keyEpoch: Math.max(keyEpochOf(c), epoch), at: now, generation: c.generation };
}

/** A grow was refused: the epoch is taken as seen (the refusal says why); the check stays as it was. */
export function refusedByGrow(c: KeyCheck, epoch: number): KeyCheck {
  const keyEpoch = Math.max(keyEpochOf(c), epoch);
  return c.kind === "checked" ? { ...c, keyEpoch } : { kind: "unchecked", keyEpoch, generation: c.generation };
}

/**
 * A background top-up sent under `generation` at `sentAt` came back granted (after its epoch
 * was heard): the key is confirmed, unless it changed meanwhile.
 */
export function confirmedByTopUp(c: KeyCheck, generation: number, sentAt: number): KeyCheck {
  if (c.kind === "unheard" || c.generation !== generation) return c;
  return { kind: "checked", keyEpoch: c.keyEpoch, at: Math.max(c.kind === "checked" ? c.at : 0, sentAt), generation };
}

/** A top-up was refused (a revoked key): the next request asks the Wallet itself, with its real room. */
export function refusedByTopUp(c: KeyCheck): KeyCheck {
  return c.kind === "checked" ? { kind: "unchecked", keyEpoch: c.keyEpoch, generation: c.generation } : c;
}

/**
 * A batch's reply with the epoch unchanged since it was sent is a check too (so a busy lease
 * needs no re-checks of its own) — but only keeps a checked lease checked, never revives one.
 */
export function confirmedByBatch(c: KeyCheck, generation: number, sentAt: number): KeyCheck {
  return c.kind === "checked" && c.generation === generation ? { ...c, at: Math.max(c.at, sentAt) } : c;
}

/** The key was revoked or its cap changed in this isolate: stop spending at once. */
export function keyForgotten(c: KeyCheck): KeyCheck {
  const generation = c.generation + 1;
  return c.kind === "unheard" ? { kind: "unheard", generation } : { kind: "unchecked", keyEpoch: c.keyEpoch, generation };
}

/** How old the Wallet's last word on the key is (Infinity: none that counts). */
export const checkAge = (c: KeyCheck, now: number): number => (c.kind === "checked" ? now - c.at : Number.POSITIVE_INFINITY);

// ── budget ─────────────────────────────────────────────────────────────────────────────

export const emptyBudget = (): Budget => ({ room: 0, inflight: 0, running: 0, starved: false });

/** The Wallet added `granted` (negative: took room back); `asked` is what the lease wanted. */
export const roomGranted = (b: Budget, granted: number, asked: number): Budget => ({ ...b, room: b.room + granted, starved: granted < asked });

/** A request set its worst case aside from the room. */
export const requestDrew = (b: Budget, worst: number): Budget => ({ ...b, room: b.room - worst, inflight: b.inflight + worst, running: b.running + 1 });

/** A request ended: what it did not use goes back to the room (its charge, up to the worst case, stays out). */
export const requestEnded = (b: Budget, worst: number, charged: number): Budget => ({
  ...b,
  room: b.room + worst - Math.min(charged, worst),
  inflight: b.inflight - worst,
  running: b.running - 1,
});

// ── batches ────────────────────────────────────────────────────────────────────────────

export const noBatches = (): Batches => ({ seq: 0, draws: [], unsent: [], busy: false });

export const requestStarted = (b: Batches): Batches => ({ ...b, busy: true });

export const drawQueued = (b: Batches, draw: Draw): Batches => ({ ...b, draws: [...b.draws, draw] });

/** The queued draws become the next numbered batch (with what is in flight, and whether it closes the lease). */
export const batchCut = (b: Batches, inflight: number, close: boolean): Batches => ({
  seq: b.seq + 1,
  draws: [],
  unsent: [...b.unsent, { seq: b.seq + 1, draws: b.draws, inflight, close }],
  busy: false,
});

/** The Wallet answered the oldest unsent batch (applied, or refused for good): it is not sent again. */
export const batchAnswered = (b: Batches): Batches => ({ ...b, unsent: b.unsent.slice(1) });

function unreachable(x: never): never {
  throw new Error(`unexpected lease state ${JSON.stringify(x)}`);
}
