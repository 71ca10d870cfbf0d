// DELETE /v1/end-users/:id (GDPR erase) through the real Worker and D1: the end user's threads
// (soft-deleted ones too), messages, search entries and stored responses go for good; their
// usage rows stay with a one-way pseudonym for the id, including rows that reach D1 from the
// Wallet's outbox after the erase; another end user and another tenant are untouched.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { endUserPseudonym } from "../../runtime/db/erased-end-users";
import { saveResponseItems } from "../../runtime/db/response-items";
import { copyUsageEvents } from "../../runtime/db/usage-events";
import { searchIndexFor } from "../../runtime/search/index-for";
import { usageEvent } from "./support/money";
import { call, seedTenant } from "./support/seed";
import { appendMessages, createThread, endUserKey } from "./support/threads";

const usage = (tenantId: string, endUser: string | null) => usageEvent({ tenant_id: tenantId, end_user_id: endUser, surface: "anthropic" });

async function usageEndUsers(tenantId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT end_user_id FROM usage_events WHERE tenant_id = ? ORDER BY end_user_id").bind(tenantId).all<{ end_user_id: string }>();
  return results.map((r) => r.end_user_id);
}

/** Indexes a thread's stored messages the way the turn's queue job does. */
async function index(tenantId: string, endUser: string, threadId: string, seqs: number[]) {
  const docs = seqs.map((seq) => ({ tenantId, endUserId: endUser, threadId, seq, role: "user" as const, text: `zebra note ${seq}`, createdAt: Date.now() }));
  await searchIndexFor(env).index(docs);
}

async function seedUsers() {
  const a = await seedTenant();
  const b = await seedTenant();
  const ada = await endUserKey(a.masterKey, "ada");
  const bob = await endUserKey(a.masterKey, "bob");
  const adaThreads = [await createThread(ada), await createThread(ada), await createThread(ada)];
  await index(a.tenantId, "ada", adaThreads[0]!.id, await appendMessages(a.tenantId, adaThreads[0]!.id, 3));
  await index(a.tenantId, "ada", adaThreads[1]!.id, await appendMessages(a.tenantId, adaThreads[1]!.id, 2));
  expect((await call("DELETE", `/v1/threads/${adaThreads[1]!.id}`, ada)).status).toBe(200); // soft-deleted: still erased
  const bobThread = await createThread(bob);
  await index(a.tenantId, "bob", bobThread.id, await appendMessages(a.tenantId, bobThread.id, 4));
  const bAda = await createThread(b.masterKey, { end_user_id: "ada" });
  await appendMessages(b.tenantId, bAda.id, 1);
  for (const [tenant, user, id] of [[a, "ada", "resp_1"], [a, "ada", "resp_2"], [a, "bob", "resp_3"], [b, "ada", "resp_4"]] as const) {
    await saveResponseItems(env.DB, tenant.tenantId, { id: `${id}_${tenant.tenantId}`, end_user_id: user, input: [], output: [], now: Date.now() });
  }
  await copyUsageEvents(env.DB, a.tenantId, [usage(a.tenantId, "ada"), usage(a.tenantId, "ada"), usage(a.tenantId, "ada"), usage(a.tenantId, "bob"), usage(a.tenantId, null)]);
  await copyUsageEvents(env.DB, b.tenantId, [usage(b.tenantId, "ada")]);
  return { a, b, ada, bob, adaThreads, bobThread, bAda };
}

describe("DELETE /v1/end-users/:end_user_id", () => {
  it("erases everything of the end user, counts it right, keeps usage under a pseudonym, and a repeat finds nothing", async () => {
    const s = await seedUsers();
    const searchBefore = await searchIndexFor(env).search({ tenantId: s.a.tenantId, endUserId: "ada", q: "zebra", limit: 50 });
    // The soft-deleted thread's entries left the index with its delete: 3 remain.
    expect(searchBefore).toHaveLength(3);

    const res = await call("DELETE", "/v1/end-users/ada", s.a.masterKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      end_user_id: "ada",
      object: "end_user.erased",
      threads: 3,
      messages: 5,
      search_entries: 3,
      connections: 0,
      responses: 2,
      usage_events_pseudonymized: 3,
    });

    // Nothing of ada's is readable, by her key or the master key.
    for (const th of s.adaThreads) {
      expect((await call("GET", `/v1/threads/${th.id}`, s.a.masterKey)).status).toBe(404);
      expect((await call("GET", `/v1/threads/${th.id}/messages`, s.ada)).status).toBe(404);
    }
    expect((await (await call("GET", "/v1/threads?end_user_id=ada", s.a.masterKey)).json<{ data: unknown[] }>()).data).toEqual([]);
    expect(await searchIndexFor(env).search({ tenantId: s.a.tenantId, endUserId: "ada", q: "zebra", limit: 50 })).toEqual([]);
    const left = await env.DB.prepare("SELECT (SELECT COUNT(*) FROM threads WHERE tenant_id = ?1 AND end_user_id = 'ada') AS t, (SELECT COUNT(*) FROM thread_messages WHERE tenant_id = ?1 AND end_user_id = 'ada') AS m, (SELECT COUNT(*) FROM response_items WHERE tenant_id = ?1 AND end_user_id = 'ada') AS r")
      .bind(s.a.tenantId)
      .first();
    expect(left).toEqual({ t: 0, m: 0, r: 0 });

    // Usage rows kept for invoicing: ada's id replaced by one pseudonym, nothing else changed.
    const pseudonym = await endUserPseudonym(s.a.tenantId, "ada");
    expect(pseudonym).toMatch(/^erased_[0-9a-f]{32}$/);
    expect(await usageEndUsers(s.a.tenantId)).toEqual(["bob", pseudonym, pseudonym, pseudonym, null].sort((x, y) => (x === null ? -1 : y === null ? 1 : x < y ? -1 : 1)));
    const stillAda = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ? AND end_user_id = 'ada'").bind(s.a.tenantId).first<{ n: number }>();
    expect(stillAda?.n).toBe(0);

    // bob, and tenant B's own "ada", are untouched.
    expect((await call("GET", `/v1/threads/${s.bobThread.id}/messages`, s.bob)).status).toBe(200);
    expect((await (await call("GET", `/v1/threads/${s.bobThread.id}`, s.bob)).json<{ message_count: number }>()).message_count).toBe(4);
    expect(await searchIndexFor(env).search({ tenantId: s.a.tenantId, endUserId: "bob", q: "zebra", limit: 50 })).toHaveLength(4);
    expect((await call("GET", `/v1/threads/${s.bAda.id}/messages`, s.b.masterKey)).status).toBe(200);
    expect(await usageEndUsers(s.b.tenantId)).toEqual(["ada"]);
    const otherResponses = await env.DB.prepare("SELECT COUNT(*) AS n FROM response_items WHERE end_user_id IN ('ada', 'bob') AND tenant_id IN (?, ?)").bind(s.a.tenantId, s.b.tenantId).first<{ n: number }>();
    expect(otherResponses?.n).toBe(2);

    // A repeat finds nothing more.
    expect(await (await call("DELETE", "/v1/end-users/ada", s.a.masterKey)).json()).toEqual({
      end_user_id: "ada",
      object: "end_user.erased",
      threads: 0,
      messages: 0,
      search_entries: 0,
      connections: 0,
      responses: 0,
      usage_events_pseudonymized: 0,
    });
  });

  it("a usage row still in the Wallet's outbox at the erase reaches D1 with the pseudonym, not the id", async () => {
    const s = await seedUsers();
    expect((await call("DELETE", "/v1/end-users/ada", s.a.masterKey)).status).toBe(200);
    // The outbox's copy (usage-outbox.ts → copyUsageEvents) of rows queued before the erase.
    const late = [usage(s.a.tenantId, "ada"), usage(s.a.tenantId, "bob")];
    await copyUsageEvents(env.DB, s.a.tenantId, late);
    const rows = await env.DB.prepare("SELECT request_id, end_user_id FROM usage_events WHERE request_id IN (?, ?)").bind(late[0]!.request_id, late[1]!.request_id).all();
    expect(new Map(rows.results.map((r) => [r.request_id, r.end_user_id]))).toEqual(
      new Map([
        [late[0]!.request_id, await endUserPseudonym(s.a.tenantId, "ada")],
        [late[1]!.request_id, "bob"],
      ]),
    );
    // Tenant B's "ada" was not erased: its late rows keep the id.
    const bLate = usage(s.b.tenantId, "ada");
    await copyUsageEvents(env.DB, s.b.tenantId, [bLate]);
    expect((await env.DB.prepare("SELECT end_user_id FROM usage_events WHERE request_id = ?").bind(bLate.request_id).first())?.end_user_id).toBe("ada");
  });

  it("the pseudonym is per tenant and never the id", async () => {
    const p1 = await endUserPseudonym("tn_a", "ada");
    expect(p1).not.toContain("ada");
    expect(await endUserPseudonym("tn_a", "ada")).toBe(p1);
    expect(await endUserPseudonym("tn_b", "ada")).not.toBe(p1);
    // The separator keeps ("tn_a", "bada") and ("tn_ab", "ada") apart.
    expect(await endUserPseudonym("tn_ab", "ada")).not.toBe(await endUserPseudonym("tn_a", "bada"));
  });
});
