// POST /v1/responses's `store` and `previous_response_id` through the real Worker and D1:
// a stored turn continues on the next request, per tenant, for 30 days, recorded with the
// key's end user so an erase of that user deletes it; `store: false` keeps nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deleteEndUserResponses, deleteExpiredResponses, findResponseItems, RESPONSE_TTL_MS, saveResponseItems } from "../../runtime/db/response-items";
import { call, seedTenant } from "./support/seed";

async function rows(tenantId: string): Promise<Array<{ id: string; end_user_id: string | null; input_items: string; output_items: string; expires_at: number; created_at: number }>> {
  const r = await env.DB.prepare("SELECT * FROM response_items WHERE tenant_id = ?").bind(tenantId).all();
  return r.results as never;
}

async function endUserKey(masterKey: string, endUser: string): Promise<string> {
  const res = await call("POST", "/v1/keys", masterKey, { name: endUser, scope: "standard", end_user_id: endUser });
  expect(res.status).toBe(201);
  return ((await res.json()) as { secret: string }).secret;
}

describe("POST /v1/responses store and previous_response_id (mock provider, translated)", () => {
  it("keeps a turn with the key's end user for 30 days, and the next turn sends it first", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const key = await endUserKey(t.masterKey, "user_ada");
    const first = await call("POST", "/v1/responses", key, { model: "mock/echo", input: "My name is Ada." });
    expect(first.status).toBe(200);
    const r1 = (await first.json()) as { id: string; output: Array<{ type: string; content: Array<{ text: string }> }> };
    expect(r1.id).toMatch(/^resp_/);
    const [row] = await rows(t.tenantId);
    expect(row).toMatchObject({ id: r1.id, end_user_id: "user_ada" });
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(RESPONSE_TTL_MS);
    expect(JSON.parse(row?.input_items ?? "[]")).toEqual([{ type: "message", role: "user", content: "My name is Ada." }]);

    // mock/echo answers with the conversation's last user text; the stored turns reach it first.
    const second = await call("POST", "/v1/responses", key, { model: "mock/echo", input: "Who am I?", previous_response_id: r1.id });
    expect(second.status).toBe(200);
    const stored = await findResponseItems(env.DB, t.tenantId, ((await second.json()) as { id: string }).id, Date.now());
    expect(stored?.input).toEqual([
      { type: "message", role: "user", content: "My name is Ada." },
      { type: "message", status: "completed", role: "assistant", content: r1.output[0]?.content.map((c) => ({ ...c })) },
      { type: "message", role: "user", content: "Who am I?" },
    ]);

    // The erase of the end user deletes every turn kept for them.
    expect(await deleteEndUserResponses(env.DB, t.tenantId, "user_ada")).toBe(2);
    const gone = await call("POST", "/v1/responses", key, { model: "mock/echo", input: "again", previous_response_id: r1.id });
    expect(gone.status).toBe(404);
  });

  it("store: false keeps nothing, streamed or not", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    for (const stream of [false, true]) {
      const res = await call("POST", "/v1/responses", t.masterKey, { model: "mock/echo", input: "secret", store: false, stream });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(await rows(t.tenantId)).toEqual([]);
    const kept = await call("POST", "/v1/responses", t.masterKey, { model: "mock/echo", input: "kept", stream: true });
    const text = await kept.text();
    expect(text).toContain("event: response.completed");
    expect(await rows(t.tenantId)).toHaveLength(1);
  });

  it("another tenant's response id, or an expired one, is not found", async () => {
    const a = await seedTenant({ creditMicros: 10_000_000 });
    const b = await seedTenant({ creditMicros: 10_000_000 });
    const res = await call("POST", "/v1/responses", a.masterKey, { model: "mock/echo", input: "mine" });
    const { id } = (await res.json()) as { id: string };
    const foreign = await call("POST", "/v1/responses", b.masterKey, { model: "mock/echo", input: "yours?", previous_response_id: id });
    expect(foreign.status).toBe(404);
    expect(await findResponseItems(env.DB, b.tenantId, id, Date.now())).toBeNull();
    expect(await deleteEndUserResponses(env.DB, b.tenantId, "anyone")).toBe(0);

    await saveResponseItems(env.DB, a.tenantId, { id: "resp_old", end_user_id: null, input: [], output: [], now: Date.now() - RESPONSE_TTL_MS - 1 });
    expect(await findResponseItems(env.DB, a.tenantId, "resp_old", Date.now())).toBeNull();
    expect(await deleteExpiredResponses(env.DB, Date.now())).toBeGreaterThanOrEqual(1);
    expect((await rows(a.tenantId)).map((r) => r.id)).toEqual([id]);
  });
});
