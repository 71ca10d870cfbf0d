// GET /v1/search over the D1 FTS5 index: relevance and snippets, scope by tenant and end user,
// deleted threads, erase, and queries written to break FTS5's parser.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FtsIndex } from "../../runtime/search/fts-index";
import { call, seedTenant } from "./support/seed";
import { endUserKey, indexedThread, softDelete } from "./support/search-fixtures";

interface Hit {
  thread_id: string;
  seq: number;
  role: string;
  score: number;
  snippet: string;
  created_at: number;
}

async function search(key: string, q: string, extra = ""): Promise<{ status: number; body: { object: string; query: string; data: Hit[] } }> {
  const res = await call("GET", `/v1/search?q=${encodeURIComponent(q)}${extra}`, key);
  return { status: res.status, body: await res.json() };
}

describe("search: relevance and snippets", () => {
  it("a message with the words ranks above one with fewer; the snippet marks them", async () => {
    const t = await seedTenant();
    const th = await indexedThread(t.tenantId, "alice", [
      "The weather in Lisbon is sunny today.",
      "Kubernetes pods restart when the liveness probe fails; check the probe timeout.",
      "Lisbon has trams and a probe of custard tarts.",
    ]);
    const { status, body } = await search(t.masterKey, "liveness probe");
    expect(status).toBe(200);
    expect(body.object).toBe("list");
    expect(body.query).toBe("liveness probe");
    // Every word first: only seq 2 has both.
    expect(body.data.map((h) => [h.thread_id, h.seq, h.role])).toEqual([[th, 2, "assistant"]]);
    expect(body.data[0]!.snippet).toContain("<mark>liveness</mark> <mark>probe</mark>");
    expect(body.data[0]!.created_at).toBe(1_700_000_000_001);
    expect((await search(t.masterKey, "probe trams")).body.data.map((h) => h.seq)).toEqual([3]);
    // No message has both words: any word, ranked by BM25 (two "probe"s above one).
    const any = await search(t.masterKey, "probe zeppelin");
    expect(any.body.data.map((h) => h.seq)).toEqual([2, 3]);
    expect(any.body.data[0]!.score).toBeGreaterThan(any.body.data[1]!.score);
    expect(any.body.data[0]!.score).toBeGreaterThan(0);
    // A word nobody wrote finds nothing; the limit is honoured.
    expect((await search(t.masterKey, "zeppelin")).body.data).toEqual([]);
    expect((await search(t.masterKey, "Lisbon", "&limit=1")).body.data).toHaveLength(1);
  });

  it("diacritics and case fold: café finds CAFE", async () => {
    const t = await seedTenant();
    await indexedThread(t.tenantId, "alice", ["Meet me at the CAFE tomorrow"]);
    expect((await search(t.masterKey, "café")).body.data).toHaveLength(1);
  });

  it("stored HTML is escaped in snippets and cannot forge a mark", async () => {
    const t = await seedTenant();
    const evil = 'zebra <script>alert("x")</script> <mark>fake</mark> \uE000forged\uE001 & done';
    await indexedThread(t.tenantId, "alice", [evil]);
    const { body } = await search(t.masterKey, "zebra forged");
    const snippet = body.data[0]!.snippet;
    expect(snippet).toContain("<mark>zebra</mark>");
    expect(snippet).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(snippet).toContain("&lt;mark&gt;fake&lt;/mark&gt;");
    expect(snippet).toContain("&amp; done");
    // The only tags are the marks around the words searched.
    expect(snippet.match(/<[^>]*>/g)).toEqual(["<mark>", "</mark>", "<mark>", "</mark>"]);
    expect(snippet).not.toMatch(/[\uE000\uE001]/);
  });
});

describe("search: scope", () => {
  it("tenant B never sees tenant A's messages, even with the same end user id", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await indexedThread(a.tenantId, "alice", ["secret plan for orbital launch"]);
    expect((await search(b.masterKey, "orbital launch")).body.data).toEqual([]);
    const bAlice = await endUserKey(b.masterKey, "alice");
    expect((await search(bAlice, "orbital launch")).body.data).toEqual([]);
    expect((await search(b.masterKey, "orbital", "&end_user_id=alice")).body.data).toEqual([]);
    expect((await search(a.masterKey, "orbital")).body.data).toHaveLength(1);
  });

  it("an end user's standard key sees only its own; a master key sees all or narrows by end_user_id", async () => {
    const t = await seedTenant();
    const xThread = await indexedThread(t.tenantId, "x", ["quarterly budget for marketing"]);
    const yThread = await indexedThread(t.tenantId, "y", ["quarterly budget for engineering"]);
    const tenantThread = await indexedThread(t.tenantId, null, ["quarterly budget for the board"]);
    const xKey = await endUserKey(t.masterKey, "x");
    const threads = (hits: Hit[]) => hits.map((h) => h.thread_id).sort();
    expect(threads((await search(xKey, "quarterly budget")).body.data)).toEqual([xThread]);
    expect(threads((await search(xKey, "quarterly", "&end_user_id=x")).body.data)).toEqual([xThread]);
    const other = await search(xKey, "quarterly", "&end_user_id=y");
    expect(other.status).toBe(403);
    expect(threads((await search(t.masterKey, "quarterly budget")).body.data)).toEqual([xThread, yThread, tenantThread].sort());
    expect(threads((await search(t.masterKey, "quarterly", "&end_user_id=y")).body.data)).toEqual([yThread]);
    // A standard key with no end user has no search.
    const bare = (await (await call("POST", "/v1/keys", t.masterKey, { name: "bare" })).json<{ secret: string }>()).secret;
    expect((await search(bare, "quarterly")).status).toBe(403);
  });

  it("a deleted thread leaves search at once, before its entries are removed", async () => {
    const t = await seedTenant();
    const gone = await indexedThread(t.tenantId, "x", ["ephemeral walrus notes"]);
    const kept = await indexedThread(t.tenantId, "x", ["permanent walrus notes"]);
    await softDelete(t.tenantId, gone);
    expect((await search(t.masterKey, "walrus")).body.data.map((h) => h.thread_id)).toEqual([kept]);
    // Still in the index (the daily job erases it later), just never found.
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM message_search_docs WHERE tenant_id = ? AND thread_id = ?").bind(t.tenantId, gone).first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("removeEndUser and removeThreads leave nothing searchable, count what went, and touch no one else", async () => {
    const t = await seedTenant();
    const other = await seedTenant();
    const index = new FtsIndex(env.DB);
    await indexedThread(t.tenantId, "x", ["pelican one", "pelican two", [{ type: "image", source: { type: "base64", media_type: "image/png", data: "" } }]]);
    await indexedThread(t.tenantId, "x", ["pelican three"]);
    const yThread = await indexedThread(t.tenantId, "y", ["pelican four"]);
    await indexedThread(other.tenantId, "x", ["pelican five"]);
    // The image-only message had no text, so it was never an entry.
    expect(await index.removeEndUser(t.tenantId, "x")).toBe(3);
    expect(await index.removeEndUser(t.tenantId, "x")).toBe(0);
    const all = (await search(t.masterKey, "pelican")).body.data;
    expect(all.map((h) => h.thread_id)).toEqual([yThread]);
    // The FTS index itself holds nothing of x: a raw MATCH over the whole table finds only y's and the other tenant's.
    const raw = await env.DB.prepare("SELECT COUNT(*) AS n FROM message_search WHERE message_search MATCH 'pelican'").first<{ n: number }>();
    expect(raw?.n).toBeGreaterThanOrEqual(2);
    const xLeft = await env.DB.prepare("SELECT COUNT(*) AS n FROM message_search_docs WHERE tenant_id = ? AND end_user_id = 'x'").bind(t.tenantId).first<{ n: number }>();
    expect(xLeft?.n).toBe(0);
    expect(await index.removeThreads(other.tenantId, [yThread])).toBe(0); // another tenant's thread id changes nothing
    expect(await index.removeThreads(t.tenantId, [yThread])).toBe(1);
    expect((await search(t.masterKey, "pelican")).body.data).toEqual([]);
    expect((await search(other.masterKey, "pelican")).body.data).toHaveLength(1);
  });
});

describe("search: hostile and empty queries", () => {
  const HOSTILE = [
    '"', '""', '"unbalanced', "*", "pel*", "^pelican", "NEAR(pelican notes)", "NEAR(", "body:pelican", "scope:t0000",
    "{scope body}: pelican", "pelican AND", "OR OR OR", "NOT pelican", "(((pelican", "pelican)))", "- pelican", "pelican + notes",
    "a".repeat(500), "pelican ".repeat(62), "🦩 pelican 🦩", "\u0000pelican", "'; DROP TABLE threads; --",
  ];

  it("never 500: each is searched as plain words (or refused as having none)", async () => {
    const t = await seedTenant();
    const th = await indexedThread(t.tenantId, "x", ["pelican notes and a NEAR miss"]);
    for (const q of HOSTILE) {
      const { status, body } = await search(t.masterKey, q);
      expect([200, 400], `${q}: ${JSON.stringify(body)}`).toContain(status);
      if (status === 200 && /pelican/i.test(q)) expect(body.data.map((h) => h.thread_id), q).toEqual([th]);
    }
    // Another tenant's scope token spelled in the query reaches only the body column.
    expect((await search(t.masterKey, "scope t0000")).body.data).toEqual([]);
  });

  it("a query with no letters or digits is a 400 naming query.q", async () => {
    const t = await seedTenant();
    for (const q of ["   ", "*", '"()"', "^-+:"]) {
      const res = await call("GET", `/v1/search?q=${encodeURIComponent(q)}`, t.masterKey);
      expect(res.status, q).toBe(400);
      const body = await res.json<{ error: { type: string; message: string; param?: string } }>();
      expect(body.error.type).toBe("invalid_request_error");
      expect(JSON.stringify(body)).toContain("query.q");
    }
  });
});
