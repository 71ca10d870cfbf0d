import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { walletFor } from "../../runtime/wallet/stub";
import type { Wallet } from "../../runtime/wallet/wallet-object";

const usage = (tenant: string) => ({
  tenant_id: tenant,
  key_id: "key-1",
  end_user_id: "u1",
  model: "mock/echo",
  provider: "mock",
  surface: "openai" as const,
  input_tokens: 10,
  output_tokens: 5,
  cached_tokens: 0,
  outcome: "ok",
});
const rowsFor = async (requestId: string) =>
  (await env.DB.prepare("SELECT cost_micros, outcome FROM usage_events WHERE request_id = ?").bind(requestId).all()).results;

it("queues the usage row in the batch's own commit, with the charged amount and its overshoot, and copies it to D1 on flush", async () => {
  const tenant = `outbox-${Date.now()}`;
  const stub = walletFor(env.WALLET, tenant);
  await stub.credit(1_000_000, "seed");
  await stub.leaseGrow("lease-a", "key-1", 300, 0, 0);
  const batch = [{ request_id: "req-a", reserved_micros: 300, actual_micros: 900, usage: usage(tenant) }];
  await runInDurableObject(stub, async (wallet: Wallet, state) => {
    // Charged above its reservation: in full (900), 600 of it an overshoot, on the row too.
    const res = await wallet.leaseSettle("lease-a", 1, batch, 0, true);
    expect(res.ok && res.charged_micros).toEqual([900]);
    const queued = state.storage.sql.exec("SELECT request_id, cost_micros, overshoot_micros FROM usage_outbox").toArray();
    expect(queued).toEqual([{ request_id: "req-a", cost_micros: 900, overshoot_micros: 600 }]);
    expect(await wallet.flushUsage()).toBe(1);
    expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM usage_outbox").one().n).toBe(0);
  });
  expect(await rowsFor("req-a")).toEqual([{ cost_micros: 900, outcome: "ok" }]);
  // Every column arrives with its type (numbers stay numbers through the copy).
  expect(await env.DB.prepare("SELECT * FROM usage_events WHERE request_id = 'req-a'").first()).toEqual({
    ...usage(tenant),
    request_id: "req-a",
    cost_micros: 900,
    overshoot_micros: 600,
    created_at: expect.any(Number) as number,
  });

  // A repeated batch changes nothing and queues nothing.
  await stub.leaseSettle("lease-a", 1, batch, 0, true);
  expect(await stub.flushUsage()).toBe(0);
  expect(await rowsFor("req-a")).toHaveLength(1);
});

it("batches of many leases reach D1 without an explicit flush, one row per request", async () => {
  const tenant = `outbox-batch-${Date.now()}`;
  const stub = walletFor(env.WALLET, tenant);
  await stub.credit(1_000_000, "seed");
  const ids = Array.from({ length: 30 }, (_, i) => `req-b${i}`);
  await Promise.all(ids.map((id) => stub.leaseGrow(`lease-${id}`, "key-1", 100, 0, 0)));
  await Promise.all(ids.map((id) => stub.leaseSettle(`lease-${id}`, 1, [{ request_id: id, reserved_micros: 100, actual_micros: 40, usage: usage(tenant) }], 0, true)));
  for (let i = 0; i < 100; i++) {
    const n = (await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ?").bind(tenant).first<{ n: number }>())?.n;
    if (n === 30) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("usage rows did not reach D1 within 2 s");
});

it("drains a backlog larger than one statement's 100 bound values: every row reaches D1 once, the outbox empties", async () => {
  const tenant = `outbox-backlog-${Date.now()}`;
  const stub = walletFor(env.WALLET, tenant);
  await stub.credit(10_000_000, "seed");
  // One lease batch of 450 requests: more rows than one DELETE … IN (…) could name.
  await stub.leaseGrow("lease-1", "key-1", 450 * 100, 0, 0);
  const draws = Array.from({ length: 450 }, (_, i) => ({
    request_id: `bk-${i}`,
    reserved_micros: 100,
    actual_micros: 50,
    usage: { ...usage(tenant), end_user_id: i % 2 === 0 ? "u1" : null },
  }));
  await runInDurableObject(stub, async (wallet: Wallet, state) => {
    const res = await wallet.leaseSettle("lease-1", 1, draws, 0, true);
    expect(res).toMatchObject({ ok: true, applied: true, closed: true });
    expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM usage_outbox").one().n).toBe(450);
    expect(await wallet.flushUsage()).toBe(450);
    expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM usage_outbox").one().n).toBe(0);
  });
  const n = await env.DB.prepare("SELECT COUNT(*) AS n, SUM(cost_micros) AS cost FROM usage_events WHERE tenant_id = ?").bind(tenant).first();
  expect(n).toEqual({ n: 450, cost: 450 * 50 });
  const noUser = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ? AND end_user_id IS NULL").bind(tenant).first();
  expect(noUser).toEqual({ n: 225 });
});
