import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { chat, ledgerOf, mintKey, usageRow } from "./support/money";
import { call, seedTenant } from "./support/seed";

const DAY = 86_400_000;
const D1 = Date.UTC(2025, 0, 10, 12); // 2025-01-10 noon UTC
let seq = 0;

/** Writes a usage event as the gateway would, with chosen numbers and time. */
async function event(tenantId: string, keyId: string, model: string, at: number, cost: number, tokens: [number, number] = [10, 20], overshoot = 0) {
  await env.DB.prepare(
    `INSERT INTO usage_events (request_id, tenant_id, key_id, end_user_id, model, provider, surface, input_tokens, output_tokens,
       cached_tokens, cost_micros, overshoot_micros, outcome, created_at) VALUES (?, ?, ?, ?, ?, 'mock', 'openai', ?, ?, 0, ?, ?, 'ok', ?)`,
  )
    .bind(`req_seeded_${++seq}`, tenantId, keyId, `eu_${keyId}`, model, tokens[0], tokens[1], cost, overshoot, at)
    .run();
}

type Report = {
  from_ms: number;
  to_ms: number;
  totals: Record<string, number>;
  by_key: Record<string, unknown>[];
  by_model: Record<string, unknown>[];
  by_day: Record<string, unknown>[];
};

describe("GET /v1/usage", () => {
  it("rolls up the caller's tenant only: totals, per key, per model, per UTC day, within [from_ms, to_ms), overshoots counted", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await event(a.tenantId, "key_a1", "mock/echo", D1, 100);
    await event(a.tenantId, "key_a1", "openai/gpt-4o-mini", D1 + 1000, 300, [5, 5], 120); // 120 of it above its reservation
    await event(a.tenantId, "key_a2", "mock/echo", D1 + DAY, 50);
    await event(a.tenantId, "key_a2", "mock/echo", D1 + 3 * DAY, 999_999); // at to_ms: outside
    await event(a.tenantId, "key_a2", "mock/echo", D1 - DAY, 999_999); // before from_ms
    await event(b.tenantId, "key_b1", "mock/echo", D1, 777_777); // another tenant, same window

    const res = await call("GET", `/v1/usage?from_ms=${D1 - 1000}&to_ms=${D1 + 3 * DAY}`, a.masterKey);
    expect(res.status).toBe(200);
    const r = await res.json<Report>();
    expect(r).toEqual({
      from_ms: D1 - 1000,
      to_ms: D1 + 3 * DAY,
      totals: { requests: 3, input_tokens: 25, output_tokens: 45, cost_micros: 450, overshoots: 1, overshoot_micros: 120 },
      by_key: [
        { key_id: "key_a1", end_user_id: "eu_key_a1", requests: 2, input_tokens: 15, output_tokens: 25, cost_micros: 400, overshoots: 1, overshoot_micros: 120 },
        { key_id: "key_a2", end_user_id: "eu_key_a2", requests: 1, input_tokens: 10, output_tokens: 20, cost_micros: 50, overshoots: 0, overshoot_micros: 0 },
      ],
      by_model: [
        { model: "openai/gpt-4o-mini", requests: 1, input_tokens: 5, output_tokens: 5, cost_micros: 300, overshoots: 1, overshoot_micros: 120 },
        { model: "mock/echo", requests: 2, input_tokens: 20, output_tokens: 40, cost_micros: 150, overshoots: 0, overshoot_micros: 0 },
      ],
      by_day: [
        { day: "2025-01-10", requests: 2, input_tokens: 15, output_tokens: 25, cost_micros: 400, overshoots: 1, overshoot_micros: 120 },
        { day: "2025-01-11", requests: 1, input_tokens: 10, output_tokens: 20, cost_micros: 50, overshoots: 0, overshoot_micros: 0 },
      ],
    });

    const rb = await (await call("GET", `/v1/usage?from_ms=${D1 - 1000}&to_ms=${D1 + 3 * DAY}`, b.masterKey)).json<Report>();
    expect(rb.totals).toEqual({ requests: 1, input_tokens: 10, output_tokens: 20, cost_micros: 777_777, overshoots: 0, overshoot_micros: 0 });
    expect(rb.by_key.map((k) => k.key_id)).toEqual(["key_b1"]);
  });

  it("group_by fills only that breakdown", async () => {
    const a = await seedTenant();
    await event(a.tenantId, "key_g", "mock/echo", D1, 10);
    for (const [group, filled] of [["key", "by_key"], ["model", "by_model"], ["day", "by_day"]] as const) {
      const r = await (await call("GET", `/v1/usage?from_ms=${D1}&to_ms=${D1 + 1}&group_by=${group}`, a.masterKey)).json<Report>();
      expect(r.totals.requests).toBe(1);
      for (const list of ["by_key", "by_model", "by_day"] as const) expect(r[list]).toHaveLength(list === filled ? 1 : 0);
    }
  });

  it("defaults to the last 30 days, ending now", async () => {
    const a = await seedTenant();
    const now = Date.now();
    await event(a.tenantId, "key_d", "mock/echo", now - 29 * DAY, 7);
    await event(a.tenantId, "key_d", "mock/echo", now - 31 * DAY, 1000);
    const r = await (await call("GET", "/v1/usage", a.masterKey)).json<Report>();
    expect(r.to_ms).toBeGreaterThanOrEqual(now);
    expect(r.to_ms - r.from_ms).toBe(30 * DAY);
    expect(r.totals).toMatchObject({ requests: 1, cost_micros: 7 });
  });

  it("counts what the gateway records: a real request shows up with the wallet's charge", async () => {
    const a = await seedTenant({ creditMicros: 1_000_000 });
    const k = await mintKey(a.masterKey, { end_user_id: "alice" });
    const { status, requestId } = await chat(k.secret);
    expect(status).toBe(200);
    const row = await usageRow(a.tenantId, requestId);
    const r = await (await call("GET", "/v1/usage", a.masterKey)).json<Report>();
    const charge = (await ledgerOf(a.tenantId)).find((e) => e.request_id === requestId);
    expect(r.totals.cost_micros).toBe(row.cost_micros);
    expect(r.totals.cost_micros).toBe(-(charge?.amount_micros ?? 0));
    expect(r.by_key).toEqual([expect.objectContaining({ key_id: k.id, end_user_id: "alice", requests: 1 })]);
  });

  it.each([
    ["from_ms after to_ms", "?from_ms=10&to_ms=9", "query.from_ms"],
    ["from_ms in the future (to_ms defaults to now)", `?from_ms=${Date.now() + 10 * DAY}`, "query.from_ms"],
    ["a non-numeric from_ms", "?from_ms=yesterday", "query.from_ms"],
    ["a negative to_ms", "?to_ms=-1", "query.to_ms"],
    ["an unknown group_by", "?group_by=week", "query.group_by"],
    ["an unknown parameter", "?tenant_id=other", "query.tenant_id"],
  ])("refuses %s with a 400 naming %s", async (_label, qs, param) => {
    const a = await seedTenant();
    const res = await call("GET", `/v1/usage${qs}`, a.masterKey);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", param } });
  });

  it("is for master keys: a standard key gets 403", async () => {
    const a = await seedTenant();
    const k = await mintKey(a.masterKey, {});
    const res = await call("GET", "/v1/usage", k.secret);
    expect(res.status).toBe(403);
  });
});

describe("GET /v1/keys/{id}/usage", () => {
  it("reports the wallet's spend and cap for the key, and its usage per model", async () => {
    const a = await seedTenant({ creditMicros: 1_000_000 });
    const k = await mintKey(a.masterKey, { max_spend_usd: 0.5 });
    const first = await chat(k.secret);
    const second = await chat(k.secret, { surface: "anthropic" });
    const rows = [await usageRow(a.tenantId, first.requestId), await usageRow(a.tenantId, second.requestId)];
    const res = await call("GET", `/v1/keys/${k.id}/usage`, a.masterKey);
    expect(res.status).toBe(200);
    const u = await res.json<Record<string, unknown>>();
    const cost = rows.reduce((n, r) => n + Number(r.cost_micros), 0);
    expect(cost).toBeGreaterThan(0);
    expect(u).toEqual({
      key_id: k.id,
      cost_micros: cost,
      reserved_micros: 0,
      cap_micros: 500_000,
      requests: 2,
      input_tokens: rows.reduce((n, r) => n + Number(r.input_tokens), 0),
      output_tokens: rows.reduce((n, r) => n + Number(r.output_tokens), 0),
      by_model: [expect.objectContaining({ model: "mock/echo", requests: 2, cost_micros: cost })],
    });
  });

  it("lets a standard key read its own usage only (403 for another key), and stays readable after revocation", async () => {
    const a = await seedTenant({ creditMicros: 1_000_000 });
    const mine = await mintKey(a.masterKey, {});
    const other = await mintKey(a.masterKey, {});
    const own = await call("GET", `/v1/keys/${mine.id}/usage`, mine.secret);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ key_id: mine.id, cap_micros: null, requests: 0, by_model: [] });
    const peek = await call("GET", `/v1/keys/${other.id}/usage`, mine.secret);
    expect(peek.status).toBe(403);
    expect(await peek.json()).toMatchObject({ error: { type: "permission_error" } });
    expect((await call("DELETE", `/v1/keys/${other.id}`, a.masterKey)).status).toBe(200);
    expect((await call("GET", `/v1/keys/${other.id}/usage`, a.masterKey)).status).toBe(200);
  });

  it("answers 404 for another tenant's key and for unknown ids", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    const k = await mintKey(a.masterKey, {});
    for (const id of [k.id, a.masterKeyId, "key_does_not_exist"]) {
      const res = await call("GET", `/v1/keys/${id}/usage`, b.masterKey);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { type: "not_found_error" } });
    }
  });
});

describe("GET /v1/wallet/ledger", () => {
  it("pages through credits and charges, oldest first", async () => {
    const a = await seedTenant({ creditMicros: 1_000_000 });
    const k = await mintKey(a.masterKey, {});
    const { requestId } = await chat(k.secret);
    await usageRow(a.tenantId, requestId);
    const p1 = await (await call("GET", "/v1/wallet/ledger?limit=1", a.masterKey)).json<Record<string, unknown>>();
    expect(p1).toMatchObject({ object: "list", has_more: true, data: [{ type: "credit", amount_micros: 1_000_000, ref: `seed:${a.tenantId}` }] });
    const p2 = await (await call("GET", `/v1/wallet/ledger?limit=1&after=${String(p1.next_after)}`, a.masterKey)).json<Record<string, unknown>>();
    expect(p2).toMatchObject({ has_more: false, data: [{ type: "charge", request_id: requestId, key_id: k.id }] });
    const all = await (await call("GET", "/v1/wallet/ledger", a.masterKey)).json<{ data: { amount_micros: number; balance_after_micros: number }[] }>();
    const wallet = await (await call("GET", "/v1/wallet", a.masterKey)).json<{ balance_micros: number }>();
    expect(all.data.reduce((n, e) => n + e.amount_micros, 0)).toBe(wallet.balance_micros);
    expect(all.data.at(-1)?.balance_after_micros).toBe(wallet.balance_micros);
  });

  it("order=desc reads newest first and pages back with before (the Wallet's SQL store)", async () => {
    const a = await seedTenant({ creditMicros: 1_000_000 });
    const k = await mintKey(a.masterKey, {});
    const { requestId } = await chat(k.secret);
    await usageRow(a.tenantId, requestId);
    const p1 = await (await call("GET", "/v1/wallet/ledger?limit=1&order=desc", a.masterKey)).json<Record<string, unknown>>();
    expect(p1).toMatchObject({ has_more: true, data: [{ type: "charge", request_id: requestId }] });
    expect(p1.next_before).toBe(p1.next_after);
    const p2 = await (await call("GET", `/v1/wallet/ledger?limit=1&order=desc&before=${String(p1.next_before)}`, a.masterKey)).json<Record<string, unknown>>();
    expect(p2).toMatchObject({ has_more: false, data: [{ type: "credit", ref: `seed:${a.tenantId}` }] });
  });

  it.each([
    ["limit=0", "query.limit"],
    ["limit=501", "query.limit"],
    ["limit=ten", "query.limit"],
    ["after=-1", "query.after"],
    ["before=0&order=desc", "query.before"],
    ["order=sideways", "query.order"],
    ["before=5", "query.before"],
    ["order=desc&after=5", "query.after"],
  ])("refuses %s with a 400 naming %s", async (qs, param) => {
    const a = await seedTenant();
    const res = await call("GET", `/v1/wallet/ledger?${qs}`, a.masterKey);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param } });
  });
});
