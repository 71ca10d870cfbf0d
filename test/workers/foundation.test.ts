import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, seedTenant } from "./support/seed";

describe("health, models, connectors", () => {
  it("answers /v1/health without a key, with a request id and gw timing", async () => {
    const res = await call("GET", "/v1/health", null);
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; version: string }>();
    expect(body.status).toBe("ok");
    expect(res.headers.get("x-qlaud-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers.get("server-timing")).toMatch(/^gw;dur=\d/);
  });

  it("lists models and connectors for any key, and refuses without one", async () => {
    const t = await seedTenant();
    const models = await call("GET", "/v1/models", t.masterKey);
    expect(models.status).toBe(200);
    const m = await models.json<{ object: string; data: { id: string }[] }>();
    expect(m.object).toBe("list");
    expect(m.data.map((x) => x.id)).toContain("mock/echo");
    const connectors = await call("GET", "/v1/connectors", t.masterKey);
    const c = await connectors.json<{ data: { id: string; tools: { name: string }[] }[] }>();
    expect(c.data.map((x) => x.id)).toEqual(expect.arrayContaining(["github", "linear", "stripe"]));
    expect(c.data.find((x) => x.id === "github")?.tools.map((t) => t.name)).toContain("github/create_issue");
    // The whole catalog: 105 vendors, at least five tools each (but the MCP one, whose tools come per connection).
    expect(c.data).toHaveLength(105);
    expect(c.data.reduce((n, x) => n + x.tools.length, 0)).toBeGreaterThanOrEqual(525);
    expect(c.data.filter((x) => x.tools.length < 5).map((x) => x.id)).toEqual(["zapier"]);
    const anon = await call("GET", "/v1/models", null);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: { type: "authentication_error" } });
  });

  it("accepts Authorization: Bearer as well as x-api-key", async () => {
    const t = await seedTenant();
    const res = await call("GET", "/v1/models", null, undefined, { authorization: `Bearer ${t.masterKey}` });
    expect(res.status).toBe(200);
  });

  it("answers unknown routes with a 404 in the Gatehouse error shape", async () => {
    const res = await call("GET", "/v1/nope", null);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: "not_found_error" } });
  });
});

describe("keys", () => {
  it("mints a standard key whose secret is shown once and never listed", async () => {
    const t = await seedTenant();
    const created = await call("POST", "/v1/keys", t.masterKey, { name: "alice", end_user_id: "u1", max_spend_usd: 2.5 });
    expect(created.status).toBe(201);
    const k = await created.json<{ id: string; secret: string; prefix: string; scope: string; max_spend_usd: number }>();
    expect(k.secret).toMatch(/^qlk_test_[0-9A-Za-z]{32}$/);
    expect(k.secret.startsWith(k.prefix)).toBe(true);
    expect(k.scope).toBe("standard");
    expect(k.max_spend_usd).toBe(2.5);
    const list = await call("GET", "/v1/keys", t.masterKey);
    const text = await list.text();
    expect(text).not.toContain(k.secret);
    expect(text).not.toContain('"secret"');
    expect(JSON.parse(text).data.map((x: { id: string }) => x.id)).toContain(k.id);
    // Only the hash is stored.
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(k.id).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(k.secret);
  });

  it("refuses admin operations to a standard key (403) and revokes immediately (401 on the next request)", async () => {
    const t = await seedTenant();
    const k = await (await call("POST", "/v1/keys", t.masterKey, { name: "bob" })).json<{ id: string; secret: string }>();
    expect((await call("GET", "/v1/models", k.secret)).status).toBe(200); // now cached in KV
    const forbidden = await call("POST", "/v1/keys", k.secret, { name: "escalate", scope: "master" });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { type: "permission_error" } });
    const del = await call("DELETE", `/v1/keys/${k.id}`, t.masterKey);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: k.id, revoked: true });
    const after = await call("GET", "/v1/models", k.secret);
    expect(after.status).toBe(401);
    expect((await call("GET", "/v1/keys", t.masterKey)).status).toBe(200);
    const listed = await (await call("GET", "/v1/keys", t.masterKey)).json<{ data: { id: string }[] }>();
    expect(listed.data.map((x) => x.id)).not.toContain(k.id);
  });

  it("updates name and cap with PATCH, and null removes the cap", async () => {
    const t = await seedTenant();
    const k = await (await call("POST", "/v1/keys", t.masterKey, { name: "c", max_spend_usd: 1 })).json<{ id: string }>();
    const p1 = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { name: "carol", max_spend_usd: 3 });
    expect(await p1.json()).toMatchObject({ name: "carol", max_spend_usd: 3 });
    const p2 = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: null });
    expect(await p2.json()).toMatchObject({ name: "carol", max_spend_usd: null });
  });

  it("never shows one tenant's keys to another (404 on foreign ids)", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    const k = await (await call("POST", "/v1/keys", a.masterKey, { name: "a-key" })).json<{ id: string }>();
    const listB = await (await call("GET", "/v1/keys", b.masterKey)).json<{ data: { id: string }[] }>();
    expect(listB.data.map((x) => x.id)).not.toContain(k.id);
    expect((await call("PATCH", `/v1/keys/${k.id}`, b.masterKey, { name: "x" })).status).toBe(404);
    expect((await call("DELETE", `/v1/keys/${k.id}`, b.masterKey)).status).toBe(404);
    const still = await env.DB.prepare("SELECT name, revoked_at FROM api_keys WHERE id = ?").bind(k.id).first();
    expect(still).toEqual({ name: "a-key", revoked_at: null });
  });
});

describe("bad input is refused with the field named and nothing written", () => {
  const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys").first<{ n: number }>())?.n;

  it.each([
    ["malformed JSON", '{"name": "x",', 400, "body"],
    ["wrong type", { name: 42 }, 400, "body.name"],
    ["unknown field", { name: "x", admin: true }, 400, "body.admin"],
    ["missing required field", { scope: "standard" }, 400, "body.name"],
    ["bad enum", { name: "x", scope: "root" }, 400, "body.scope"],
    ["negative cap", { name: "x", max_spend_usd: -1 }, 400, "body.max_spend_usd"],
    ["empty body", "", 400, "body"],
  ])("POST /v1/keys with %s → %i naming %s", async (_label, body, status, param) => {
    const t = await seedTenant();
    const before = await count();
    const res = await call("POST", "/v1/keys", t.masterKey, body);
    expect(res.status).toBe(status);
    const err = await res.json<{ error: { type: string; message: string; param: string } }>();
    expect(err.error.type).toBe("invalid_request_error");
    expect(err.error.param).toBe(param);
    expect(err.error.message).toContain(param);
    expect(await count()).toBe(before);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const t = await seedTenant();
    const before = await count();
    const res = await call("POST", "/v1/keys", t.masterKey, { name: "x".repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { type: "payload_too_large_error", param: "body" } });
    expect(await count()).toBe(before);
  });

  it("refuses a chunked body over 1 MiB without a content-length", async () => {
    const t = await seedTenant();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 20) c.enqueue(chunk);
        else c.close();
      },
    });
    const { SELF } = await import("cloudflare:test");
    const res = await SELF.fetch("http://gatehouse.test/v1/keys", { method: "POST", headers: { "x-api-key": t.masterKey }, body: stream });
    expect(res.status).toBe(413);
  });

  it("PATCH with wrong types and unknown fields names the field", async () => {
    const t = await seedTenant();
    const k = await (await call("POST", "/v1/keys", t.masterKey, { name: "d" })).json<{ id: string }>();
    const r1 = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: "lots" });
    expect(r1.status).toBe(400);
    expect((await r1.json<{ error: { param: string } }>()).error.param).toBe("body.max_spend_usd");
    const r2 = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { scope: "master" });
    expect((await r2.json<{ error: { param: string } }>()).error.param).toBe("body.scope");
  });
});

describe("wallet", () => {
  it("shows the tenant's own balance", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const res = await call("GET", "/v1/wallet", t.masterKey);
    expect(await res.json()).toEqual({ balance_micros: 5_000_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
    const other = await seedTenant();
    expect(await (await call("GET", "/v1/wallet", other.masterKey)).json()).toMatchObject({ balance_micros: 0 });
  });
});
