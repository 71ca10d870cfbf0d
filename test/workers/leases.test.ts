// The gateway's money path in the real runtime goes through budget leases
// (runtime/gateway/leases.ts): many requests, one hold in the Wallet, one charge per request.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashSecret } from "../../runtime/auth/key-material";
import { walletFor } from "../../runtime/wallet/stub";
import { chat, ledgerOf, mintKey, usageRow } from "./support/money";
import { call, seedTenant } from "./support/seed";

describe("budget leases in the Worker", () => {
  it("serves a burst of requests from one lease: one hold row, one charge and one usage row per request, nothing left held", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { max_spend_usd: 1 });
    const results = await Promise.all(Array.from({ length: 12 }, () => chat(k.secret)));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    for (const r of results) await usageRow(t.tenantId, r.requestId);

    // GET /v1/wallet sends this isolate's queued charges and closes the idle lease first.
    const wallet = (await (await call("GET", "/v1/wallet", t.masterKey)).json()) as { balance_micros: number; reserved_micros: number };
    expect(wallet.reserved_micros).toBe(0);
    const charges = (await ledgerOf(t.tenantId)).filter((e) => e.type === "charge");
    expect(charges.map((e) => e.request_id).sort()).toEqual(results.map((r) => r.requestId).sort());
    expect(wallet.balance_micros).toBe(5_000_000 + charges.reduce((n, e) => n + e.amount_micros, 0));

    const stub = walletFor(env.WALLET, t.tenantId);
    const holds = await runInDurableObject(stub, (_w, state) =>
      state.storage.sql.exec("SELECT request_id, status FROM wallet_reservations").toArray(),
    );
    // Twelve concurrent requests, one Wallet hold between them (no per-request reservation).
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ status: "settled" });
    expect(String(holds[0]?.request_id)).toMatch(/^lease_/);
    expect(await stub.audit()).toEqual({ ok: true, problems: [] });
  });

  it("a revocation in this isolate stops its lease at once, while a request still holds the lease open", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { end_user_id: "bob" });
    // A stream left unread keeps its request running, so the lease cannot close by itself.
    const open = await call("POST", "/v1/chat/completions", k.secret, { model: "mock/echo", max_tokens: 50, stream: true, messages: [{ role: "user", content: "hold" }] });
    expect(open.status).toBe(200);
    expect((await call("DELETE", `/v1/keys/${k.id}`, t.masterKey)).status).toBe(200);
    // A stale cached record lets authentication pass, as it would in another location: only the lease can refuse.
    const hash = hashSecret(k.secret);
    await env.KEY_CACHE.put(`key:${hash}`, JSON.stringify({ id: k.id, tenant_id: t.tenantId, scope: "standard", end_user_id: "bob", max_spend_micros: null }));
    const res = await chat(k.secret);
    expect(res.status).toBe(401);
    await open.body?.cancel();
  });

  it("a lowered cap binds at once in this isolate: the lease's room is not spent past it", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { max_spend_usd: 1 });
    const open = await call("POST", "/v1/chat/completions", k.secret, { model: "mock/echo", max_tokens: 50, stream: true, messages: [{ role: "user", content: "hold" }] });
    expect(open.status).toBe(200);
    // 50 micro-dollars: below one request's worst case, and below what the open stream holds.
    expect((await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 0.00005 })).status).toBe(200);
    const res = await chat(k.secret);
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ error: { code: "cap_exceeded" } });
    await open.body?.cancel();
  });
});
