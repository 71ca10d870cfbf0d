// The production search path (FTS5 fused with embeddings in Vectorize), with fakes of the AI and
// Vectorize bindings and the real D1: fusion, scope (even when the vector index ignores its
// filter), deleted threads, erase leaving no vector, and which index a deployment gets.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FtsIndex } from "../../runtime/search/fts-index";
import { FusedIndex } from "../../runtime/search/fused-index";
import { searchIndexFor } from "../../runtime/search/index-for";
import { SemanticIndex } from "../../runtime/search/semantic-index";
import { seedTenant } from "./support/seed";
import { FakeVectorize, fakeAi } from "./support/fake-vector-bindings";
import { indexedThread, softDelete } from "./support/search-fixtures";

function fused(opts: { leaky?: boolean } = {}) {
  const ai = fakeAi();
  const vectors = new FakeVectorize(opts);
  const semantic = new SemanticIndex(ai, vectors);
  const index = new FusedIndex(env.DB, new FtsIndex(env.DB), semantic);
  return { ai, vectors, semantic, index };
}

describe("fused search (FTS5 + embeddings)", () => {
  it("indexes each message as one vector with hashed scope metadata and a short id", async () => {
    const t = await seedTenant();
    const { vectors, index } = fused();
    await indexedThread(t.tenantId, "alice@example.com", ["my car needs new brakes", [{ type: "thinking", thinking: "only thoughts" }]], index);
    expect(vectors.vectors.size).toBe(1); // the thinking-only message has no text
    const [v] = [...vectors.vectors.values()];
    expect(v!.id).toMatch(/^[0-9a-f]{48}$/);
    expect(Object.keys(v!.metadata ?? {}).sort()).toEqual(["end_user", "tenant"]);
    expect(JSON.stringify(v!.metadata)).not.toContain("alice");
    expect(JSON.stringify(v!.metadata)).not.toContain(t.tenantId);
  });

  it("finds by meaning what full text misses, and ranks a match on both first", async () => {
    const t = await seedTenant();
    const { index } = fused();
    const th = await indexedThread(
      t.tenantId,
      "x",
      ["my car <b>needs</b> new brakes", "the automobile repair shop opens at nine", "bake the bread at 200 degrees", "vehicle insurance renewal"],
      index,
    );
    const hits = await index.search({ tenantId: t.tenantId, endUserId: "x", q: "automobile", limit: 10 });
    // seq 2 matches the word and the meaning; seqs 1 and 4 only the meaning; the bread neither (but is the nearest of the rest).
    expect(hits[0]).toMatchObject({ thread_id: th, seq: 2 });
    expect(hits[0]!.snippet).toContain("<mark>automobile</mark>");
    expect(hits.slice(1, 3).map((h) => h.seq).sort()).toEqual([1, 4]);
    const car = hits.find((h) => h.seq === 1)!;
    expect(car.snippet).toBe("my car &lt;b&gt;needs&lt;/b&gt; new brakes");
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    expect(hits.length).toBeLessThanOrEqual(10);
    expect(await index.search({ tenantId: t.tenantId, endUserId: "x", q: "automobile", limit: 2 })).toHaveLength(2);
  });

  it("end user x never gets y's or another tenant's messages, even from an index that ignores its filter", async () => {
    const t = await seedTenant();
    const other = await seedTenant();
    const { index, vectors } = fused({ leaky: true });
    const xThread = await indexedThread(t.tenantId, "x", ["a puppy chewed my shoe"], index);
    await indexedThread(t.tenantId, "y", ["the dog barked all night", "canine dental care"], index);
    await indexedThread(t.tenantId, null, ["hound of the baskervilles"], index);
    await indexedThread(other.tenantId, "x", ["dog walking schedule"], index);
    expect(vectors.vectors.size).toBe(5);
    const asX = await index.search({ tenantId: t.tenantId, endUserId: "x", q: "dog", limit: 50 });
    expect(asX.map((h) => h.thread_id)).toEqual([xThread]);
    const asTenant = await index.search({ tenantId: t.tenantId, q: "dog", limit: 50 });
    expect(asTenant).toHaveLength(4);
    const asOther = await index.search({ tenantId: other.tenantId, q: "canine", limit: 50 });
    expect(asOther).toHaveLength(1);
  });

  it("the filter the index is asked for names the tenant and end user", async () => {
    const t = await seedTenant();
    const { index, semantic } = fused(); // honours filters: x's query must find only x's vector by the filter alone
    await indexedThread(t.tenantId, "x", ["puppy"], index);
    await indexedThread(t.tenantId, "y", ["puppy"], index);
    expect(await semantic.nearest({ tenantId: t.tenantId, endUserId: "x", q: "dog", limit: 5 }, 50)).toHaveLength(1);
    expect(await semantic.nearest({ tenantId: t.tenantId, q: "dog", limit: 5 }, 50)).toHaveLength(2);
  });

  it("a deleted thread's vectors are never returned", async () => {
    const t = await seedTenant();
    const { index } = fused();
    const gone = await indexedThread(t.tenantId, "x", ["my vehicle broke down"], index);
    await softDelete(t.tenantId, gone);
    expect(await index.search({ tenantId: t.tenantId, q: "car", limit: 10 })).toEqual([]);
  });

  it("a message whose thread is gone before indexing gets no vector", async () => {
    const t = await seedTenant();
    const { index, vectors } = fused();
    const th = await indexedThread(t.tenantId, "x", ["first car"], index);
    await softDelete(t.tenantId, th);
    await index.index([{ tenantId: t.tenantId, endUserId: "x", threadId: th, seq: 2, role: "assistant", text: "second car", createdAt: 1 }]);
    expect(vectors.vectors.size).toBe(1);
  });

  it("removeEndUser and removeThreads drop the vectors and the entries, and count the entries", async () => {
    const t = await seedTenant();
    const { index, vectors } = fused();
    await indexedThread(t.tenantId, "x", ["car one", "car two"], index);
    const yThread = await indexedThread(t.tenantId, "y", ["car three"], index);
    const y2 = await indexedThread(t.tenantId, "y", ["car four"], index);
    expect(vectors.vectors.size).toBe(4);
    expect(await index.removeEndUser(t.tenantId, "x")).toBe(2);
    expect(vectors.vectors.size).toBe(2);
    expect((await index.search({ tenantId: t.tenantId, endUserId: "x", q: "car", limit: 10 }))).toEqual([]);
    expect(await index.removeThreads(t.tenantId, [yThread])).toBe(1);
    expect(vectors.vectors.size).toBe(1);
    expect((await index.search({ tenantId: t.tenantId, q: "automobile", limit: 10 })).map((h) => h.thread_id)).toEqual([y2]);
  });

  it("a deployment gets the fused index only with both bindings", () => {
    expect(searchIndexFor(env)).toBeInstanceOf(FtsIndex);
    expect(searchIndexFor({ ...env, AI: fakeAi() as unknown as Ai })).toBeInstanceOf(FtsIndex);
    expect(searchIndexFor({ ...env, AI: fakeAi() as unknown as Ai, VECTORIZE: new FakeVectorize() })).toBeInstanceOf(FusedIndex);
  });
});
