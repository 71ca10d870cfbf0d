import { describe, expect, it } from "vitest";
import { PaginationLoopError } from "../../../generated/client/index";
import { sendJson, useScriptedClient, type Script } from "./scripted-server";

// The generated client's …AutoPaging helpers against a local server serving scripted pages.

const clientFor = useScriptedClient();

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const thread = (n: number) => ({ id: `t${n}`, object: "thread", end_user_id: "u1", metadata: {}, message_count: 0, created_at: n, last_active_at: n });
const message = (seq: number) => ({ seq, role: seq % 2 ? "user" : "assistant", content: [{ type: "text", text: `m${seq}` }], request_id: null, created_at: seq });

/** Threads t1…t5, two a page, `after` being the last id of the previous page. */
const threadPages: Script = (req, res) => {
  const all = [1, 2, 3, 4, 5].map(thread);
  const start = req.query.after ? all.findIndex((t) => t.id === req.query.after) + 1 : 0;
  const data = all.slice(start, start + 2);
  const has_more = start + 2 < all.length;
  sendJson(res, { object: "list", data, has_more, next_after: has_more ? data.at(-1)!.id : null });
};

/** Messages 1…7 of thread th1, three a page, in either order, as the contract describes. */
const messagePages: Script = (req, res) => {
  const order = req.query.order ?? "desc";
  let seqs = [1, 2, 3, 4, 5, 6, 7];
  if (req.query.after_seq) seqs = seqs.filter((s) => s > Number(req.query.after_seq));
  if (req.query.before_seq) seqs = seqs.filter((s) => s < Number(req.query.before_seq));
  if (order === "desc") seqs.reverse();
  const page = seqs.slice(0, 3);
  const data = page.map(message);
  sendJson(res, { object: "list", data, has_more: seqs.length > 3, next_after_seq: page.length ? Math.max(...page) : null, next_before_seq: page.length ? Math.min(...page) : null });
};

describe("listThreadsAutoPaging", () => {
  it("walks every thread once across pages and stops when has_more is false", async () => {
    const { client, seen } = await clientFor(threadPages);
    const threads = await collect(client.listThreadsAutoPaging({ query: { limit: 2, end_user_id: "u1" } }));
    expect(threads.map((t) => t.id)).toEqual(["t1", "t2", "t3", "t4", "t5"]);
    expect(seen.map((r) => r.query)).toEqual([
      { limit: "2", end_user_id: "u1" },
      { limit: "2", end_user_id: "u1", after: "t2" },
      { limit: "2", end_user_id: "u1", after: "t4" },
    ]);
  });

  it("requests nothing past what the caller reads", async () => {
    const { client, seen } = await clientFor(threadPages);
    const first: string[] = [];
    for await (const t of client.listThreadsAutoPaging()) {
      first.push(t.id);
      if (first.length === 2) break;
    }
    expect(first).toEqual(["t1", "t2"]);
    expect(seen).toHaveLength(1);
  });

  it("stops on an empty page even when has_more says otherwise", async () => {
    const { client, seen } = await clientFor((req, res) =>
      sendJson(res, req.query.after ? { object: "list", data: [], has_more: true, next_after: "t9" } : { object: "list", data: [thread(1)], has_more: true, next_after: "t1" }),
    );
    expect((await collect(client.listThreadsAutoPaging())).map((t) => t.id)).toEqual(["t1"]);
    expect(seen).toHaveLength(2);
  });

  it("throws PaginationLoopError instead of requesting a cursor it already requested", async () => {
    const { client, seen } = await clientFor((req, res) => sendJson(res, { object: "list", data: [thread(Number(req.query.after?.slice(1) ?? 0) + 1)], has_more: true, next_after: "t1" }));
    const got: string[] = [];
    const walk = (async () => {
      for await (const t of client.listThreadsAutoPaging()) got.push(t.id);
    })();
    await expect(walk).rejects.toBeInstanceOf(PaginationLoopError);
    expect(got).toEqual(["t1", "t2"]);
    expect(seen.map((r) => r.query.after)).toEqual([undefined, "t1"]);
  });

  it("counts the caller's own starting cursor as requested", async () => {
    const { client, seen } = await clientFor((_req, res) => sendJson(res, { object: "list", data: [thread(3)], has_more: true, next_after: "t2" }));
    await expect(collect(client.listThreadsAutoPaging({ query: { after: "t2" } }))).rejects.toThrow(/after=t2 again/);
    expect(seen).toHaveLength(1);
  });
});

describe("listThreadMessagesAutoPaging", () => {
  it("reads newest to oldest by default, following next_before_seq as before_seq", async () => {
    const { client, seen } = await clientFor(messagePages);
    const msgs = await collect(client.listThreadMessagesAutoPaging({ path: { id: "th1" } }));
    expect(msgs.map((m) => m.seq)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(seen.map((r) => r.query)).toEqual([{}, { before_seq: "5" }, { before_seq: "2" }]);
    expect(seen.every((r) => r.path === "/v1/threads/th1/messages")).toBe(true);
  });

  it("reads oldest to newest with order=asc, following next_after_seq as after_seq", async () => {
    const { client, seen } = await clientFor(messagePages);
    const msgs = await collect(client.listThreadMessagesAutoPaging({ path: { id: "th1" }, query: { order: "asc" } }));
    expect(msgs.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map((r) => r.query)).toEqual([{ order: "asc" }, { order: "asc", after_seq: "3" }, { order: "asc", after_seq: "6" }]);
  });

  it("keeps the caller's other bound while paging (order=desc above after_seq=2)", async () => {
    const { client } = await clientFor(messagePages);
    const msgs = await collect(client.listThreadMessagesAutoPaging({ path: { id: "th1" }, query: { order: "desc", after_seq: 2 } }));
    expect(msgs.map((m) => m.seq)).toEqual([7, 6, 5, 4, 3]);
  });
});

describe("listLedgerAutoPaging", () => {
  it("follows the numeric next_after as after", async () => {
    const entry = (id: number) => ({ id, type: "credit", amount_micros: 1, overshoot_micros: 0, ref: null, key_id: null, request_id: null, balance_after_micros: id, created_at: id, note: null });
    const { client, seen } = await clientFor((req, res) => {
      const after = Number(req.query.after ?? 0);
      const data = [after + 1, after + 2].filter((id) => id <= 3).map(entry);
      sendJson(res, { object: "list", data, has_more: after + 2 < 3, next_after: data.at(-1)?.id ?? null });
    });
    expect((await collect(client.listLedgerAutoPaging({ query: { limit: 2 } }))).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(seen.map((r) => r.query.after)).toEqual([undefined, "2"]);
  });
});
