// The threads routes through the real Worker and D1: create, get, patch (metadata replaced
// whole, validated by the spec), soft delete (gone from every read at once), empty-thread
// clean-up, and the retention setting.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, seedTenant } from "./support/seed";
import { appendMessages, createThread, endUserKey, type ThreadJson } from "./support/threads";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function errorOf(res: Response): Promise<{ status: number; type?: string; param?: string; message?: string }> {
  const body = await res.json<{ error: { type: string; param?: string; message: string } }>();
  return { status: res.status, type: body.error.type, param: body.error.param, message: body.error.message };
}

describe("POST /v1/threads and GET /v1/threads/:id", () => {
  it("creates a thread with the spec's shape and reads it back", async () => {
    const t = await seedTenant();
    const before = Date.now();
    const th = await createThread(t.masterKey, { end_user_id: "ada", metadata: { topic: "billing" } });
    expect(th).toEqual({
      id: expect.stringMatching(UUID),
      object: "thread",
      end_user_id: "ada",
      metadata: { topic: "billing" },
      message_count: 0,
      created_at: expect.any(Number),
      last_active_at: th.created_at,
    });
    expect(th.created_at).toBeGreaterThanOrEqual(before);
    const got = await call("GET", `/v1/threads/${th.id}`, t.masterKey);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(th);
  });

  it("a master key without end_user_id makes a tenant-level thread; a standard key's is its own end user's", async () => {
    const t = await seedTenant();
    expect((await createThread(t.masterKey)).end_user_id).toBeNull();
    const key = await endUserKey(t.masterKey, "bob");
    expect((await createThread(key)).end_user_id).toBe("bob");
    expect((await createThread(key, { end_user_id: "bob" })).end_user_id).toBe("bob");
  });

  it("message_count and last_active_at follow the stored messages", async () => {
    const t = await seedTenant();
    const th = await createThread(t.masterKey);
    await appendMessages(t.tenantId, th.id, 4, th.created_at + 5_000);
    const got = await (await call("GET", `/v1/threads/${th.id}`, t.masterKey)).json<ThreadJson>();
    expect(got.message_count).toBe(4);
    expect(got.last_active_at).toBe(th.created_at + 5_000);
  });

  it("refuses metadata with more than 50 keys or a value over 500 characters, naming the field", async () => {
    const t = await seedTenant();
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    for (const metadata of [many, { long: "x".repeat(501) }, { n: 1 }]) {
      const res = await call("POST", "/v1/threads", t.masterKey, { metadata });
      const err = await errorOf(res);
      expect(err.status).toBe(400);
      expect(err.type).toBe("invalid_request_error");
      expect(err.param).toMatch(/^body\.metadata/);
    }
    expect((await createThread(t.masterKey, { metadata: fifty })).metadata).toEqual(fifty);
    expect((await createThread(t.masterKey, { metadata: { long: "x".repeat(500) } })).metadata.long).toHaveLength(500);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM threads WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>();
    expect(count?.n).toBe(2);
  });

  it("an unknown id is a 404", async () => {
    const t = await seedTenant();
    const res = await call("GET", `/v1/threads/${crypto.randomUUID()}`, t.masterKey);
    expect((await errorOf(res)).status).toBe(404);
  });
});

describe("PATCH /v1/threads/:id", () => {
  it("replaces the metadata whole; {} clears it; bad metadata changes nothing", async () => {
    const t = await seedTenant();
    const th = await createThread(t.masterKey, { metadata: { a: "1", b: "2" } });
    const res = await call("PATCH", `/v1/threads/${th.id}`, t.masterKey, { metadata: { c: "3" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...th, metadata: { c: "3" } });
    const bad = await call("PATCH", `/v1/threads/${th.id}`, t.masterKey, { metadata: { c: "x".repeat(501) } });
    expect(bad.status).toBe(400);
    expect((await (await call("GET", `/v1/threads/${th.id}`, t.masterKey)).json<ThreadJson>()).metadata).toEqual({ c: "3" });
    const cleared = await call("PATCH", `/v1/threads/${th.id}`, t.masterKey, { metadata: {} });
    expect((await cleared.json<ThreadJson>()).metadata).toEqual({});
  });
});

describe("DELETE /v1/threads/:id", () => {
  it("is gone from get, list, messages and patch at once; a second delete is a 404", async () => {
    const t = await seedTenant();
    const keep = await createThread(t.masterKey);
    const th = await createThread(t.masterKey);
    await appendMessages(t.tenantId, th.id, 3);
    const del = await call("DELETE", `/v1/threads/${th.id}`, t.masterKey);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: th.id, object: "thread.deleted", deleted: true });

    expect((await call("GET", `/v1/threads/${th.id}`, t.masterKey)).status).toBe(404);
    expect((await call("GET", `/v1/threads/${th.id}/messages`, t.masterKey)).status).toBe(404);
    expect((await call("PATCH", `/v1/threads/${th.id}`, t.masterKey, { metadata: {} })).status).toBe(404);
    const list = await (await call("GET", "/v1/threads", t.masterKey)).json<{ data: ThreadJson[] }>();
    expect(list.data.map((x) => x.id)).toEqual([keep.id]);
    expect((await call("DELETE", `/v1/threads/${th.id}`, t.masterKey)).status).toBe(404);
  });
});

describe("DELETE /v1/threads/empty", () => {
  it("deletes only threads without messages, in the caller's scope, and counts them", async () => {
    const t = await seedTenant();
    const ada = await endUserKey(t.masterKey, "ada");
    const bob = await endUserKey(t.masterKey, "bob");
    const adaEmpty = [await createThread(ada), await createThread(ada)];
    const adaFull = await createThread(ada);
    await appendMessages(t.tenantId, adaFull.id, 2);
    const bobEmpty = await createThread(bob);
    const tenantEmpty = await createThread(t.masterKey);

    const res = await call("DELETE", "/v1/threads/empty", ada);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: "list.deleted", deleted: 2 });
    for (const th of adaEmpty) expect((await call("GET", `/v1/threads/${th.id}`, t.masterKey)).status).toBe(404);
    expect((await call("GET", `/v1/threads/${adaFull.id}`, ada)).status).toBe(200);
    expect((await call("GET", `/v1/threads/${bobEmpty.id}`, bob)).status).toBe(200);

    // Again: nothing left of ada's. A master key naming bob deletes bob's only.
    expect(await (await call("DELETE", "/v1/threads/empty", ada)).json()).toEqual({ object: "list.deleted", deleted: 0 });
    expect(await (await call("DELETE", "/v1/threads/empty?end_user_id=bob", t.masterKey)).json()).toEqual({ object: "list.deleted", deleted: 1 });
    expect((await call("GET", `/v1/threads/${tenantEmpty.id}`, t.masterKey)).status).toBe(200);
    // A master key without end_user_id: the whole tenant.
    expect(await (await call("DELETE", "/v1/threads/empty", t.masterKey)).json()).toEqual({ object: "list.deleted", deleted: 1 });
    expect((await call("GET", `/v1/threads/${adaFull.id}`, t.masterKey)).status).toBe(200);
  });

  it("leaves an empty thread that is running its first turn (its lock is held)", async () => {
    const t = await seedTenant();
    const th = await createThread(t.masterKey);
    await env.DB.prepare("UPDATE threads SET busy_token = 'turn', busy_until = ? WHERE tenant_id = ? AND id = ?").bind(Date.now() + 60_000, t.tenantId, th.id).run();
    expect(await (await call("DELETE", "/v1/threads/empty", t.masterKey)).json()).toEqual({ object: "list.deleted", deleted: 0 });
  });
});

describe("GET/PUT /v1/retention", () => {
  it("is null until set, keeps what was set, clears with null, refuses 0 and standard keys", async () => {
    const t = await seedTenant();
    expect(await (await call("GET", "/v1/retention", t.masterKey)).json()).toEqual({ thread_retention_days: null });
    const put = await call("PUT", "/v1/retention", t.masterKey, { thread_retention_days: 30 });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ thread_retention_days: 30 });
    expect(await (await call("GET", "/v1/retention", t.masterKey)).json()).toEqual({ thread_retention_days: 30 });
    for (const bad of [0, 36501, 1.5, "30"]) {
      const res = await call("PUT", "/v1/retention", t.masterKey, { thread_retention_days: bad });
      expect((await errorOf(res)).param).toBe("body.thread_retention_days");
    }
    expect(await (await call("GET", "/v1/retention", t.masterKey)).json()).toEqual({ thread_retention_days: 30 });
    await call("PUT", "/v1/retention", t.masterKey, { thread_retention_days: null });
    expect(await (await call("GET", "/v1/retention", t.masterKey)).json()).toEqual({ thread_retention_days: null });
    const key = await endUserKey(t.masterKey, "ada");
    expect((await call("PUT", "/v1/retention", key, { thread_retention_days: 1 })).status).toBe(403);
  });
});
