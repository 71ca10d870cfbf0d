import { describe, expect, it } from "vitest";
import { sendJson, useScriptedClient } from "./scripted-server";

// Resource-grouped methods send what the operationId methods send: path parameters in the
// URL, the body as JSON, the query for bodiless calls; lists are awaitable pages and, iterated,
// every item (across pages for the paginated ones).

const clientFor = useScriptedClient();

const key = (id: string) => ({ id, prefix: "qlk_test_AAAA", name: id, scope: "standard", end_user_id: null, max_spend_usd: null, created_at: 1, last_used_at: null });

describe("resource methods", () => {
  it("keys.create / update / revoke / list", async () => {
    const { client, seen } = await clientFor((req, res) => {
      if (req.method === "GET") sendJson(res, { object: "list", data: [key("k1"), key("k2")] });
      else sendJson(res, key("k1"), req.method === "POST" ? 201 : 200);
    });
    await client.keys.create({ name: "alice", max_spend_usd: 5 });
    await client.keys.update("key/1", { name: "bob" });
    await client.keys.revoke("key_1");
    const page = await client.keys.list();
    const ids: string[] = [];
    for await (const k of client.keys.list()) ids.push(k.id);
    expect(page.data).toHaveLength(2);
    expect(ids).toEqual(["k1", "k2"]);
    expect(seen.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/v1/keys", { name: "alice", max_spend_usd: 5 }],
      ["PATCH", "/v1/keys/key%2F1", { name: "bob" }],
      ["DELETE", "/v1/keys/key_1", undefined],
      ["GET", "/v1/keys", undefined],
      ["GET", "/v1/keys", undefined],
    ]);
    expect(seen[0]!.headers["x-api-key"]).toBe("qlk_test_x");
    expect(seen[0]!.headers.accept).toBe("application/json");
  });

  it("threads.messages.list(id, query) iterates every page; awaiting it gives the first page only", async () => {
    const { client, seen } = await clientFor((req, res) => {
      const after = Number(req.query.after_seq ?? 0);
      const seqs = [1, 2, 3, 4, 5].filter((s) => s > after).slice(0, 2);
      const data = seqs.map((seq) => ({ seq, role: "user", content: [], request_id: null, created_at: seq, cost_micros: null }));
      sendJson(res, { object: "list", data, has_more: seqs.at(-1)! < 5, next_after_seq: seqs.at(-1) ?? null, next_before_seq: seqs[0] ?? null });
    });
    const seqs: number[] = [];
    for await (const m of client.threads.messages.list("th1", { order: "asc", limit: 2 })) seqs.push(m.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(seen.map((r) => r.query)).toEqual([
      { order: "asc", limit: "2" },
      { order: "asc", limit: "2", after_seq: "2" },
      { order: "asc", limit: "2", after_seq: "4" },
    ]);
    const first = await client.threads.messages.list("th1", { order: "asc", limit: 2 });
    expect(first.data.map((m) => m.seq)).toEqual([1, 2]);
    expect(seen).toHaveLength(4);
  });

  it("a top-level method (search) and the operationId aliases hit the same routes", async () => {
    const { client, seen } = await clientFor((_req, res) => sendJson(res, { object: "list", data: [] }));
    await client.search({ q: "invoice", limit: 5 });
    await client.searchMessages({ query: { q: "invoice", limit: 5 } });
    expect(seen.map((r) => [r.path, r.query])).toEqual([
      ["/v1/search", { q: "invoice", limit: "5" }],
      ["/v1/search", { q: "invoice", limit: "5" }],
    ]);
  });
});
