// Indexing through the real (Miniflare) queue: a job sent to SEARCH_QUEUE becomes searchable;
// a job that fails is retried and then indexed; re-delivery adds no duplicates; an erased
// message is skipped. And the consumer's ack/retry decisions, message by message.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { FtsIndex } from "../../runtime/search/fts-index";
import { consumeIndexBatch, enqueueIndexing, injectedIndexFailures, retryDelaySeconds } from "../../runtime/search/queue-consumer";
import type { IndexJob, SearchDoc, SearchHit, SearchIndex, SearchQuery } from "../../runtime/search/search-index";
import { seedTenant } from "./support/seed";
import { makeThread, softDelete, storeMessages } from "./support/search-fixtures";

const fts = new FtsIndex(env.DB);
const find = (tenantId: string, q: string): Promise<SearchHit[]> => fts.search({ tenantId, q, limit: 10 });

/** Polls the index until `q` finds `n` hits (the consumer runs on the queue's own schedule). */
async function eventually(tenantId: string, q: string, n: number, timeoutMs = 15_000): Promise<SearchHit[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hits = await find(tenantId, q);
    if (hits.length === n) return hits;
    if (Date.now() > until) throw new Error(`"${q}" found ${hits.length} hits, not ${n}, within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  injectedIndexFailures.remaining = 0;
});

describe("indexing through the queue", () => {
  it("a job sent to SEARCH_QUEUE becomes searchable", async () => {
    const t = await seedTenant();
    const th = await makeThread(t.tenantId, "x");
    const seqs = await storeMessages(t.tenantId, th, "x", ["the narwhal migrates north", "narwhals have tusks"]);
    await enqueueIndexing(env, { tenantId: t.tenantId, threadId: th, seqs });
    const hits = await eventually(t.tenantId, "narwhal", 1);
    expect(hits[0]).toMatchObject({ thread_id: th, seq: 1, role: "user" });
  });

  it("a job that fails is retried and then indexed", async () => {
    const t = await seedTenant();
    const th = await makeThread(t.tenantId, "x");
    const seqs = await storeMessages(t.tenantId, th, "x", ["the okapi is a forest giraffe"]);
    injectedIndexFailures.remaining = 1;
    await env.SEARCH_QUEUE.send({ tenantId: t.tenantId, threadId: th, seqs } satisfies IndexJob);
    // The first delivery fails (the seam is spent) and indexes nothing; the retry, 2 s later, indexes it.
    const until = Date.now() + 10_000;
    while (injectedIndexFailures.remaining > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const failedAt = Date.now();
    expect(injectedIndexFailures.remaining).toBe(0);
    expect(await find(t.tenantId, "okapi")).toEqual([]);
    await eventually(t.tenantId, "okapi", 1);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(1_500);
  });
});

/** A MessageBatch whose messages record how the consumer settled them. */
function fakeBatch(bodies: unknown[], attempts = 1) {
  const settled: Array<{ id: string; how: "ack" | "retry"; delaySeconds?: number }> = [];
  const messages = bodies.map((body, i): Message<IndexJob> => ({
    id: `m${i}`,
    timestamp: new Date(),
    body: body as IndexJob,
    attempts,
    ack: () => void settled.push({ id: `m${i}`, how: "ack" }),
    retry: (o?: QueueRetryOptions) => void settled.push({ id: `m${i}`, how: "retry", delaySeconds: o?.delaySeconds }),
  }));
  const batch: MessageBatch<IndexJob> = {
    queue: "gatehouse-search-index",
    metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } },
    messages,
    ackAll: () => messages.forEach((m) => m.ack()),
    retryAll: (o?: QueueRetryOptions) => messages.forEach((m) => m.retry(o)),
  };
  return { batch, settled };
}

/** The FTS index, failing for one thread. */
class FailingFor implements SearchIndex {
  constructor(private readonly threadId: string) {}
  index(docs: SearchDoc[]) {
    if (docs.some((d) => d.threadId === this.threadId)) return Promise.reject(new Error("D1 unavailable"));
    return fts.index(docs);
  }
  removeThreads = (tenantId: string, ids: string[]) => fts.removeThreads(tenantId, ids);
  removeEndUser = (tenantId: string, id: string) => fts.removeEndUser(tenantId, id);
  search = (q: SearchQuery) => fts.search(q);
}

describe("the consumer, message by message", () => {
  it("acks what it indexed, retries what failed with a growing delay, drops a malformed job", async () => {
    const t = await seedTenant();
    const ok = await makeThread(t.tenantId, "x");
    const bad = await makeThread(t.tenantId, "x");
    await storeMessages(t.tenantId, ok, "x", ["the quokka smiles"]);
    await storeMessages(t.tenantId, bad, "x", ["the quokka frowns"]);
    const { batch, settled } = fakeBatch([{ tenantId: t.tenantId, threadId: ok, seqs: [1] }, { tenantId: t.tenantId, threadId: bad, seqs: [1] }, { nonsense: true }], 3);
    await consumeIndexBatch(batch, env, new FailingFor(bad));
    expect(settled).toEqual([
      { id: "m0", how: "ack" },
      { id: "m1", how: "retry", delaySeconds: 8 },
      { id: "m2", how: "ack" },
    ]);
    expect((await find(t.tenantId, "quokka")).map((h) => h.thread_id)).toEqual([ok]);
  });

  it("re-delivery adds no duplicate; an erased message is skipped and acked", async () => {
    const t = await seedTenant();
    const th = await makeThread(t.tenantId, "x");
    await storeMessages(t.tenantId, th, "x", ["the axolotl regrows limbs", "axolotl facts"]);
    const job = { tenantId: t.tenantId, threadId: th, seqs: [1, 2, 3] }; // seq 3 was never stored (or was erased)
    for (let i = 0; i < 3; i++) {
      const { batch, settled } = fakeBatch([job]);
      await consumeIndexBatch(batch, env);
      expect(settled).toEqual([{ id: "m0", how: "ack" }]);
    }
    expect((await find(t.tenantId, "axolotl")).map((h) => h.seq).sort()).toEqual([1, 2]);
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM message_search WHERE message_search MATCH 'axolotl'").first<{ n: number }>();
    expect(n?.n).toBe(2);
  });

  it("a job for a thread deleted (or erased) before it runs leaves no entry", async () => {
    const t = await seedTenant();
    const th = await makeThread(t.tenantId, "x");
    await storeMessages(t.tenantId, th, "x", ["the pangolin curls up"]);
    await softDelete(t.tenantId, th);
    const { batch, settled } = fakeBatch([{ tenantId: t.tenantId, threadId: th, seqs: [1] }]);
    await consumeIndexBatch(batch, env);
    expect(settled).toEqual([{ id: "m0", how: "ack" }]);
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM message_search_docs WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>();
    expect(n?.n).toBe(0);
  });

  it("the retry delay grows and is capped", () => {
    expect([1, 2, 3, 4, 5, 9, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 32, 300, 300]);
  });
});
