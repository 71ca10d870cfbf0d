// The small rules a lease obeys besides the refusals every hold obeys (refusal.ts): how much of the
// wallet one key may hold, how much free room one lease may carry, and what a malformed draw
// is charged. Pure functions, no store: ledger-lease.ts applies them.

import { formatUsd } from "./money";
import type { KeyRow, TotalsRow } from "./store";
import type { LeaseDraw, ReserveRefusal } from "./types";

/**
 * One key may hold at most this share of the wallet's balance for its requests in flight
 * (its leases' holds included), so one busy end user cannot leave the others a wallet that
 * looks empty.
 */
export const KEY_SHARE_NUMERATOR = 1;
export const KEY_SHARE_DENOMINATOR = 2;

/**
 * A lease's free room (granted and not yet set aside for a request) is at most the larger of
 * this and what the key's requests set aside lately: what an isolate can still admit after a
 * revocation or a cap cut before it hears of it.
 */
export const FREE_ROOM_FLOOR_MICROS = 500_000;
/** `recent_drawn_micros` halves every this many ms: "lately" is the last two seconds or so. */
export const RECENT_HALF_LIFE_MS = 1_000;

/** The key's recent worst cases, decayed to `now`. */
export function recentDrawn(key: KeyRow, now: number): number {
  const age = Math.max(0, now - key.recent_at);
  return Math.floor(key.recent_drawn_micros * 0.5 ** (age / RECENT_HALF_LIFE_MS));
}

/** The key row after its requests set `drawn` more aside at `now`. */
export function withRecentDrawn(key: KeyRow, drawn: number, now: number): KeyRow {
  const recent = Math.min(Number.MAX_SAFE_INTEGER, recentDrawn(key, now) + drawn);
  return { ...key, recent_drawn_micros: recent, recent_at: Math.max(now, key.recent_at) };
}

/** The most free room a lease of this key may carry after a grant at `now`. */
export function freeRoomBound(key: KeyRow, now: number): number {
  return Math.max(FREE_ROOM_FLOOR_MICROS, recentDrawn(key, now));
}

/** What the key may still add to its holds under its share of the wallet (may be negative). */
export function shareLeft(key: KeyRow, totals: TotalsRow): number {
  return Math.floor((Math.max(0, totals.balance_micros) * KEY_SHARE_NUMERATOR) / KEY_SHARE_DENOMINATOR) - key.reserved_micros;
}

/**
 * Refuses a request that would take the key past its share of the wallet. The message names
 * the wallet's figures: the gateway shows it only to master keys (see gateway/leases.ts).
 */
export function shareRefusal(key: KeyRow, totals: TotalsRow, worst: number): ReserveRefusal | null {
  const left = shareLeft(key, totals);
  if (worst <= left) return null;
  const share = `${KEY_SHARE_NUMERATOR}/${KEY_SHARE_DENOMINATOR}`;
  return {
    ok: false,
    type: "insufficient_funds",
    message:
      `key ${key.key_id} already holds ${formatUsd(key.reserved_micros)} for its requests in flight, and one key may hold ` +
      `at most ${share} of the wallet's ${formatUsd(Math.max(0, totals.balance_micros))} balance at once, but this request ` +
      `may cost up to ${formatUsd(worst)}; top up the wallet, lower max_tokens or wait for the key's requests to end`,
    needed_micros: worst,
    available_micros: Math.max(0, left),
  };
}

/** A draw as the ledger books it: amounts checked, a malformed one quarantined. */
export interface CheckedDraw {
  request_id: string;
  reserved: number;
  actual: number;
  note: string | null;
}

const isMicros = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const MAX_NOTE = 1_000;

/**
 * A draw whose amounts are not whole non-negative micro-dollars (negative, NaN, Infinity,
 * fractional — a parser bug upstream) must neither fail its whole batch (which would block
 * every later charge of the lease) nor go uncharged: it is charged its reservation, with a
 * note saying so. A malformed reservation counts as 0 (a valid actual cost is then all overshoot).
 */
export function checkDraw(d: LeaseDraw, fallbackId: string): CheckedDraw {
  const id = typeof d.request_id === "string" && d.request_id.length > 0 && d.request_id.length <= 256 ? d.request_id : fallbackId;
  const reserved = isMicros(d.reserved_micros) ? d.reserved_micros : 0;
  const text = typeof d.note === "string" ? d.note.slice(0, MAX_NOTE) : null;
  const actualOk = isMicros(d.actual_micros);
  if (actualOk && isMicros(d.reserved_micros)) return { request_id: id, reserved, actual: d.actual_micros, note: text };
  const actual = actualOk ? d.actual_micros : reserved;
  const why = `malformed charge quarantined (actual ${String(d.actual_micros)}, reserved ${String(d.reserved_micros)}): charged ${actualOk ? "its actual cost" : "its reservation"}`;
  return { request_id: id, reserved, actual, note: (text === null ? why : `${text}; ${why}`).slice(0, MAX_NOTE) };
}
