// The daily job (runtime/threads/daily-job.ts) through real D1: a tenant's threads inactive past
// its thread_retention_days are erased with their messages and search entries; recent ones,
// threads running a turn, and tenants without a retention keep theirs; soft-deleted threads are
// erased whatever their age; expired stored responses go; the work is bounded per run.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { saveResponseItems } from "../../runtime/db/response-items";
import worker from "../../runtime/index";
import { searchIndexFor } from "../../runtime/search/index-for";
import { runDailyJob } from "../../runtime/threads/daily-job";
import { call, seedTenant } from "./support/seed";
import { appendMessages, createThread } from "./support/threads";

const DAY = 24 * 60 * 60 * 1000;

async function age(tenantId: string, threadId: string, lastActiveAt: number) {
  await env.DB.prepare("UPDATE threads SET last_active_at = ? WHERE tenant_id = ? AND id = ?").bind(lastActiveAt, tenantId, threadId).run();
}

async function rowsOf(tenantId: string, threadId: string): Promise<{ threads: number; messages: number }> {
  const r = await env.DB.prepare("SELECT (SELECT COUNT(*) FROM threads WHERE tenant_id = ?1 AND id = ?2) AS threads, (SELECT COUNT(*) FROM thread_messages WHERE tenant_id = ?1 AND thread_id = ?2) AS messages")
    .bind(tenantId, threadId)
    .first<{ threads: number; messages: number }>();
  return r ?? { threads: -1, messages: -1 };
}

async function threadWithMessages(t: { tenantId: string; masterKey: string }, n: number, endUser = "ada") {
  const th = await createThread(t.masterKey, { end_user_id: endUser });
  const seqs = await appendMessages(t.tenantId, th.id, n);
  await searchIndexFor(env).index(seqs.map((seq) => ({ tenantId: t.tenantId, endUserId: endUser, threadId: th.id, seq, role: "user" as const, text: `walrus ${seq}`, createdAt: Date.now() })));
  return th;
}

describe("the daily job", () => {
  it("erases threads past the tenant's retention (messages and search entries too) and keeps the rest", async () => {
    const now = Date.now();
    const a = await seedTenant();
    const none = await seedTenant();
    expect((await call("PUT", "/v1/retention", a.masterKey, { thread_retention_days: 30 })).status).toBe(200);
    const old = await threadWithMessages(a, 3);
    const recent = await threadWithMessages(a, 2);
    const busy = await threadWithMessages(a, 1);
    const noRetention = await threadWithMessages(none, 2);
    await age(a.tenantId, old.id, now - 31 * DAY);
    await age(a.tenantId, recent.id, now - 29 * DAY);
    await age(a.tenantId, busy.id, now - 40 * DAY);
    await env.DB.prepare("UPDATE threads SET busy_token = 't', busy_until = ? WHERE id = ?").bind(now + 60_000, busy.id).run();
    await age(none.tenantId, noRetention.id, now - 3650 * DAY);

    const report = await runDailyJob(env, now);
    expect(report.inactive_threads).toBeGreaterThanOrEqual(1);
    expect(report.messages).toBeGreaterThanOrEqual(3);
    expect(report.unfinished).toBe(false);
    expect(report.errors).toBe(0);

    expect(await rowsOf(a.tenantId, old.id)).toEqual({ threads: 0, messages: 0 });
    expect((await call("GET", `/v1/threads/${old.id}`, a.masterKey)).status).toBe(404);
    const hits = await searchIndexFor(env).search({ tenantId: a.tenantId, q: "walrus", limit: 50 });
    expect(hits.some((h) => h.thread_id === old.id)).toBe(false);
    expect(hits.filter((h) => h.thread_id === recent.id)).toHaveLength(2);
    expect(await rowsOf(a.tenantId, recent.id)).toEqual({ threads: 1, messages: 2 });
    expect(await rowsOf(a.tenantId, busy.id)).toEqual({ threads: 1, messages: 1 });
    expect(await rowsOf(none.tenantId, noRetention.id)).toEqual({ threads: 1, messages: 2 });
  });

  it("erases soft-deleted threads' messages and rows whatever their age, and expired stored responses", async () => {
    const now = Date.now();
    const t = await seedTenant();
    const deleted = await threadWithMessages(t, 4);
    const kept = await threadWithMessages(t, 1);
    expect((await call("DELETE", `/v1/threads/${deleted.id}`, t.masterKey)).status).toBe(200);
    expect(await rowsOf(t.tenantId, deleted.id)).toEqual({ threads: 1, messages: 4 }); // soft: still in D1
    await saveResponseItems(env.DB, t.tenantId, { id: `resp_old_${t.tenantId}`, end_user_id: null, input: [], output: [], now: now - 31 * DAY });
    await saveResponseItems(env.DB, t.tenantId, { id: `resp_new_${t.tenantId}`, end_user_id: null, input: [], output: [], now });

    const report = await runDailyJob(env, now);
    expect(report.deleted_threads).toBeGreaterThanOrEqual(1);
    expect(report.expired_responses).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(t.tenantId, deleted.id)).toEqual({ threads: 0, messages: 0 });
    expect(await rowsOf(t.tenantId, kept.id)).toEqual({ threads: 1, messages: 1 });
    const { results } = await env.DB.prepare("SELECT id FROM response_items WHERE tenant_id = ?").bind(t.tenantId).all<{ id: string }>();
    expect(results.map((r) => r.id)).toEqual([`resp_new_${t.tenantId}`]);
  });

  it("does at most its budget of batches a run, says so, and the next run finishes", async () => {
    const now = Date.now();
    const t = await seedTenant();
    await env.DB.prepare("INSERT INTO tenant_settings (tenant_id, thread_retention_days, updated_at) VALUES (?, 1, ?)").bind(t.tenantId, now).run();
    const ids = Array.from({ length: 25 }, () => crypto.randomUUID());
    await env.DB.prepare("INSERT INTO threads (tenant_id, id, created_at, last_active_at) SELECT ?1, value, ?2, ?2 FROM json_each(?3)").bind(t.tenantId, now - 10 * DAY, JSON.stringify(ids)).run();
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM threads WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>())?.n;

    // Earlier tests' tenants would share the budget, in an order the job does not promise:
    // this test's tenant is the only one with a retention.
    await env.DB.prepare("UPDATE tenant_settings SET thread_retention_days = NULL WHERE tenant_id != ?").bind(t.tenantId).run();
    const first = await runDailyJob(env, now, { batch: 4, maxBatches: 3 });
    expect(first.unfinished).toBe(true);
    expect(await count()).toBe(25 - 12);
    const second = await runDailyJob(env, now, { batch: 4, maxBatches: 100 });
    expect(second.unfinished).toBe(false);
    expect(await count()).toBe(0);
  });

  it("runs from the Cron Trigger's scheduled handler", async () => {
    const now = Date.now();
    const t = await seedTenant();
    expect((await call("PUT", "/v1/retention", t.masterKey, { thread_retention_days: 7 })).status).toBe(200);
    const old = await threadWithMessages(t, 2);
    await age(t.tenantId, old.id, now - 8 * DAY);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await rowsOf(t.tenantId, old.id)).toEqual({ threads: 0, messages: 0 });
  });
});
