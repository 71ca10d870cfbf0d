// The wallet's public shapes. Every one is a plain, JSON-serialisable object because
// they cross the Durable Object RPC boundary unchanged. Money is integer micro-dollars
// (1 USD = 1_000_000); timestamps are epoch milliseconds.

/** `GET /v1/wallet`. `balance_micros` = credited − charged; what leases hold does not lower it. */
export interface WalletBalance {
  balance_micros: number;
  /** What every open lease still holds: money set aside for requests in flight. */
  reserved_micros: number;
  currency: "usd";
  /** Charges above their request's reservation, all charged in full: how many, and how much above. */
  overshoots: number;
  overshoot_micros: number;
}

/** One end-user key's budget as the wallet sees it. */
export interface KeyState {
  key_id: string;
  /** `null` = no cap (only the wallet balance limits the key). */
  cap_micros: number | null;
  spent_micros: number;
  reserved_micros: number;
  revoked: boolean;
}

/** `debit`: money taken back that had already left (a refunded or disputed Stripe top-up). */
export type LedgerEntryType = "credit" | "charge" | "expired_charge" | "debit";

/**
 * One line of the append-only ledger. `amount_micros` is signed (credits positive,
 * charges negative) so the sum of all entries is exactly the balance.
 */
export interface LedgerEntry {
  /** Monotonic sequence number; also the pagination cursor. */
  id: number;
  type: LedgerEntryType;
  amount_micros: number;
  /**
   * How much of this charge was above the request's reservation (the worst case was
   * under-estimated). Charged in full like the rest; the note says why.
   */
  overshoot_micros: number;
  /** Credits: the caller's idempotency ref (e.g. a Stripe event id). Charges: the request id. */
  ref: string;
  key_id: string | null;
  request_id: string | null;
  balance_after_micros: number;
  created_at: number;
  note: string | null;
}

export interface LedgerPage {
  data: LedgerEntry[];
  /** More entries follow in the page's order. */
  has_more: boolean;
  /** The largest id on the page (pass as `after` to read on, oldest to newest); `null` when the page is empty. */
  next_after: number | null;
  /** The smallest id on the page (pass as `before` to read back, newest to oldest); `null` when the page is empty. */
  next_before: number | null;
}

export interface LedgerPageOptions {
  /** 1–500, default 50. */
  limit?: number;
  /** `asc` (default): oldest first, from `after`; `desc`: newest first, from `before`. */
  order?: "asc" | "desc";
  /** With `asc`: entries with `id > after`; default 0 (from the start). */
  after?: number;
  /** With `desc`: entries with `id < before`; default: from the newest. */
  before?: number;
}

export interface CreditResult {
  /** `false` when this ref was credited before; `entry` is then the original entry. */
  applied: boolean;
  entry: LedgerEntry;
  balance: WalletBalance;
}

/** A ref debited before with another amount is `ref_conflict`: two refund events of one charge raced. */
export type DebitResult =
  | {
      ok: true;
      /** `false` when this ref was debited before; `entry` is then the original entry. */
      applied: boolean;
      entry: LedgerEntry;
      balance: WalletBalance;
    }
  | { ok: false; type: "ref_conflict"; message: string; entry: LedgerEntry };

/** A lease's hold: open, closed by its isolate's last batch (`settled`), or charged whole by the alarm (`expired`). */
export type ReservationStatus = "open" | "settled" | "expired";

export type RefusalType = "insufficient_funds" | "cap_exceeded" | "key_revoked";

/** Why a lease may not grow for a request: 402 for funds/cap; a revoked key is the contract's 401. */
export interface ReserveRefusal {
  ok: false;
  type: RefusalType;
  message: string;
  needed_micros: number;
  available_micros: number;
}

/** A closed lease as the ledger booked it; `expire()` returns one per lease it charged. */
export interface Settlement {
  /** The lease id. */
  request_id: string;
  key_id: string;
  /** `expired` = charged its whole hold by the alarm because its isolate stopped reporting. */
  status: "settled" | "expired";
  reserved_micros: number;
  /** What its batches drew; `null` for an expiry, where it is unknown. */
  actual_micros: number | null;
  /** Everything charged, the overshoot included. */
  charged_micros: number;
  /** The part of `charged_micros` above the reservation. */
  overshoot_micros: number;
  released_micros: number;
  entry_id: number;
  balance_after_micros: number;
  settled_at: number;
}

export interface ExpireResult {
  expired: Settlement[];
  /** Earliest deadline among leases still open, for re-arming the alarm. */
  next_deadline_ms: number | null;
}

export interface AuditReport {
  ok: boolean;
  /** Human-readable invariant violations; empty when `ok`. */
  problems: string[];
}

/** One request's charge, settled against a lease (see `Ledger.leaseSettle`). */
export interface LeaseDraw {
  request_id: string;
  /** The worst case the isolate set aside for this request inside the lease. */
  reserved_micros: number;
  actual_micros: number;
  note?: string;
}

/**
 * Every lease reply carries the key's epoch: bumped by a revocation and by a cap decrease, so
 * an isolate that sees a newer one stops spending its lease and re-checks before the next
 * request (0 when the key is unknown).
 */
export interface KeyEpoch {
  epoch: number;
}

export type LeaseGrowResult = KeyEpoch &
  (
    | {
        ok: true;
        /** Added to the lease by this call (0 for a pure re-check). */
        granted_micros: number;
        /** The lease's live hold after this call: granted in all − drawn. */
        held_micros: number;
        deadline_at: number;
      }
    | ReserveRefusal
    | { ok: false; type: "lease_closed"; message: string }
  );

export type LeaseSettleResult = KeyEpoch &
  (
    | {
        ok: true;
        /** `false` when this batch (by seq) was applied before. */
        applied: boolean;
        /**
         * Per draw, in order: what this request cost the wallet — its actual cost in full,
         * overshoot included (a malformed one: its reservation); for a lease that expired,
         * only what its expiry charge did not already cover.
         */
        charged_micros: number[];
        /** Per draw, in order: how much of its cost was above its reservation. */
        overshoot_micros: number[];
        closed: boolean;
      }
    | { ok: false; type: "unknown_lease" | "lease_closed"; message: string }
  );
