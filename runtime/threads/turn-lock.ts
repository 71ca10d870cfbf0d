// One turn at a time per thread: a lease on the `threads` row (busy_token, busy_until). Taken
// with one conditional UPDATE after the access check (a foreign caller learns nothing, not even
// "busy"), renewed while the turn runs, released at the end — on every path. A Worker that dies
// mid-turn leaves a lock that expires after LOCK_TTL_MS, so the thread is never stuck for long.
import type { KeyRecord } from "../db/api-keys";
import { acquireTurnLock, releaseTurnLock, renewTurnLock } from "../db/thread-turns";
import { ApiError } from "../errors";
import { threadFor } from "./thread-lookup";

/** How long a lock lives without renewal: the most a dead turn blocks its thread. */
export const LOCK_TTL_MS = 60_000;
/** How often a running turn renews it (three chances before it would expire). */
export const LOCK_RENEW_MS = 20_000;

/**
 * held → (renewed: held) → released, or held → lost when a renewal finds another token (the
 * lock expired and was taken): a lost lock writes nothing (the store is guarded by the token).
 */
export type LockState = { kind: "held" } | { kind: "lost" } | { kind: "released" };

export class TurnLock {
  state: LockState = { kind: "held" };
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly db: D1Database,
    readonly tenantId: string,
    readonly threadId: string,
    readonly token: string,
    /** The thread's last seq when the lock was taken: the turn's first message takes the next one. */
    readonly startSeq: number,
    readonly endUserId: string | null,
  ) {
    this.seq = startSeq;
  }

  /** The thread's last seq as this turn left it: moves with every append (the store's guard). */
  private seq: number;

  get lastSeq(): number {
    return this.seq;
  }

  /** The turn appended `n` messages and still holds the lock. */
  appended(n: number): void {
    this.seq += n;
  }

  /** 404 (not this tenant's, or deleted), 403 (another end user's), 409 thread_busy, or the lock. */
  static async take(db: D1Database, key: KeyRecord, threadId: string, now = Date.now()): Promise<TurnLock> {
    // The one lookup of the thread routes: 404 (another tenant's, or deleted), 403 (another end user's).
    await threadFor(db, key, threadId);
    const token = crypto.randomUUID();
    const row = await acquireTurnLock(db, key.tenant_id, threadId, token, now, LOCK_TTL_MS);
    if (row === null) {
      // Deleted between the two statements: still a 404 (thrown here), not "busy".
      await threadFor(db, key, threadId);
      throw new ApiError("thread_busy", "this thread is running another turn; retry once it finishes (one turn at a time per thread)");
    }
    return new TurnLock(db, key.tenant_id, threadId, token, row.last_seq, row.end_user_id);
  }

  /** Renews the lock every LOCK_RENEW_MS until release (a long stream keeps its thread). */
  keepAlive(): void {
    if (this.timer !== undefined || this.state.kind !== "held") return;
    this.timer = setInterval(() => void this.renew(), LOCK_RENEW_MS);
  }

  async renew(now = Date.now()): Promise<void> {
    if (this.state.kind !== "held") return;
    try {
      if (!(await renewTurnLock(this.db, this.tenantId, this.threadId, this.token, now, LOCK_TTL_MS))) this.lost();
    } catch (e) {
      // A failed renewal is not a lost lock: the next one may work, and the store is guarded anyway.
      console.error(`thread ${this.threadId}: renewing the turn lock failed: ${(e as Error).message}`);
    }
  }

  /** The store appended `n` messages and freed the lock in its own batch: only stop renewing. */
  storedAndFreed(n = 0): void {
    this.seq += n;
    this.stop();
    this.state = { kind: "released" };
  }

  /** Frees the lock if still held; never throws (it runs on failure paths), the TTL is the fallback. */
  async release(): Promise<void> {
    const was = this.state.kind;
    this.stop();
    this.state = { kind: "released" };
    if (was !== "held") return;
    await releaseTurnLock(this.db, this.tenantId, this.threadId, this.token).catch((e: unknown) => {
      console.error(`thread ${this.threadId}: releasing the turn lock failed (it expires in ${LOCK_TTL_MS} ms): ${(e as Error).message}`);
    });
  }

  private lost(): void {
    this.stop();
    this.state = { kind: "lost" };
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
