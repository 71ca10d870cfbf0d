// One access rule on every thread route (runtime/threads/access.ts): another tenant's thread is
// a 404 to every key of ours; another end user's thread is a 403 to a standard key; a standard
// key naming another end user is a 403; a standard key minted without an end user has no threads.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintKey } from "./support/money";
import { call, seedTenant } from "./support/seed";
import { appendMessages, createThread, endUserKey } from "./support/threads";

/** Every route of this room that names a thread, as (method, path, body); the turn is tested apart below. */
const THREAD_ROUTES = (id: string): Array<[string, string, unknown]> => [
  ["GET", `/v1/threads/${id}`, undefined],
  ["PATCH", `/v1/threads/${id}`, { metadata: { hacked: "yes" } }],
  ["GET", `/v1/threads/${id}/messages`, undefined],
  ["DELETE", `/v1/threads/${id}`, undefined],
];

async function setup() {
  const a = await seedTenant({ creditMicros: 1_000_000 });
  const b = await seedTenant({ creditMicros: 1_000_000 });
  const x = await endUserKey(a.masterKey, "x");
  const y = await endUserKey(a.masterKey, "y");
  const bX = await endUserKey(b.masterKey, "x"); // the same end user name, another tenant
  const yThread = await createThread(y);
  await appendMessages(a.tenantId, yThread.id, 2);
  return { a, b, x, y, bX, yThread };
}

async function unchanged(tenantId: string, id: string, messages: number) {
  const row = await env.DB.prepare("SELECT metadata, deleted_at, message_count FROM threads WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first();
  expect(row).toEqual({ metadata: "{}", deleted_at: null, message_count: messages });
  const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM thread_messages WHERE tenant_id = ? AND thread_id = ?").bind(tenantId, id).first<{ n: number }>();
  expect(n?.n).toBe(messages);
}

describe("thread routes across tenants and end users", () => {
  it("another tenant's keys (master and standard) get 404 on every thread route", async () => {
    const s = await setup();
    for (const key of [s.b.masterKey, s.bX]) {
      for (const [method, path, body] of THREAD_ROUTES(s.yThread.id)) {
        const res = await call(method, path, key, body);
        expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(404);
      }
    }
    await unchanged(s.a.tenantId, s.yThread.id, 2);
  });

  it("end user x's standard key gets 403 on every route of end user y's thread", async () => {
    const s = await setup();
    const usageBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ?").bind(s.a.tenantId).first<{ n: number }>();
    for (const [method, path, body] of THREAD_ROUTES(s.yThread.id)) {
      const res = await call(method, path, s.x, body);
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(403);
      expect((await res.json<{ error: { type: string } }>()).error.type).toBe("permission_error");
    }
    await unchanged(s.a.tenantId, s.yThread.id, 2);
    const usageAfter = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ?").bind(s.a.tenantId).first<{ n: number }>();
    expect(usageAfter?.n).toBe(usageBefore?.n);
    // y itself and the tenant's master key may.
    expect((await call("GET", `/v1/threads/${s.yThread.id}`, s.y)).status).toBe(200);
    expect((await call("GET", `/v1/threads/${s.yThread.id}/messages`, s.a.masterKey)).status).toBe(200);
  });

  it("a standard key's list never shows another end user's threads", async () => {
    const s = await setup();
    const mine = await createThread(s.x);
    const list = await (await call("GET", "/v1/threads", s.x)).json<{ data: { id: string }[] }>();
    expect(list.data.map((t) => t.id)).toEqual([mine.id]);
    const all = await (await call("GET", "/v1/threads", s.a.masterKey)).json<{ data: { id: string }[] }>();
    expect(all.data.map((t) => t.id).sort()).toEqual([mine.id, s.yThread.id].sort());
    const other = await (await call("GET", "/v1/threads", s.b.masterKey)).json<{ data: unknown[] }>();
    expect(other.data).toEqual([]);
  });

  it("a standard key naming another end user in create, list or empty is a 403 naming the field", async () => {
    const s = await setup();
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "/v1/threads", { end_user_id: "y" }, "body.end_user_id"],
      ["GET", "/v1/threads?end_user_id=y", undefined, "query.end_user_id"],
      ["DELETE", "/v1/threads/empty?end_user_id=y", undefined, "query.end_user_id"],
    ];
    for (const [method, path, body, param] of cases) {
      const res = await call(method, path, s.x, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json<{ error: { param?: string } }>()).error.param).toBe(param);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM threads WHERE tenant_id = ?").bind(s.a.tenantId).first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("a standard key without an end user is refused on every thread route", async () => {
    const s = await setup();
    const nobody = (await mintKey(s.a.masterKey, { scope: "standard" })).secret;
    const routes: Array<[string, string, unknown]> = [
      ["POST", "/v1/threads", {}],
      ["GET", "/v1/threads", undefined],
      ["DELETE", "/v1/threads/empty", undefined],
      ...THREAD_ROUTES(s.yThread.id),
    ];
    for (const [method, path, body] of routes) {
      const res = await call(method, path, nobody, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    await unchanged(s.a.tenantId, s.yThread.id, 2);
  });

  it("end-user erase and retention are master-only", async () => {
    const s = await setup();
    expect((await call("DELETE", "/v1/end-users/y", s.x)).status).toBe(403);
    expect((await call("GET", "/v1/retention", s.x)).status).toBe(403);
    await unchanged(s.a.tenantId, s.yThread.id, 2);
  });
});

// The turn (POST /v1/threads/:id/messages) is the turn room's handler; it must apply the same
// rule before any model call. These fail until that handler lands (it answers 500 "not built yet").
describe("POST /v1/threads/:id/messages is refused before any model call", () => {
  const TURN = { model: "mock/echo", max_tokens: 8, content: "hi" };
  const usageRows = async (tenantId: string) =>
    (await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())?.n;

  it("another tenant's keys: 404", async () => {
    const s = await setup();
    for (const key of [s.b.masterKey, s.bX]) expect((await call("POST", `/v1/threads/${s.yThread.id}/messages`, key, TURN)).status).toBe(404);
    await unchanged(s.a.tenantId, s.yThread.id, 2);
  });

  it("another end user's standard key: 403, nothing stored or billed", async () => {
    const s = await setup();
    const before = await usageRows(s.a.tenantId);
    expect((await call("POST", `/v1/threads/${s.yThread.id}/messages`, s.x, TURN)).status).toBe(403);
    await unchanged(s.a.tenantId, s.yThread.id, 2);
    expect(await usageRows(s.a.tenantId)).toBe(before);
  });

  it("a standard key without an end user: 403", async () => {
    const s = await setup();
    const nobody = (await mintKey(s.a.masterKey, { scope: "standard" })).secret;
    expect((await call("POST", `/v1/threads/${s.yThread.id}/messages`, nobody, TURN)).status).toBe(403);
    await unchanged(s.a.tenantId, s.yThread.id, 2);
  });

  it("a deleted thread: 404", async () => {
    const s = await setup();
    expect((await call("DELETE", `/v1/threads/${s.yThread.id}`, s.y)).status).toBe(200);
    expect((await call("POST", `/v1/threads/${s.yThread.id}/messages`, s.y, TURN)).status).toBe(404);
  });
});
