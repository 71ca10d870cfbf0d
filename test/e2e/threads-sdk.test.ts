import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gatehouse } from "../../generated/client/index";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";

// The generated SDK against the real Worker in workerd (local D1, the Wallet, the search queue):
// what an app written with `gatehouse/client` does with threads, end to end.
let w: LocalWorker;
let master: Gatehouse;
let alice: Gatehouse;

beforeAll(async () => {
  w = await startLocalWorker();
  master = new Gatehouse({ baseURL: w.url, apiKey: w.masterKey });
  const key = await master.createKey({ body: { name: "alice", end_user_id: "alice", max_spend_usd: 1 } });
  alice = new Gatehouse({ baseURL: w.url, apiKey: key.secret });
});
afterAll(() => w?.dispose());

describe("threads through the SDK", () => {
  it("streams a turn with typed events, pages the thread and finds it in search", async () => {
    const thread = await alice.createThread({ body: { metadata: { topic: "fruit" } } });
    expect(thread).toMatchObject({ object: "thread", end_user_id: "alice", metadata: { topic: "fruit" }, message_count: 0 });

    const first = await alice.createThreadMessage({ path: { id: thread.id }, body: { model: "mock/echo", max_tokens: 64, content: "quince marmalade" } });
    expect(first).toMatchObject({ thread_id: thread.id, seq: 2, iterations: 1 });

    const stream = alice.createThreadMessageStream({ path: { id: thread.id }, body: { model: "mock/echo", max_tokens: 64, content: "apricot jam" } });
    const names: string[] = [];
    let text = "";
    for await (const ev of stream) {
      names.push(ev.event);
      if (ev.event === "content_block_delta" && ev.data.delta.type === "text_delta") text += ev.data.delta.text;
      if (ev.event === "qlaud.done") expect(ev.data).toMatchObject({ iterations: 1, hit_max_iterations: false, seq: 4 });
    }
    expect(names[0]).toBe("qlaud.iteration_start");
    expect(names).toContain("message_start");
    expect(names.at(-1)).toBe("qlaud.done");
    expect(text).toContain("apricot jam");

    const seqs: number[] = [];
    for await (const m of alice.listThreadMessagesAutoPaging({ path: { id: thread.id }, query: { order: "asc", limit: 1 } })) seqs.push(m.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);

    // Indexing goes through the queue: poll until the message is searchable.
    let hits: { thread_id: string; seq: number; snippet: string }[] = [];
    for (let i = 0; i < 100 && hits.length === 0; i++) {
      hits = (await alice.searchMessages({ query: { q: "apricot" } })).data;
      if (hits.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(hits[0]).toMatchObject({ thread_id: thread.id });
    expect(hits[0]?.snippet).toContain("<mark>apricot</mark>");
  });

  it("throws a typed error when the turn cannot start, and erases the end user", async () => {
    const thread = await alice.createThread({ body: {} });
    await expect(alice.createThreadMessage({ path: { id: thread.id }, body: { model: "mock/echo", max_tokens: 64, content: "hi", tools_mode: "explicit" } })).rejects.toMatchObject({
      status: 400,
    });
    const stream = alice.createThreadMessageStream({ path: { id: thread.id }, body: { model: "no-such/model", max_tokens: 64, content: "hi" } });
    // Refused before the stream began: the HTTP status, not a stream error event.
    await expect(stream.finalTurn()).rejects.toMatchObject({ status: 404 });

    const erased = await master.eraseEndUser({ path: { end_user_id: "alice" } });
    expect(erased).toMatchObject({ object: "end_user.erased", end_user_id: "alice" });
    expect(erased.threads).toBeGreaterThanOrEqual(2);
    expect(erased.messages).toBeGreaterThanOrEqual(4);
    expect((await master.listThreads({ query: { end_user_id: "alice" } })).data).toEqual([]);
    expect((await master.searchMessages({ query: { q: "apricot", end_user_id: "alice" } })).data).toEqual([]);
  });
});
