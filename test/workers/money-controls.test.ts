import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashSecret } from "../../runtime/auth/key-material";
import { walletFor } from "../../runtime/wallet/stub";
import { chat, ledgerOf, mintKey, usageRow } from "./support/money";
import { call, seedTenant } from "./support/seed";

/** Puts a key's record back into the KV cache, as a stale copy at another location would be. */
async function staleCacheEntry(secret: string, record: Record<string, unknown>) {
  const cacheKey = `key:${await hashSecret(secret)}`;
  await env.KEY_CACHE.put(cacheKey, JSON.stringify(record));
  expect(await env.KEY_CACHE.get(cacheKey, "json")).toEqual(record);
}

describe("cap changes take effect on the next request", () => {
  it("lowering max_spend_usd refuses the next request with 402 cap_exceeded (both surfaces); raising it lets it through", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { max_spend_usd: 1 });
    expect((await chat(k.secret)).status).toBe(200);

    // 50 micro-dollars: below one request's worst case (~34 input + 50 × 2 output micros).
    expect((await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 0.00005 })).status).toBe(200);
    const openai = await chat(k.secret);
    expect(openai.status).toBe(402);
    expect(openai.body).toMatchObject({ error: { code: "cap_exceeded", type: "insufficient_quota" } });
    const anthropic = await chat(k.secret, { surface: "anthropic" });
    expect(anthropic.status).toBe(402);
    expect(anthropic.body).toMatchObject({ type: "error", error: { type: "cap_exceeded" } });

    expect((await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 2 })).status).toBe(200);
    expect((await chat(k.secret)).status).toBe(200);
    expect((await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: null })).status).toBe(200);
    const uncapped = await chat(k.secret, { surface: "anthropic" });
    expect(uncapped.status).toBe(200);
    await usageRow(t.tenantId, uncapped.requestId);
    // Refused requests were never charged or recorded.
    for (const refused of [openai, anthropic]) {
      expect((await ledgerOf(t.tenantId)).some((e) => e.request_id === refused.requestId)).toBe(false);
      expect(await env.DB.prepare("SELECT 1 FROM usage_events WHERE request_id = ?").bind(refused.requestId).first()).toBeNull();
    }
    expect(await walletFor(env.WALLET, t.tenantId).audit()).toEqual({ ok: true, problems: [] });
  });

  it("a lowered cap binds even when the KV cache still holds the key's old cap", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { max_spend_usd: 1 });
    expect((await chat(k.secret)).status).toBe(200);
    await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 0 });
    await staleCacheEntry(k.secret, { id: k.id, tenant_id: t.tenantId, scope: "standard", end_user_id: null, max_spend_micros: 1_000_000 });
    const res = await chat(k.secret);
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ error: { code: "cap_exceeded" } });
  });
});

describe("revocation", () => {
  it("refuses the very next billable request even when the KV cache still has the key", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { end_user_id: "bob" });
    const ok = await chat(k.secret); // authenticates through D1 and fills the cache
    expect(ok.status).toBe(200);
    await usageRow(t.tenantId, ok.requestId);
    const before = await ledgerOf(t.tenantId);

    expect((await call("DELETE", `/v1/keys/${k.id}`, t.masterKey)).status).toBe(200);
    await staleCacheEntry(k.secret, { id: k.id, tenant_id: t.tenantId, scope: "standard", end_user_id: "bob", max_spend_micros: null });

    for (const surface of ["openai", "anthropic"] as const) {
      const res = await chat(k.secret, { surface });
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).toContain("authentication_error");
    }
    expect(await ledgerOf(t.tenantId)).toEqual(before);
    expect((await walletFor(env.WALLET, t.tenantId).balance()).reserved_micros).toBe(0);
  });
});

describe("tenant isolation", () => {
  it("no route lets tenant A read or spend tenant B's wallet, keys, usage or ledger", async () => {
    const a = await seedTenant({ creditMicros: 2_000_000 });
    const b = await seedTenant({ creditMicros: 3_000_000 });
    const ka = await mintKey(a.masterKey, { end_user_id: "alice" });
    const kb = await mintKey(b.masterKey, { end_user_id: "bert" });

    // A's key spends A's money only.
    const spent = await chat(ka.secret);
    expect(spent.status).toBe(200);
    await usageRow(a.tenantId, spent.requestId);
    expect(await (await call("GET", "/v1/wallet", b.masterKey)).json()).toEqual({ balance_micros: 3_000_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    const walletA = await (await call("GET", "/v1/wallet", a.masterKey)).json<{ balance_micros: number }>();
    expect(walletA.balance_micros).toBeLessThan(2_000_000);

    // B's ledger, usage and key list show nothing of A.
    const ledgerB = await (await call("GET", "/v1/wallet/ledger", b.masterKey)).text();
    expect(ledgerB).not.toContain(spent.requestId);
    expect(ledgerB).not.toContain(ka.id);
    expect(JSON.parse(ledgerB).data).toHaveLength(1);
    const ledgerA = await (await call("GET", "/v1/wallet/ledger", a.masterKey)).text();
    expect(ledgerA).toContain(spent.requestId);
    const usageB = await (await call("GET", "/v1/usage", b.masterKey)).json<{ totals: { requests: number }; by_key: unknown[] }>();
    expect(usageB.totals.requests).toBe(0);
    expect(usageB.by_key).toEqual([]);
    const keysB = await (await call("GET", "/v1/keys", b.masterKey)).text();
    expect(keysB).not.toContain(ka.id);

    // Every route that takes a key id answers 404 for a foreign one, and changes nothing.
    expect((await call("GET", `/v1/keys/${ka.id}/usage`, b.masterKey)).status).toBe(404);
    expect((await call("PATCH", `/v1/keys/${ka.id}`, b.masterKey, { max_spend_usd: 0 })).status).toBe(404);
    expect((await call("DELETE", `/v1/keys/${ka.id}`, b.masterKey)).status).toBe(404);
    expect((await call("GET", `/v1/keys/${kb.id}/usage`, ka.secret)).status).toBe(403); // a standard key: own usage only
    expect((await chat(ka.secret)).status).toBe(200); // still alive and uncapped

    // A master key is not the operator's admin token: it cannot credit any tenant (401, or
    // 403 where no ADMIN_TOKEN is configured at all).
    for (const target of [a.tenantId, b.tenantId]) {
      const credit = await call("POST", `/v1/admin/tenants/${target}/credit`, a.masterKey, { amount_micros: 1, ref: "self-credit" });
      expect([401, 403]).toContain(credit.status);
    }
    expect((await ledgerOf(b.tenantId)).map((e) => e.ref)).toEqual([`seed:${b.tenantId}`]);
  });
});
