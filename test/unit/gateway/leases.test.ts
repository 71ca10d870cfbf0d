// The isolate side of budget leases (runtime/gateway/leases.ts) against the real Ledger: a
// fake Wallet namespace runs the ledger's lease operations over an in-memory store, counts
// the calls and can lose replies, so the money rules are checked end to end without workerd.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KeyRecord } from "../../../runtime/auth/key-store";
import { ApiError } from "../../../runtime/errors";
import { LeaseBook } from "../../../runtime/gateway/leases";
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import type { LeaseDraw } from "../../../runtime/wallet/types";

const USD = 1_000_000;
const TTL = 600_000;

class FakeWallet {
  readonly ledger = new Ledger(new MemoryLedgerStore());
  /** The reservation TTL the Wallet gives leases (the real one: 10 minutes). */
  ttl = TTL;
  usageRows: unknown[] = [];
  /** Applies the next settle but throws instead of answering (a lost reply). */
  loseNextReply = false;

  calls = { grow: 0, settle: 0, topUp: 0 };
  /** While set, a background top-up (worst 0) is applied at once but its reply waits for this. */
  topUpReply: Promise<void> | undefined;

  async leaseGrow(leaseId: string, keyId: string, worst: number, room: number, want: number) {
    this.calls.grow++;
    await Promise.resolve();
    const res = this.ledger.leaseGrow(leaseId, keyId, worst, room, want, Date.now(), this.ttl);
    if (worst === 0) {
      this.calls.topUp++;
      await this.topUpReply;
    }
    return res;
  }

  async leaseSettle(leaseId: string, seq: number, draws: Array<LeaseDraw & { usage?: unknown }>, inflight: number, close: boolean) {
    this.calls.settle++;
    await Promise.resolve();
    const res = this.ledger.leaseSettle(leaseId, seq, draws, inflight, close, Date.now(), this.ttl);
    if (res.ok && res.applied) for (const d of draws) if (d.usage) this.usageRows.push(d.usage);
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new Error("network connection lost");
    }
    return res;
  }
}

let wallet: FakeWallet;
let env: Env;
let book: LeaseBook;
const key: KeyRecord = { id: "key_1", tenant_id: "t1", scope: "standard", end_user_id: null } as unknown as KeyRecord;
const usage = { tenant_id: "t1", key_id: "key_1", end_user_id: null, model: "m", provider: "p", surface: "openai" as const, input_tokens: 1, output_tokens: 1, cached_tokens: 0, outcome: "ok" };

beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  wallet = new FakeWallet();
  wallet.ledger.credit(100 * USD, "seed");
  env = { WALLET: { idFromName: (n: string) => n, get: () => wallet } } as unknown as Env;
  book = new LeaseBook();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const waited = Symbol("waited");
/** The promise's value, or `waited` if it takes longer than 50 ms. */
const soon = <T>(p: Promise<T>) => Promise.race([p, new Promise<typeof waited>((r) => setTimeout(() => r(waited), 50))]);

/** Until the Wallet has seen `n` top-ups and the isolate has had their answers. */
async function topUpsAnswered(n: number): Promise<void> {
  await vi.waitFor(() => expect(wallet.calls.topUp).toBe(n));
  await new Promise((r) => setTimeout(r, 5));
}

async function run(id: string, worst: number, actual: number): Promise<void> {
  const hold = await book.reserve(env, key, id, worst);
  await book.settle(env, hold, actual, `req ${id}`, usage);
}

describe("LeaseBook", () => {
  it("serves a run of requests from one lease: few Wallet calls, one charge entry per request, nothing left held", async () => {
    for (let i = 0; i < 40; i++) {
      const hold = await book.reserve(env, key, `r${i}`, 10_000);
      void book.settle(env, hold, 1_000 + i, `req ${i}`, usage);
    }
    await book.flushTenant(env, "t1");
    expect(wallet.calls.grow).toBe(1);
    expect(wallet.calls.settle).toBeLessThanOrEqual(2);
    const charges = wallet.ledger.ledger({ limit: 500 }).data.filter((e) => e.type === "charge");
    expect(charges.map((e) => e.request_id)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    const spent = Array.from({ length: 40 }, (_, i) => 1_000 + i).reduce((a, b) => a + b);
    expect(wallet.ledger.balance()).toEqual({ balance_micros: 100 * USD - spent, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(wallet.usageRows).toHaveLength(40);
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("closes an idle lease by itself shortly after the last request", async () => {
    await run("r1", 10_000, 5_000);
    // run() waited for the first batch; the lease closes one idle window later.
    await vi.waitFor(() => expect(wallet.ledger.balance().reserved_micros).toBe(0), { timeout: 1_000, interval: 5 });
    expect(wallet.ledger.balance().balance_micros).toBe(100 * USD - 5_000);
  });

  it("under 200 concurrent requests with a cap for exactly 50, exactly 50 pass and the cap is met, not passed", async () => {
    wallet.ledger.upsertKey("key_1", 50 * 20_000);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, async (_, i) => {
        const hold = await book.reserve(env, key, `r${i}`, 20_000);
        await new Promise((r) => setTimeout(r, 1 + (i % 7)));
        await book.settle(env, hold, 20_000, "", usage);
      }),
    );
    await book.flushTenant(env, "t1");
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as ApiError);
    expect(results.length - refused.length).toBe(50);
    expect(new Set(refused.map((e) => e.kind))).toEqual(new Set(["cap_exceeded"]));
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ spent_micros: 50 * 20_000, reserved_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("a request the lease's room cannot cover is refused exactly as a reservation of its own would be", async () => {
    wallet.ledger.upsertKey("key_1", 100_000);
    await book.reserve(env, key, "r1", 30_000); // the lease now holds some room beyond 30_000
    const err = await book.reserve(env, key, "r2", 80_000).catch((e: unknown) => e as ApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: "cap_exceeded", extra: { needed_micros: 80_000, available_micros: 70_000 } });
    await expect(book.reserve(env, key, "r3", 70_000)).resolves.toBeDefined();
  });

  it("a worst case the key's cap cannot cover, with a minimum given, holds what the cap leaves (room counted in)", async () => {
    wallet.ledger.upsertKey("key_1", 100_000);
    const first = await book.reserve(env, key, "r1", 30_000); // the lease now holds some room beyond 30_000
    const hold = await book.reserve(env, key, "r2", 250_000, undefined, { minMicros: 10_000 });
    expect(hold.worstMicros).toBe(70_000);
    void book.settle(env, first, 30_000, "", usage);
    await book.settle(env, hold, 70_000, "", usage);
    await book.flushTenant(env, "t1");
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ spent_micros: 100_000, reserved_micros: 0 });
  });

  it("a worst case beyond both the cap and the wallet, with a minimum given, holds what the smallest limit leaves", async () => {
    // The cap passes 150 $; the 100 $ wallet would, but one key may hold only half of it.
    wallet.ledger.upsertKey("key_1", 150 * USD);
    const hold = await book.reserve(env, key, "r1", 200 * USD, undefined, { minMicros: USD });
    expect(hold.worstMicros).toBe(50 * USD);
    expect(wallet.ledger.balance()).toMatchObject({ reserved_micros: 50 * USD });
  });

  it("a worst case that fits is held in full even with a minimum given", async () => {
    const hold = await book.reserve(env, key, "r1", 50_000, undefined, { minMicros: 1_000 });
    expect(hold.worstMicros).toBe(50_000);
  });

  it("with a minimum the cap cannot cover either, the request is refused exactly as without one", async () => {
    wallet.ledger.upsertKey("key_1", 100_000);
    const err = await book.reserve(env, key, "r1", 250_000, undefined, { minMicros: 150_000 }).catch((e: unknown) => e as ApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: "cap_exceeded", extra: { needed_micros: 250_000, available_micros: 100_000 } });
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ reserved_micros: 0 });
  });

  it("after forgetKey (a revocation here), the next request asks the Wallet and is refused", async () => {
    void book.settle(env, await book.reserve(env, key, "r1", 10_000), 1_000, "", usage); // lease stays open
    wallet.ledger.revokeKey("key_1");
    // Without forgetKey the isolate still spends its lease (until its next re-check)…
    await expect(book.reserve(env, key, "r2", 10_000)).resolves.toBeDefined();
    book.forgetKey("t1", "key_1");
    await expect(book.reserve(env, key, "r3", 10_000)).rejects.toMatchObject({ kind: "authentication" });
  });

  it("a cap lowered under the lease shrinks it at the next re-check: spend stays within the new cap", async () => {
    await run("r1", 10_000, 10_000);
    wallet.ledger.upsertKey("key_1", 40_000);
    book.forgetKey("t1", "key_1");
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => run(`s${i}`, 10_000, 10_000)));
    await book.flushTenant(env, "t1");
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ spent_micros: 40_000, reserved_micros: 0 });
  });

  it("a read that flushes while the lease is still being granted does not close it under the request", async () => {
    const pending = book.reserve(env, key, "r1", 10_000);
    await book.flushTenant(env, "t1"); // runs while leaseGrow is on its way
    const hold = await pending;
    await book.settle(env, hold, 4_000, "", usage);
    await book.flushTenant(env, "t1");
    expect(wallet.calls.grow).toBe(1);
    expect(wallet.ledger.balance()).toEqual({ balance_micros: 100 * USD - 4_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("under steady load the lease is topped up in the background: requests spend on while the Wallet answers", async () => {
    let answer = () => {};
    wallet.topUpReply = new Promise<void>((r) => (answer = r));
    // Each request costs its whole worst case, so the first grant (64 of them) drains.
    const open = await book.reserve(env, key, "open", 5_000);
    for (let i = 0; i < 48; i++) void book.settle(env, await book.reserve(env, key, `r${i}`, 5_000), 5_000, "", usage);
    // The 48th left less than 16 worst cases of room: a top-up went out and is not answered yet.
    expect(wallet.calls).toMatchObject({ grow: 2, topUp: 1 });
    const holds = [open];
    for (let i = 48; i < 63; i++) {
      const hold = await soon(book.reserve(env, key, `r${i}`, 5_000));
      expect(hold).not.toBe(waited); // served from what is left, without waiting
      holds.push(hold as Awaited<ReturnType<LeaseBook["reserve"]>>);
    }
    // The room is spent: the next request waits for the top-up's answer, then goes ahead.
    const last = book.reserve(env, key, "r63", 5_000);
    expect(await soon(last)).toBe(waited);
    answer();
    holds.push(await last);
    for (const h of holds) void book.settle(env, h, 5_000, "", usage);
    await book.flushTenant(env, "t1");
    expect(wallet.calls).toMatchObject({ grow: 2, topUp: 1 });
    expect(wallet.ledger.ledger({ limit: 500 }).data.filter((e) => e.type === "charge")).toHaveLength(65);
    expect(wallet.ledger.balance()).toEqual({ balance_micros: 100 * USD - 65 * 5_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("a check older than half its limit is renewed in the background, and requests do not wait for it", async () => {
    book = new LeaseBook({ recheckMs: 2_000 }); // seconds, so the margins below hold on a slow machine
    vi.useFakeTimers({ toFake: ["Date"] }); // timers stay real: only the clock is moved
    try {
      const open = await book.reserve(env, key, "open", 10_000);
      expect(wallet.calls).toMatchObject({ grow: 1, topUp: 0 });
      let answer = () => {};
      wallet.topUpReply = new Promise<void>((r) => (answer = r));
      vi.setSystemTime(Date.now() + 1_500);
      const a = await soon(book.reserve(env, key, "a", 10_000));
      expect(a).not.toBe(waited);
      expect(wallet.calls).toMatchObject({ grow: 2, topUp: 1 });
      answer();
      await topUpsAnswered(1);
      // 2 s after the first check (stale without the renewal), 0.5 s after the renewal: still
      // served without a call. (The faked clock also moves with real time: margins of 0.5 s.)
      vi.setSystemTime(Date.now() + 500);
      const b = await soon(book.reserve(env, key, "b", 10_000));
      expect(b).not.toBe(waited);
      expect(wallet.calls).toMatchObject({ grow: 2, topUp: 1 });
      for (const h of [open, a, b]) void book.settle(env, h as Awaited<ReturnType<LeaseBook["reserve"]>>, 2_000, "", usage);
      await book.flushTenant(env, "t1");
      expect(wallet.ledger.balance()).toEqual({ balance_micros: 100 * USD - 6_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("a lease its key's cap keeps short is not topped up on every request", async () => {
    wallet.ledger.upsertKey("key_1", 30 * 10_000); // the Wallet grants at most half of that: 15 worst cases
    const holds = [];
    for (let i = 0; i < 10; i++) holds.push(await book.reserve(env, key, `r${i}`, 10_000));
    expect(wallet.calls).toMatchObject({ grow: 1, topUp: 0 });
    for (const h of holds) void book.settle(env, h, 10_000, "", usage);
    await book.flushTenant(env, "t1");
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ spent_micros: 100_000, reserved_micros: 0 });
  });

  it("a cap lowered elsewhere comes back with a top-up's reply (a newer key epoch): the next request asks the Wallet, which refuses it against the new cap", async () => {
    await run("r1", 5_000, 5_000); // the lease holds 64 worst cases; the key has spent 5_000
    void book.settle(env, await book.reserve(env, key, "hold-open", 5_000), 1_000, "", usage);
    wallet.ledger.upsertKey("key_1", 30_000); // lowered by another isolate: no forgetKey here
    // A request with a larger worst case leaves the room under the low-water mark: top-up.
    const big = await book.reserve(env, key, "big", 200_000);
    await topUpsAnswered(1);
    // The Wallet granted nothing (over-committed), so the lease counts as unchecked: the next
    // request waits for a grow, which shrinks the lease and refuses it against the new cap.
    await expect(book.reserve(env, key, "next", 5_000)).rejects.toMatchObject({ kind: "cap_exceeded" });
    void book.settle(env, big, 0, "", usage);
    await book.flushTenant(env, "t1");
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ spent_micros: 6_000, reserved_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("a revocation is noticed by a background re-check: the next request is refused", async () => {
    await run("r1", 5_000, 1_000);
    void book.settle(env, await book.reserve(env, key, "hold-open", 5_000), 1_000, "", usage);
    wallet.ledger.revokeKey("key_1"); // elsewhere: this isolate was not told
    await book.reserve(env, key, "big", 200_000); // still served from the lease; starts a top-up
    await topUpsAnswered(1);
    await expect(book.reserve(env, key, "next", 5_000)).rejects.toMatchObject({ kind: "authentication" });
  });

  it("a read that flushes while a top-up is out waits for it, then finds the idle lease closed and nothing held", async () => {
    let answer = () => {};
    wallet.topUpReply = new Promise<void>((r) => (answer = r));
    const open = await book.reserve(env, key, "open", 5_000);
    const big = await book.reserve(env, key, "big", 200_000); // starts a top-up; its answer is held back
    void book.settle(env, open, 1_000, "", usage);
    void book.settle(env, big, 2_000, "", usage);
    const read = book.flushTenant(env, "t1");
    expect(await soon(read)).toBe(waited);
    answer();
    await read;
    expect(wallet.ledger.balance()).toEqual({ balance_micros: 100 * USD - 3_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("a top-up answered after forgetKey does not count as a check of the changed key", async () => {
    let answer = () => {};
    wallet.topUpReply = new Promise<void>((r) => (answer = r));
    await run("r1", 5_000, 1_000);
    void book.settle(env, await book.reserve(env, key, "hold-open", 5_000), 1_000, "", usage);
    await book.reserve(env, key, "big", 200_000); // top-up applied by the Wallet, answer held back
    await vi.waitFor(() => expect(wallet.calls.topUp).toBe(1));
    wallet.ledger.revokeKey("key_1");
    book.forgetKey("t1", "key_1"); // revoked here
    answer(); // the top-up's "ok" arrives after the revocation
    await new Promise((r) => setTimeout(r, 10));
    await expect(book.reserve(env, key, "next", 5_000)).rejects.toMatchObject({ kind: "authentication" });
  });

  it("a batch whose reply was lost is re-sent under the same number and charged once", async () => {
    const hold = await book.reserve(env, key, "r1", 10_000);
    wallet.loseNextReply = true;
    const first = book.settle(env, hold, 7_000, "", usage);
    await first;
    await vi.waitFor(() => expect(wallet.ledger.balance().reserved_micros).toBe(0), { timeout: 3_000, interval: 10 });
    expect(wallet.calls.settle).toBeGreaterThanOrEqual(2);
    expect(wallet.ledger.ledger().data.filter((e) => e.type === "charge")).toHaveLength(1);
    expect(wallet.ledger.balance().balance_micros).toBe(100 * USD - 7_000);
    expect(wallet.usageRows).toHaveLength(1);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keyB: KeyRecord = { ...key, id: "key_2" } as KeyRecord;
const master: KeyRecord = { ...key, id: "key_m", scope: "master" } as KeyRecord;
const charges = () => wallet.ledger.ledger({ limit: 500 }).data.filter((e) => e.type === "charge");

describe("LeaseBook across isolates (two books, one Wallet)", () => {
  it("a revocation made in another isolate reaches this one with its next batch's reply: the next request is refused", async () => {
    const other = new LeaseBook();
    const open = await book.reserve(env, key, "open", 10_000); // keeps this isolate's lease open
    const batch = book.settle(env, await book.reserve(env, key, "a1", 10_000), 1_000, "", usage);
    wallet.ledger.revokeKey("key_1"); // handled by the other isolate
    other.forgetKey("t1", "key_1");
    await batch; // its reply carries the key's new epoch
    await expect(book.reserve(env, key, "a2", 10_000)).rejects.toMatchObject({ kind: "authentication" });
    void book.settle(env, open, 1_000, "", usage);
  });

  it("a cap cut made in another isolate reaches this one with its next batch's reply: spend stops at the new cap", async () => {
    const open = await book.reserve(env, key, "open", 10_000);
    const batch = book.settle(env, await book.reserve(env, key, "a1", 10_000), 10_000, "", usage);
    wallet.ledger.upsertKey("key_1", 25_000); // elsewhere: this isolate was not told
    await batch;
    await expect(book.reserve(env, key, "a2", 10_000)).rejects.toMatchObject({ kind: "cap_exceeded" });
    void book.settle(env, open, 10_000, "", usage);
    await book.flushTenant(env, "t1");
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ spent_micros: 20_000, reserved_micros: 0 });
  });

  it("a revocation made elsewhere is refused here within 100 ms, even while this isolate's requests run and none ends (no batch flows)", async () => {
    const open = await book.reserve(env, key, "open", 10_000); // a long request: the lease stays open, nothing is settled
    wallet.ledger.revokeKey("key_1"); // elsewhere: this isolate is not told, and sends no batch
    await sleep(110);
    await expect(book.reserve(env, key, "after", 10_000)).rejects.toMatchObject({ kind: "authentication" });
    void book.settle(env, open, 1_000, "", usage);
    await book.flushTenant(env, "t1");
    expect(charges().map((e) => e.request_id)).toEqual(["open"]); // admitted before the revoke: billed
  });

  it("a busy lease's batches count as checks: requests that end steadily need no re-checks of their own", async () => {
    book = new LeaseBook({ recheckMs: 400 }); // wide margins: a background re-check would start at 200 ms
    const open = await book.reserve(env, key, "open", 10_000);
    for (let i = 0; i < 8; i++) {
      await book.settle(env, await book.reserve(env, key, `r${i}`, 10_000), 1_000, "", usage); // one batch each
      await sleep(60);
    }
    // 8 × 80 ms ≫ 400 ms since the grant, yet every request was served from the lease without a grow or a top-up.
    expect(wallet.calls).toMatchObject({ grow: 1, topUp: 0 });
    void book.settle(env, open, 1_000, "", usage);
    await book.flushTenant(env, "t1");
  });

  it("before it hears of a revocation, an isolate can admit at most its lease's free room: bounded by the key's recent demand (floor $0.50)", async () => {
    const held = [await book.reserve(env, key, "first", 100_000)];
    wallet.ledger.revokeKey("key_1"); // elsewhere; no batch flows here (no request ends)
    for (let i = 0; i < 100; i++) {
      const next = await soon(book.reserve(env, key, `r${i}`, 100_000).catch(() => undefined));
      if (next === undefined || next === waited) break;
      held.push(next);
    }
    // 0.50 USD of free room beyond the request that opened the lease (unbounded, 48 more got in: $4.80).
    expect(held.length * 100_000).toBeLessThanOrEqual(500_000 + 100_000);
  });
});

describe("LeaseBook: one key's share, and what a standard key is told", () => {
  it("one uncapped key's in-flight requests cannot hold the whole wallet: another end user is still served", async () => {
    const holds = [];
    for (let i = 0; i < 20; i++) {
      const hold = await book.reserve(env, key, `a${i}`, 10 * USD).catch(() => undefined);
      if (hold === undefined) break;
      holds.push(hold);
    }
    expect(holds.length * 10 * USD).toBeLessThanOrEqual(50 * USD);
    await expect(book.reserve(env, keyB, "b1", 10 * USD)).resolves.toMatchObject({ worstMicros: 10 * USD });
  });

  it("a standard key's 402 says the app's wallet cannot cover the request, never the tenant's balance; a master key's has the figures", async () => {
    const standard = await book.reserve(env, key, "s1", 80 * USD).catch((e: unknown) => e as ApiError);
    expect(standard).toMatchObject({ kind: "insufficient_funds", extra: { needed_micros: 80 * USD } });
    expect((standard as ApiError).message).toMatch(/app's wallet cannot cover this request/);
    expect((standard as ApiError).message).not.toMatch(/\$/);
    expect((standard as ApiError).extra).not.toHaveProperty("available_micros");
    const figures = await book.reserve(env, master, "m1", 80 * USD).catch((e: unknown) => e as ApiError);
    expect(figures).toMatchObject({ kind: "insufficient_funds", extra: { needed_micros: 80 * USD, available_micros: 50 * USD } });
    expect((figures as ApiError).message).toMatch(/\$100\.00 balance/);
  });
});

describe("LeaseBook: charges that must not be lost", () => {
  it("usage above the worst case is charged in full (an overshoot), not waived", async () => {
    await run("r1", 10_000, 25_000);
    await book.flushTenant(env, "t1");
    expect(charges()).toMatchObject([{ request_id: "r1", amount_micros: -25_000, overshoot_micros: 15_000 }]);
    expect(wallet.ledger.balance()).toMatchObject({ balance_micros: 100 * USD - 25_000, overshoots: 1, overshoot_micros: 15_000 });
  });

  it("one malformed charge (NaN) is quarantined at its worst case and does not block the lease's later charges", async () => {
    const bad = await book.reserve(env, key, "bad", 10_000);
    const good = await book.reserve(env, key, "good", 10_000);
    void book.settle(env, bad, Number.NaN, "", usage);
    void book.settle(env, good, 3_000, "", usage);
    await book.flushTenant(env, "t1");
    await run("later", 10_000, 2_000);
    await vi.waitFor(() => expect(wallet.ledger.balance().reserved_micros).toBe(0), { timeout: 3_000, interval: 10 });
    expect(charges().map((e) => [e.request_id, e.amount_micros])).toEqual([["bad", -10_000], ["good", -3_000], ["later", -2_000]]);
    expect(charges()[0]?.note).toMatch(/malformed cost NaN quarantined/);
  });

  it("a request that outlives the reservation TTL is charged: heartbeats keep its lease alive while it runs", async () => {
    const beating = new LeaseBook({ heartbeatMs: 40 });
    wallet.ttl = 150;
    const hold = await beating.reserve(env, key, "long", 500_000);
    for (let t = 0; t < 8; t++) {
      await sleep(60); // 480 ms in all: three TTLs
      wallet.ledger.expire(Date.now()); // the Wallet's alarm
    }
    await beating.settle(env, hold, 480_000, "", usage);
    await beating.flushTenant(env, "t1");
    expect(charges().map((e) => [e.request_id, e.amount_micros])).toEqual([["long", -480_000]]);
    expect(wallet.ledger.balance()).toMatchObject({ balance_micros: 100 * USD - 480_000, reserved_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("a batch that reaches an expired lease (its isolate went quiet) is booked against the expiry's charge, not dropped", async () => {
    const quiet = new LeaseBook({ heartbeatMs: 60_000 });
    wallet.ttl = 50;
    const hold = await quiet.reserve(env, key, "late", 100_000);
    await sleep(80);
    const [expired] = wallet.ledger.expire(Date.now()).expired;
    const expiryCharge = expired?.charged_micros ?? 0;
    expect(expiryCharge).toBeGreaterThanOrEqual(100_000); // the whole hold
    await quiet.settle(env, hold, 80_000, "", usage);
    await quiet.flushTenant(env, "t1");
    // The request has its charge entry (settled against the expiry's charge) and a usage row.
    expect(charges().map((e) => [e.request_id, e.amount_micros])).toEqual([["late", 0]]);
    expect(wallet.usageRows).toHaveLength(1);
    expect(wallet.ledger.balance()).toMatchObject({ balance_micros: 100 * USD - expiryCharge, reserved_micros: 0 });
    expect(wallet.ledger.audit().ok).toBe(true);
  });

  it("a standard key's read flushes only its own lease, not the tenant's other keys'", async () => {
    const mine = await book.reserve(env, key, "mine", 10_000);
    const theirs = await book.reserve(env, keyB, "theirs", 10_000);
    void book.settle(env, mine, 1_000, "", usage);
    void book.settle(env, theirs, 2_000, "", usage);
    await book.flushKey(env, "t1", "key_1");
    expect(charges().map((e) => e.request_id)).toEqual(["mine"]);
    expect(wallet.ledger.keyState("key_1")).toMatchObject({ reserved_micros: 0 });
  });
});
