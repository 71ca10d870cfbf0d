import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ledger } from "../../runtime/wallet/ledger";
import { SqlLedgerStore } from "../../runtime/wallet/sql-store";
import type { KeyRow } from "../../runtime/wallet/store";
import { walletFor } from "../../runtime/wallet/stub";
import { simulate } from "../unit/wallet/simulate";
import { simulateLeases } from "../unit/wallet/simulate-leases";

const USD = 1_000_000;
let tenants = 0;
/** A fresh Durable Object per test, so tests never share money. */
const freshWallet = (label: string) => walletFor(env.WALLET, `tenant-${label}-${++tenants}-${Date.now()}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One finished request in a lease batch. */
const draw = (request_id: string, reserved_micros: number, actual_micros: number, note?: string) => ({ request_id, reserved_micros, actual_micros, ...(note ? { note } : {}) });

describe("Wallet Durable Object under concurrency", () => {
  it("200 concurrent holds (leases of one draw) against a key cap covering 50: exactly 50 pass, the cap is never overshot", async () => {
    const wallet = freshWallet("cap");
    await wallet.credit(1_000 * USD, "seed");
    await wallet.upsertKey("key-1", 50 * 20_000);

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => wallet.leaseGrow(`lease-${i}`, "key-1", 20_000, 0, 0)),
    );

    const granted = results.filter((r) => r.ok);
    expect(granted).toHaveLength(50);
    expect(results.filter((r) => !r.ok && r.type === "cap_exceeded")).toHaveLength(150);
    expect(await wallet.keyState("key-1")).toEqual({
      key_id: "key-1",
      cap_micros: 1_000_000,
      spent_micros: 0,
      reserved_micros: 1_000_000,
      revoked: false,
    });
    expect(await wallet.audit()).toEqual({ ok: true, problems: [] });
  });

  it("200 concurrent holds against a wallet covering 50: exactly 50 pass, the balance never goes negative", async () => {
    const wallet = freshWallet("funds");
    await wallet.credit(50 * 30_000, "seed");

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => wallet.leaseGrow(`lease-${i}`, `key-${i % 7}`, 30_000, 0, 0)),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(50);
    const refusals = results.filter((r) => !r.ok);
    expect(refusals.every((r) => !r.ok && r.type === "insufficient_funds" && r.available_micros === 0)).toBe(true);
    expect(await wallet.balance()).toEqual({ balance_micros: 1_500_000, reserved_micros: 1_500_000, currency: "usd", overshoots: 0, overshoot_micros: 0 });

    // Every granted request's batch charges its full cost, concurrently: the balance lands on exactly 0.
    const settled = await Promise.all(
      results.flatMap((r, i) => (r.ok ? [wallet.leaseSettle(`lease-${i}`, 1, [draw(`req-${i}`, 30_000, 30_000)], 0, true)] : [])),
    );
    expect(settled.every((s) => s.ok && s.applied)).toBe(true);
    expect(await wallet.balance()).toEqual({ balance_micros: 0, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(await wallet.leaseGrow("one-more", "key-0", 1, 0, 0)).toMatchObject({ ok: false, type: "insufficient_funds" });
    expect(await wallet.audit()).toEqual({ ok: true, problems: [] });
  });

  it("the same batch sent concurrently charges once", async () => {
    const wallet = freshWallet("idem");
    await wallet.credit(USD, "seed");
    await wallet.leaseGrow("lease-same", "key-1", 100_000, 0, 0);
    const results = await Promise.all(Array.from({ length: 20 }, () => wallet.leaseSettle("lease-same", 1, [draw("req-same", 100_000, 70_000)], 0, true)));
    expect(results.filter((r) => r.ok && r.applied)).toHaveLength(1);
    expect(results.filter((r) => r.ok && !r.applied)).toHaveLength(19);
    expect(await wallet.balance()).toMatchObject({ balance_micros: USD - 70_000, reserved_micros: 0 });
  });
});

describe("Wallet lease batches, credit and reads over RPC", () => {
  it("a batch charges the actual cost and releases the rest for the next request", async () => {
    const wallet = freshWallet("settle");
    await wallet.credit(2 * USD, "evt_1", "first top-up");
    await wallet.upsertKey("key-1", 600_000);
    expect(await wallet.leaseGrow("a", "key-1", 500_000, 0, 0)).toMatchObject({ ok: true, granted_micros: 500_000 });
    expect(await wallet.leaseGrow("b", "key-1", 500_000, 0, 0)).toMatchObject({ ok: false, type: "cap_exceeded", available_micros: 100_000 });

    const settled = await wallet.leaseSettle("a", 1, [draw("a-1", 500_000, 120_000, "mock/echo")], 0, true);
    expect(settled).toMatchObject({ ok: true, applied: true, charged_micros: [120_000], closed: true });
    expect(await wallet.leaseSettle("a", 1, [draw("a-1", 500_000, 999_999)], 0, true)).toMatchObject({ ok: true, applied: false });
    expect(await wallet.leaseSettle("never-grown", 1, [draw("x", 1, 1)], 0, true)).toMatchObject({ ok: false, type: "unknown_lease" });

    expect(await wallet.leaseGrow("b", "key-1", 480_000, 0, 0)).toMatchObject({ ok: true, granted_micros: 480_000 });
    expect(await wallet.keyState("key-1")).toMatchObject({ spent_micros: 120_000, reserved_micros: 480_000 });

    expect(await wallet.credit(2 * USD, "evt_1")).toMatchObject({ applied: false });
    const page = await wallet.ledger({ limit: 10 });
    expect(page.data.map((e) => [e.type, e.amount_micros, e.balance_after_micros])).toEqual([
      ["credit", 2 * USD, 2 * USD],
      ["charge", -120_000, 1_880_000],
    ]);
    expect(page.has_more).toBe(false);
  });

  it("a revoked key is refused on its next request", async () => {
    const wallet = freshWallet("revoke");
    await wallet.credit(USD, "seed");
    expect(await wallet.leaseGrow("a", "key-1", 1, 0, 0)).toMatchObject({ ok: true });
    await wallet.revokeKey("key-1");
    expect(await wallet.leaseGrow("b", "key-1", 1, 0, 0)).toMatchObject({ ok: false, type: "key_revoked" });
  });

  it("a malformed amount is rejected with a message saying what to fix", async () => {
    const wallet = freshWallet("invalid");
    // Called on the instance: a rejecting RPC through a stub leaks an unhandled rejection
    // in vitest-pool-workers (cloudflare/workers-sdk#14736) even when the test awaits it.
    await runInDurableObject(wallet, async (instance) => {
      await expect(instance.credit(1.5, "evt")).rejects.toThrow(/amountMicros must be a non-negative whole number/);
    });
    expect(await wallet.balance()).toMatchObject({ balance_micros: 0 });
  });
});

describe("Wallet alarm", () => {
  it("charges a forgotten lease its whole hold and re-arms for the next deadline", async () => {
    const wallet = freshWallet("alarm");
    await wallet.credit(USD, "seed");
    // Short deadlines through the ledger itself (the RPC grants the 10-minute TTL), then the alarm.
    const open = await runInDurableObject(wallet, async (_instance, state) => {
      const ledger = new Ledger(new SqlLedgerStore(state.storage));
      ledger.leaseGrow("forgotten", "key-1", 300_000, 0, 0, Date.now(), 5);
      const running = ledger.leaseGrow("still-running", "key-1", 200_000, 0, 0, Date.now(), 60_000);
      await state.storage.setAlarm(Date.now() + 5);
      return running;
    });
    if (!open.ok) throw new Error(open.message);

    await sleep(20);
    expect(await runDurableObjectAlarm(wallet)).toBe(true);

    expect(await wallet.balance()).toEqual({ balance_micros: 700_000, reserved_micros: 200_000, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    const entries = (await wallet.ledger()).data;
    expect(entries.at(-1)).toMatchObject({ type: "expired_charge", amount_micros: -300_000, request_id: "forgotten" });
    // Its late batch is settled against that charge: nothing charged twice.
    expect(await wallet.leaseSettle("forgotten", 1, [draw("f-1", 300_000, 1)], 0, true)).toMatchObject({ ok: true, applied: true, charged_micros: [0] });
    const nextAlarm = await runInDurableObject(wallet, (_instance, state) => state.storage.getAlarm());
    expect(nextAlarm).toBe(open.deadline_at);
  });

  it("arms the alarm at the earliest deadline and leaves none once nothing is open", async () => {
    const wallet = freshWallet("arm");
    await wallet.credit(USD, "seed");
    const first = await wallet.leaseGrow("first", "k", 1, 0, 0);
    await sleep(5);
    const second = await wallet.leaseGrow("second", "k", 1, 0, 0);
    if (!first.ok || !second.ok) throw new Error("grow refused");
    expect(second.deadline_at).toBeGreaterThan(first.deadline_at);
    expect(await runInDurableObject(wallet, (_i, state) => state.storage.getAlarm())).toBe(first.deadline_at);
    await wallet.leaseSettle("first", 1, [draw("f", 1, 1)], 0, true);
    await wallet.leaseSettle("second", 1, [draw("s", 1, 1)], 0, true);
    expect(await runDurableObjectAlarm(wallet)).toBe(true);
    expect(await runInDurableObject(wallet, (_i, state) => state.storage.getAlarm())).toBeNull();
  });
});

describe("SqlLedgerStore in real Durable Object SQLite", () => {
  it("matches the reference model under random interleavings", async () => {
    for (const seed of [7, 8, 9]) {
      const stats = await runInDurableObject(freshWallet("sim"), (_instance, state) =>
        simulate(new Ledger(new SqlLedgerStore(state.storage)), seed, 400),
      );
      expect(stats.held).toBeGreaterThan(40);
    }
  });

  it("keeps the lease rules under random interleavings (simulate-leases.ts)", async () => {
    for (const seed of [7_001, 7_004]) {
      const stats = await runInDurableObject(freshWallet("lease-sim"), (_instance, state) =>
        simulateLeases((now) => new Ledger(new SqlLedgerStore(state.storage), { now }), seed, 600),
      );
      expect(stats.draws).toBeGreaterThan(5);
    }
  });

  it("a lease batch spanning several INSERTs books its charges in draw order, the lease pointing at the last", async () => {
    await runInDurableObject(freshWallet("batch-order"), (_instance, state) => {
      const ledger = new Ledger(new SqlLedgerStore(state.storage), { now: () => 1_000 });
      ledger.credit(USD, "seed");
      expect(ledger.leaseGrow("lease-o", "key-1", 100_000, 0, 0, 1_000, 60_000).ok).toBe(true);
      // 25 draws: three statements of at most 11 rows; amounts differ so the order shows.
      const draws = Array.from({ length: 25 }, (_, i) => ({ request_id: `o-${i}`, reserved_micros: 4_000, actual_micros: 100 + i }));
      const res = ledger.leaseSettle("lease-o", 1, draws, 0, false, 1_000, 60_000);
      expect(res).toMatchObject({ ok: true, applied: true, charged_micros: draws.map((d) => d.actual_micros) });

      const charges = ledger.ledger({ limit: 100 }).data.filter((e) => e.type === "charge");
      expect(charges.map((e) => e.ref)).toEqual(draws.map((d) => d.request_id));
      expect(charges.map((e) => e.amount_micros)).toEqual(draws.map((d) => -d.actual_micros));
      let balance = USD;
      for (const [i, e] of charges.entries()) {
        balance -= draws[i]?.actual_micros ?? 0;
        expect(e.balance_after_micros).toBe(balance);
        if (i > 0) expect(e.id).toBeGreaterThan(charges[i - 1]?.id ?? Infinity);
      }
      const lease = state.storage.sql.exec("SELECT entry_id FROM wallet_reservations WHERE request_id = 'lease-o'").one();
      expect(lease.entry_id).toBe(charges.at(-1)?.id);
      expect(ledger.audit()).toEqual({ ok: true, problems: [] });
    });
  });

  it("rolls a failed batch back completely (transactionSync)", async () => {
    const wallet = freshWallet("rollback");
    await wallet.credit(USD, "seed");
    await wallet.leaseGrow("r1", "key-1", 400_000, 0, 0);
    await runInDurableObject(wallet, (_instance, state) => {
      class FailingStore extends SqlLedgerStore {
        override putKey(row: KeyRow): void {
          if (row.spent_micros > 0) throw new Error("simulated failure after the ledger entry was written");
          super.putKey(row);
        }
      }
      const failing = new Ledger(new FailingStore(state.storage));
      expect(() => failing.leaseSettle("r1", 1, [draw("r1-1", 400_000, 100_000)], 0, true, Date.now(), 60_000)).toThrow(/simulated failure/);
    });
    expect((await wallet.ledger()).data).toHaveLength(1);
    expect(await wallet.balance()).toEqual({ balance_micros: USD, reserved_micros: 400_000, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    expect(await wallet.leaseSettle("r1", 1, [draw("r1-1", 400_000, 100_000)], 0, true)).toMatchObject({ ok: true, applied: true });
    expect(await wallet.audit()).toEqual({ ok: true, problems: [] });
  });

  it("the schema itself refuses a negative reserved total (the balance may go negative: overshoots are charged in full)", async () => {
    await runInDurableObject(freshWallet("check"), (_instance, state) => {
      expect(() => state.storage.sql.exec("UPDATE wallet_totals SET reserved_micros = -1 WHERE id = 1")).toThrow(/CHECK/);
      expect(() => state.storage.sql.exec("UPDATE wallet_totals SET balance_micros = -1 WHERE id = 1")).not.toThrow();
    });
  });

  it("an object created before overshoots (waived_micros, balance CHECKs, plain reservations) is migrated in place, its money intact", async () => {
    await runInDurableObject(freshWallet("migrate"), (_instance, state) => {
      const sql = state.storage.sql;
      for (const t of ["wallet_totals", "wallet_ledger", "wallet_reservations", "wallet_keys", "wallet_leases"]) sql.exec(`DROP TABLE ${t}`);
      // The tables as the previous version created them.
      sql.exec(`CREATE TABLE wallet_totals (id INTEGER PRIMARY KEY CHECK (id = 1), balance_micros INTEGER NOT NULL CHECK (balance_micros >= 0),
        reserved_micros INTEGER NOT NULL CHECK (reserved_micros >= 0 AND reserved_micros <= balance_micros))`);
      sql.exec("INSERT INTO wallet_totals VALUES (1, 700, 200)");
      sql.exec(`CREATE TABLE wallet_keys (key_id TEXT PRIMARY KEY, cap_micros INTEGER, spent_micros INTEGER NOT NULL,
        reserved_micros INTEGER NOT NULL, revoked INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
      sql.exec("INSERT INTO wallet_keys VALUES ('k1', NULL, 300, 200, 0, 1)");
      sql.exec(`CREATE TABLE wallet_reservations (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, amount_micros INTEGER NOT NULL,
        created_at INTEGER NOT NULL, deadline_at INTEGER NOT NULL, status TEXT NOT NULL, actual_micros INTEGER, charged_micros INTEGER,
        waived_micros INTEGER, entry_id INTEGER, balance_after_micros INTEGER, settled_at INTEGER)`);
      sql.exec("INSERT INTO wallet_reservations VALUES ('r1', 'k1', 300, 1, 2, 'settled', 350, 300, 50, 2, 700, 2)");
      sql.exec("INSERT INTO wallet_reservations VALUES ('r2', 'k1', 200, 1, 9999999999999, 'open', NULL, NULL, NULL, NULL, NULL, NULL)");
      sql.exec(`CREATE TABLE wallet_ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, amount_micros INTEGER NOT NULL,
        waived_micros INTEGER NOT NULL, ref TEXT NOT NULL, key_id TEXT, request_id TEXT,
        balance_after_micros INTEGER NOT NULL CHECK (balance_after_micros >= 0), created_at INTEGER NOT NULL, note TEXT)`);
      sql.exec("INSERT INTO wallet_ledger VALUES (1, 'credit', 1000, 0, 'seed', NULL, NULL, 1000, 1, NULL)");
      sql.exec("INSERT INTO wallet_ledger VALUES (2, 'charge', -300, 50, 'r1', 'k1', 'r1', 700, 2, 'old: $0.00005 waived')");
      sql.exec("CREATE TABLE wallet_leases (lease_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, inflight_micros INTEGER NOT NULL)");

      const ledger = new Ledger(new SqlLedgerStore(state.storage));
      expect(ledger.audit()).toEqual({ ok: true, problems: [] });
      expect(ledger.balance()).toEqual({ balance_micros: 700, reserved_micros: 200, currency: "usd", overshoots: 0, overshoot_micros: 0 });
      // Waived amounts were never charged: they are not overshoots.
      expect(ledger.ledger().data.map((e) => [e.id, e.amount_micros, e.overshoot_micros])).toEqual([[1, 1000, 0], [2, -300, 0]]);
      // Its open plain reservation became a lease of one draw: its batch charges it (in full).
      expect(sql.exec("SELECT lease_id, last_seq FROM wallet_leases").toArray()).toEqual([{ lease_id: "r2", last_seq: 0 }]);
      expect(ledger.leaseSettle("r2", 1, [draw("r2", 200, 900)], 0, true, 3, 60_000)).toMatchObject({ ok: true, charged_micros: [900], overshoot_micros: [700] });
      expect(ledger.balance()).toMatchObject({ balance_micros: -200, overshoots: 1, overshoot_micros: 700 });
      expect(ledger.credit(500, "next")).toMatchObject({ entry: { id: 4 } });
      // The rebuilt ledger keeps the debit refs unique from its first start (its old indexes went with the old table).
      const indexes = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'wallet_ledger'").toArray().map((r) => r.name);
      expect(indexes).toEqual(expect.arrayContaining(["wallet_ledger_credit_ref", "wallet_ledger_debit_ref"]));
      expect(() => sql.exec("INSERT INTO wallet_ledger (type, amount_micros, overshoot_micros, ref, balance_after_micros, created_at) VALUES ('debit', -1, 0, 'd', 0, 4), ('debit', -1, 0, 'd', 0, 4)")).toThrow(/UNIQUE/);
      expect(ledger.audit()).toEqual({ ok: true, problems: [] });
      // Starting again over the migrated tables changes nothing.
      expect(new Ledger(new SqlLedgerStore(state.storage)).balance()).toMatchObject({ balance_micros: 300 });
    });
  });
});
