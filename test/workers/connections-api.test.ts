// POST/GET/DELETE /v1/connections through the real Worker and D1: a pending connection with a
// one-time connect URL (only its hash stored), several accounts per vendor, the default, revoke
// (credential wiped, URL dead), the errors that name what to fix, and the access rule of
// threads: a standard key acts for its own end user only; another tenant's ids are 404.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectableConnector } from "../../runtime/connections/connector-lookup";
import { findConnectSession, hashConnectToken } from "../../runtime/db/connect-sessions";
import { ApiError } from "../../runtime/errors";
import { mintKey } from "./support/money";
import { finishConnection, listConnectionsOf, startConnection, tokenOf, type ConnectionJson } from "./support/connections";
import { BASE, call, seedTenant } from "./support/seed";
import { endUserKey } from "./support/threads";

async function errorOf(res: Response): Promise<{ type: string; message: string; param?: string }> {
  return (await res.json<{ error: { type: string; message: string; param?: string } }>()).error;
}

/** Newest first: created_at descending, then id descending. */
function expectNewestFirst(list: readonly ConnectionJson[]): void {
  const sorted = [...list].sort((x, y) => y.created_at - x.created_at || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
  expect(list.map((c) => c.id)).toEqual(sorted.map((c) => c.id));
}

describe("POST /v1/connections", () => {
  it("makes a pending connection and a one-time connect URL whose token is stored only as its hash", async () => {
    const t = await seedTenant();
    const before = Date.now();
    const created = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", label: "work" });
    expect(created).toMatchObject({ object: "connection", end_user_id: "ada", connector: "github", label: "work", status: "pending" });
    expect(created.id).toMatch(/^conn_[0-9a-f]{32}$/);
    expect(created.connect_url).toMatch(new RegExp(`^${BASE}/connect/[A-Za-z0-9_-]{43}$`));
    expect(created.expires_at).toBeGreaterThanOrEqual(before + 10 * 60 * 1000);
    expect(created.expires_at).toBeLessThanOrEqual(Date.now() + 10 * 60 * 1000);

    const token = tokenOf(created.connect_url);
    const stored = await env.DB.prepare("SELECT token_hash, connection_id FROM connect_sessions WHERE tenant_id = ?").bind(t.tenantId).all<{ token_hash: string; connection_id: string }>();
    expect(stored.results).toEqual([{ token_hash: await hashConnectToken(token), connection_id: created.id }]);
    expect(JSON.stringify(stored.results)).not.toContain(token);
    const row = await env.DB.prepare("SELECT status, credential, label FROM connections WHERE tenant_id = ? AND id = ?").bind(t.tenantId, created.id).first();
    expect(row).toEqual({ status: "pending", credential: null, label: "work" });
  });

  it("a standard key connects its own end user without naming it, and a second call makes another account", async () => {
    const t = await seedTenant();
    const ada = await endUserKey(t.masterKey, "ada");
    const first = await startConnection(ada, { connector: "github" });
    const second = await startConnection(ada, { connector: "github", end_user_id: "ada", label: "personal" });
    expect(first.end_user_id).toBe("ada");
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second.connect_url)).not.toBe(tokenOf(first.connect_url));
    const list = await listConnectionsOf(ada, "connector=github");
    expect(new Set(list.map((c) => c.id))).toEqual(new Set([first.id, second.id]));
    expect(list.map((c) => [c.label, c.status])).toEqual(list[0]?.id === second.id ? [["personal", "pending"], [null, "pending"]] : [[null, "pending"], ["personal", "pending"]]);
    expectNewestFirst(list);
  });

  it("refuses an unknown connector (404 naming it and GET /v1/connectors) and a master key without end user (400)", async () => {
    const t = await seedTenant();
    const unknown = await call("POST", "/v1/connections", t.masterKey, { end_user_id: "ada", connector: "no-such-vendor" });
    expect(unknown.status).toBe(404);
    const e = await errorOf(unknown);
    expect(e.message).toContain('"no-such-vendor"');
    expect(e.message).toContain("GET /v1/connectors");

    const noUser = await call("POST", "/v1/connections", t.masterKey, { connector: "github" });
    expect(noUser.status).toBe(400);
    expect(await errorOf(noUser)).toMatchObject({ param: "body.end_user_id" });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>())?.n).toBe(0);
  });

  it("refuses a connector that needs no account (auth mode none) with a 400", () => {
    const table = { weather: { id: "weather", name: "Weather", auth: { mode: "none" } } } as unknown as Parameters<typeof connectableConnector>[2];
    let caught: unknown;
    try {
      connectableConnector("weather", "body.connector", table);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).message).toContain("needs no account");
  });

  it("takes a redirect_url only on the tenant's allowed origins, https (http for localhost only)", async () => {
    const t = await seedTenant();
    expect((await call("PUT", "/v1/cors", t.masterKey, { allowed_origins: ["https://app.example.com", "http://localhost:5173", "http://app.example.org"] })).status).toBe(200);
    const ok = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", redirect_url: "https://app.example.com/settings?tab=1" });
    const session = await findConnectSession(env, tokenOf(ok.connect_url), Date.now());
    expect(session?.session.redirect_url).toBe("https://app.example.com/settings?tab=1");
    await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", redirect_url: "http://localhost:5173/done" });

    for (const [url, says] of [
      ["https://evil.example.net/steal", "not one of the tenant's allowed origins"],
      ["http://app.example.org/x", "https"],
      ["/relative/path", "absolute URL"],
      ["javascript:alert(1)", "https"],
      ["https://user:pw@app.example.com/x", "user name or password"],
    ] as const) {
      const res = await call("POST", "/v1/connections", t.masterKey, { end_user_id: "ada", connector: "github", redirect_url: url });
      expect(res.status, url).toBe(400);
      const e = await errorOf(res);
      expect(e.param).toBe("body.redirect_url");
      expect(e.message).toContain(says);
    }
  });

  it("builds the connect URL on PUBLIC_URL when it is set", async () => {
    const { mintConnectUrl } = await import("../../runtime/connections/mint-connect-url");
    const t = await seedTenant();
    const e = { ...env, PUBLIC_URL: "https://connect.example.com/" } as Env;
    const minted = await mintConnectUrl(e, { tenantId: t.tenantId, endUserId: "ada", connector: "github" }, "http://worker.internal", 1_000);
    expect(minted.connect_url).toMatch(/^https:\/\/connect\.example\.com\/connect\/[A-Za-z0-9_-]{43}$/);
    expect(minted.expires_at).toBe(1_000 + 600_000);
    const bad = { ...env, PUBLIC_URL: "not a url" } as Env;
    await expect(mintConnectUrl(bad, { tenantId: t.tenantId, endUserId: "ada", connector: "github" }, "http://x", 1)).rejects.toThrow(/PUBLIC_URL/);
  });
});

describe("GET /v1/connections and DELETE /v1/connections/:id", () => {
  it("lists newest first without secrets, marks the newest connected one per connector the default, and revoke wipes it", async () => {
    const t = await seedTenant();
    const older = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", label: "work" });
    const newer = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", label: "personal" });
    const linear = await startConnection(t.masterKey, { end_user_id: "ada", connector: "linear" });
    const now = Date.now();
    expect(await finishConnection(older, { token: "ghp_older_secret" }, now)).toBe(true);
    expect(await finishConnection(newer, { token: "ghp_newer_secret" }, now + 5)).toBe(true);

    const res = await call("GET", "/v1/connections?end_user_id=ada", t.masterKey);
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(text).not.toContain("v1.");
    const all = (JSON.parse(text) as { data: ConnectionJson[] }).data;
    expect(new Set(all.map((c) => c.id))).toEqual(new Set([linear.id, newer.id, older.id]));
    expectNewestFirst(all);
    const byId = new Map(all.map((c) => [c.id, [c.connector, c.status, c.is_default]]));
    expect(byId.get(newer.id)).toEqual(["github", "connected", true]);
    expect(byId.get(older.id)).toEqual(["github", "connected", false]);
    expect(byId.get(linear.id)).toEqual(["linear", "pending", false]);
    const newerJson = all.find((c) => c.id === newer.id);
    expect(Object.keys(newerJson ?? {}).sort()).toEqual(["connected_at", "connector", "created_at", "end_user_id", "id", "is_default", "label", "last_error", "object", "status"]);
    expect(newerJson?.connected_at).toBe(now + 5);
    expect((await listConnectionsOf(t.masterKey, "end_user_id=ada&connector=linear")).map((c) => c.id)).toEqual([linear.id]);

    // Revoke the default: the older one becomes the default; the revoked row keeps no credential.
    const del = await call("DELETE", `/v1/connections/${newer.id}`, t.masterKey);
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ id: newer.id, status: "revoked", is_default: false });
    const row = await env.DB.prepare("SELECT status, credential FROM connections WHERE tenant_id = ? AND id = ?").bind(t.tenantId, newer.id).first();
    expect(row).toEqual({ status: "revoked", credential: null });
    const after = await listConnectionsOf(t.masterKey, "end_user_id=ada&connector=github");
    expect(after.find((c) => c.id === older.id)?.is_default).toBe(true);
    expect(after.find((c) => c.id === newer.id)?.status).toBe("revoked");
    // Repeating the delete is harmless.
    expect((await call("DELETE", `/v1/connections/${newer.id}`, t.masterKey)).status).toBe(200);
  });

  it("revoking a pending connection kills its connect URL", async () => {
    const t = await seedTenant();
    const created = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github" });
    expect((await call("DELETE", `/v1/connections/${created.id}`, t.masterKey)).status).toBe(200);
    expect(await findConnectSession(env, tokenOf(created.connect_url), Date.now())).toBeNull();
    await expect(finishConnection(created, { token: "ghp_x" })).rejects.toThrow(/no session/);
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM connect_sessions WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>();
    expect(n?.n).toBe(0);
  });

  it("a master key must name the end user to list", async () => {
    const t = await seedTenant();
    const res = await call("GET", "/v1/connections", t.masterKey);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ param: "query.end_user_id" });
  });
});

describe("connections across end users and tenants", () => {
  async function setup() {
    const a = await seedTenant();
    const b = await seedTenant();
    const x = await endUserKey(a.masterKey, "x");
    const y = await endUserKey(a.masterKey, "y");
    const bY = await endUserKey(b.masterKey, "y"); // the same end user name, another tenant
    const yConn = await startConnection(y, { connector: "github" });
    expect(await finishConnection(yConn, { token: "ghp_y_secret" })).toBe(true);
    return { a, b, x, y, bY, yConn };
  }

  it("a standard key never sees, starts or revokes another end user's connections (403), and sees only its own", async () => {
    const s = await setup();
    const list = await call("GET", "/v1/connections?end_user_id=y", s.x);
    expect(list.status).toBe(403);
    expect((await errorOf(list)).param).toBe("query.end_user_id");
    expect(await listConnectionsOf(s.x, "")).toEqual([]);
    const start = await call("POST", "/v1/connections", s.x, { end_user_id: "y", connector: "github" });
    expect(start.status).toBe(403);
    expect((await errorOf(start)).param).toBe("body.end_user_id");
    const del = await call("DELETE", `/v1/connections/${s.yConn.id}`, s.x);
    expect(del.status).toBe(403);
    expect((await listConnectionsOf(s.y, "")).map((c) => [c.id, c.status])).toEqual([[s.yConn.id, "connected"]]);
  });

  it("another tenant's keys get 404 for the id and an empty list for the same end user name", async () => {
    const s = await setup();
    for (const key of [s.b.masterKey, s.bY]) {
      const res = await call("DELETE", `/v1/connections/${s.yConn.id}`, key);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).message).toContain(s.yConn.id);
    }
    expect(await listConnectionsOf(s.b.masterKey, "end_user_id=y")).toEqual([]);
    expect(await listConnectionsOf(s.bY, "")).toEqual([]);
    const row = await env.DB.prepare("SELECT status FROM connections WHERE tenant_id = ? AND id = ?").bind(s.a.tenantId, s.yConn.id).first();
    expect(row).toEqual({ status: "connected" });
  });

  it("a standard key minted without an end user has no connections (403)", async () => {
    const t = await seedTenant();
    const bare = (await mintKey(t.masterKey, { scope: "standard" })).secret;
    for (const res of [await call("GET", "/v1/connections", bare), await call("POST", "/v1/connections", bare, { connector: "github" })]) {
      expect(res.status).toBe(403);
      expect((await errorOf(res)).message).toContain("no connections");
    }
  });
});

describe("list order", () => {
  it("is newest first by creation", async () => {
    const { mintConnectUrl } = await import("../../runtime/connections/mint-connect-url");
    const t = await seedTenant();
    const ids: string[] = [];
    for (const at of [1_000, 3_000, 2_000]) ids.push((await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github" }, BASE, at)).connection_id);
    const list = await listConnectionsOf(t.masterKey, "end_user_id=ada");
    expect(list.map((c) => [c.id, c.created_at])).toEqual([[ids[1], 3_000], [ids[2], 2_000], [ids[0], 1_000]]);
  });
});
