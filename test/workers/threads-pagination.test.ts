// Paging properties, over seeded random data (the seed is in the test name: replay a failure by
// running that case). Walking a thread's messages or a tenant's threads with the cursors each
// page returns sees every item exactly once, in order — in both orders, inside before/after
// windows, while messages are appended during the walk, and while threads are deleted during it.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../support/random";
import { call, seedTenant } from "./support/seed";
import { appendMessages, createThread } from "./support/threads";

interface MessagePage {
  data: { seq: number; role: string; content: unknown[]; request_id: string | null; created_at: number }[];
  has_more: boolean;
  next_after_seq: number | null;
  next_before_seq: number | null;
}

const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

async function page(key: string, threadId: string, q: Record<string, string | number>): Promise<MessagePage> {
  const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
  const res = await call("GET", `/v1/threads/${threadId}/messages?${qs}`, key);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<MessagePage>();
}

/** Walks every page in one order from an optional window; `between` runs after each page. */
async function walkMessages(
  key: string,
  threadId: string,
  rand: () => number,
  o: { order: "asc" | "desc"; after_seq?: number; before_seq?: number; between?: () => Promise<void> },
): Promise<number[]> {
  const seen: number[] = [];
  let after = o.after_seq;
  let before = o.before_seq;
  for (let pages = 0; pages < 1000; pages++) {
    const q: Record<string, string | number> = { order: o.order, limit: int(rand, 1, 100) };
    if (after !== undefined) q.after_seq = after;
    if (before !== undefined) q.before_seq = before;
    const p = await page(key, threadId, q);
    const seqs = p.data.map((m) => m.seq);
    seen.push(...seqs);
    expect(p.next_after_seq).toBe(seqs.length ? Math.max(...seqs) : null);
    expect(p.next_before_seq).toBe(seqs.length ? Math.min(...seqs) : null);
    if (p.has_more) expect(seqs.length).toBe(q.limit);
    await o.between?.();
    if (!p.has_more) return seen;
    if (o.order === "asc") after = p.next_after_seq ?? undefined;
    else before = p.next_before_seq ?? undefined;
  }
  throw new Error("walk did not end");
}

describe("GET /v1/threads/:id/messages pages", () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

  it.each(seeds)("seed %i: both orders see every seq once, in order; windows see exactly their inside", async (seed) => {
    const rand = seededRandom(seed);
    const t = await seedTenant();
    const th = await createThread(t.masterKey);
    const n = seed === 1 ? 0 : int(rand, 0, 300);
    await appendMessages(t.tenantId, th.id, n);

    expect(await walkMessages(t.masterKey, th.id, rand, { order: "asc" })).toEqual(range(1, n));
    expect(await walkMessages(t.masterKey, th.id, rand, { order: "desc" })).toEqual(range(1, n).reverse());

    const a = int(rand, 0, n + 1);
    const b = int(rand, Math.max(1, a), n + 2);
    const inside = range(a + 1, b - 1);
    expect(await walkMessages(t.masterKey, th.id, rand, { order: "asc", after_seq: a, before_seq: b })).toEqual(inside);
    expect(await walkMessages(t.masterKey, th.id, rand, { order: "desc", after_seq: a, before_seq: b })).toEqual(inside.reverse());
  });

  it.each(seeds)("seed %i: an ascending walk sees messages appended during it, each once", async (seed) => {
    const rand = seededRandom(100 + seed);
    const t = await seedTenant();
    const th = await createThread(t.masterKey);
    await appendMessages(t.tenantId, th.id, int(rand, 0, 150));
    const seen = await walkMessages(t.masterKey, th.id, rand, { order: "asc", between: async () => void (await appendMessages(t.tenantId, th.id, int(rand, 0, 6))) });
    const total = (await env.DB.prepare("SELECT last_seq FROM threads WHERE id = ?").bind(th.id).first<{ last_seq: number }>())?.last_seq ?? -1;
    // The last page's `between` may append after the walk saw has_more false; those wait for the next read.
    const tail = await page(t.masterKey, th.id, { order: "asc", after_seq: seen.at(-1) ?? 0, limit: 100 });
    expect([...seen, ...tail.data.map((m) => m.seq)]).toEqual(range(1, total));
  });

  it("defaults to 20 newest first, with content parsed and has_more", async () => {
    const t = await seedTenant();
    const th = await createThread(t.masterKey);
    await appendMessages(t.tenantId, th.id, 25);
    const p = await page(t.masterKey, th.id, {});
    expect(p.data.map((m) => m.seq)).toEqual(range(6, 25).reverse());
    expect(p.has_more).toBe(true);
    expect(p.data[0]).toEqual({ seq: 25, role: "user", content: [{ type: "text", text: "message 25" }], request_id: "req_test", cost_micros: null, created_at: expect.any(Number) });
    const rest = await page(t.masterKey, th.id, { before_seq: p.next_before_seq ?? 0 });
    expect(rest.data.map((m) => m.seq)).toEqual(range(1, 5).reverse());
    expect(rest.has_more).toBe(false);
  });

  it("an empty page has null cursors", async () => {
    const t = await seedTenant();
    const th = await createThread(t.masterKey);
    expect(await page(t.masterKey, th.id, {})).toEqual({ object: "list", data: [], has_more: false, next_after_seq: null, next_before_seq: null });
  });
});

interface ThreadPage {
  data: { id: string; created_at: number }[];
  has_more: boolean;
  next_after: string | null;
}

/** Inserts `count` threads straight into D1, many sharing a created_at (the tiebreak is the id). */
async function insertThreads(tenantId: string, count: number, rand: () => number, endUser: string | null = null): Promise<{ id: string; created_at: number }[]> {
  const base = 1_700_000_000_000;
  const rows = Array.from({ length: count }, () => ({ id: crypto.randomUUID(), created_at: base + int(rand, 0, Math.max(1, Math.floor(count / 4))) }));
  if (count > 0) {
    await env.DB.prepare(
      "INSERT INTO threads (tenant_id, id, end_user_id, created_at, last_active_at) " +
        "SELECT ?1, json_extract(value, '$.id'), ?2, json_extract(value, '$.created_at'), json_extract(value, '$.created_at') FROM json_each(?3)",
    )
      .bind(tenantId, endUser, JSON.stringify(rows))
      .run();
  }
  return rows.sort((x, y) => x.created_at - y.created_at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

async function walkThreads(key: string, rand: () => number, order: "asc" | "desc", between?: (p: ThreadPage) => Promise<void>, extra = ""): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const limit = int(rand, 1, 30);
    const res = await call("GET", `/v1/threads?order=${order}&limit=${limit}${after ? `&after=${after}` : ""}${extra}`, key);
    expect(res.status, await res.clone().text()).toBe(200);
    const p = await res.json<ThreadPage>();
    seen.push(...p.data.map((x) => x.id));
    expect(p.next_after === null).toBe(!p.has_more);
    await between?.(p);
    if (!p.has_more) return seen;
    after = p.next_after;
  }
  throw new Error("walk did not end");
}

describe("GET /v1/threads pages", () => {
  it.each([11, 12, 13, 14, 15, 16])("seed %i: both orders see every thread once, ties broken by id", async (seed) => {
    const rand = seededRandom(seed);
    const t = await seedTenant();
    const expected = (await insertThreads(t.tenantId, int(rand, 0, 120), rand)).map((x) => x.id);
    expect(await walkThreads(t.masterKey, rand, "asc")).toEqual(expected);
    expect(await walkThreads(t.masterKey, rand, "desc")).toEqual([...expected].reverse());
  });

  it.each([21, 22, 23])("seed %i: a cursor survives the deletion of the thread it names and of others", async (seed) => {
    const rand = seededRandom(seed);
    const t = await seedTenant();
    const expected = (await insertThreads(t.tenantId, int(rand, 20, 80), rand)).map((x) => x.id);
    const deleted = new Set<string>();
    const seen = await walkThreads(t.masterKey, rand, "asc", async (p) => {
      // Delete the page's last thread (the cursor's) and one not yet seen.
      const last = p.data.at(-1)?.id;
      const ahead = expected.find((id) => !deleted.has(id) && !p.data.some((x) => x.id === id) && expected.indexOf(id) > expected.indexOf(last ?? ""));
      for (const id of [last, rand() < 0.5 ? ahead : undefined]) {
        if (id === undefined) continue;
        expect((await call("DELETE", `/v1/threads/${id}`, t.masterKey)).status).toBe(200);
        deleted.add(id);
      }
    });
    // Every thread seen once, in order; the ones deleted before the walk reached them are not seen.
    expect(seen).toEqual(expected.filter((id) => seen.includes(id)));
    expect(new Set(seen).size).toBe(seen.length);
    expect(expected.filter((id) => !seen.includes(id)).every((id) => deleted.has(id))).toBe(true);
  });

  it("a master key's end_user_id narrows the list; the default is 20 newest first", async () => {
    const rand = seededRandom(31);
    const t = await seedTenant();
    const ada = (await insertThreads(t.tenantId, 25, rand, "ada")).map((x) => x.id);
    await insertThreads(t.tenantId, 5, rand, "bob");
    const res = await (await call("GET", "/v1/threads?end_user_id=ada", t.masterKey)).json<ThreadPage>();
    expect(res.data.map((x) => x.id)).toEqual([...ada].reverse().slice(0, 20));
    expect(res.has_more).toBe(true);
    expect(await walkThreads(t.masterKey, rand, "desc", undefined, "&end_user_id=ada")).toEqual([...ada].reverse());
    expect((await walkThreads(t.masterKey, rand, "asc")).length).toBe(30);
  });

  it.each(["garbage!", "bm90LWEtY3Vyc29y", btoa("12.").replaceAll("=", "")])("a cursor it did not give (%s) is a 400 naming query.after", async (bad) => {
    const t = await seedTenant();
    await createThread(t.masterKey);
    const res = await call("GET", `/v1/threads?after=${encodeURIComponent(bad)}`, t.masterKey);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { param: string } }>()).error.param).toBe("query.after");
  });
});
