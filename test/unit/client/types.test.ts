import { describe, expectTypeOf, it } from "vitest";
import type { components, Gatehouse, PageItem, QlaudStreamEventData, ThreadStreamEvent, ThreadTurnStream, QlaudStreamEvent, operations } from "../../../generated/client/index";

// Type-level: `tsc --noEmit` (and `vitest --typecheck`) fail when a helper's types drift.
type S = components["schemas"];
type Items<T> = T extends AsyncIterable<infer I> ? I : never;

describe("generated client types", () => {
  it("auto-paging helpers yield the list's item type", () => {
    expectTypeOf<Items<ReturnType<Gatehouse["listThreadsAutoPaging"]>>>().toEqualTypeOf<S["Thread"]>();
    expectTypeOf<Items<ReturnType<Gatehouse["listThreadMessagesAutoPaging"]>>>().toEqualTypeOf<S["ThreadMessage"]>();
    expectTypeOf<Items<ReturnType<Gatehouse["listLedgerAutoPaging"]>>>().toEqualTypeOf<S["LedgerEntry"]>();
    expectTypeOf<PageItem<operations["searchMessages"]>>().toEqualTypeOf<S["SearchHit"]>();
  });

  it("thread, message and search methods return the spec's types", () => {
    expectTypeOf<Awaited<ReturnType<Gatehouse["createThread"]>>>().toEqualTypeOf<S["Thread"]>();
    expectTypeOf<Awaited<ReturnType<Gatehouse["createThreadMessage"]>>>().toEqualTypeOf<S["ThreadTurn"]>();
    expectTypeOf<Awaited<ReturnType<Gatehouse["searchMessages"]>>>().toEqualTypeOf<S["SearchResults"]>();
    expectTypeOf<Awaited<ReturnType<Gatehouse["eraseEndUser"]>>>().toEqualTypeOf<S["ErasedEndUser"]>();
  });

  it("connections and tools have methods; the hosted connect page (HTML for browsers) has none", () => {
    expectTypeOf<Awaited<ReturnType<Gatehouse["createConnection"]>>>().toHaveProperty("connect_url");
    expectTypeOf<Gatehouse>().toHaveProperty("executeTool");
    expectTypeOf<Gatehouse>().not.toHaveProperty("showConnectPage");
    expectTypeOf<Gatehouse>().not.toHaveProperty("submitConnectPage");
  });

  it("arguments: path params and required query are required, the rest optional", () => {
    type ListMsgArgs = Parameters<Gatehouse["listThreadMessages"]>[0];
    expectTypeOf<{ path: { id: string } }>().toMatchTypeOf<ListMsgArgs>();
    expectTypeOf<{ query: { order: "asc" } }>().not.toMatchTypeOf<ListMsgArgs>();
    expectTypeOf<{ query: { q: string } }>().toMatchTypeOf<Parameters<Gatehouse["searchMessages"]>[0]>();
    expectTypeOf<{ query: { limit: number } }>().not.toMatchTypeOf<Parameters<Gatehouse["searchMessages"]>[0]>();
    expectTypeOf<Gatehouse["listThreads"]>().toBeCallableWith();
  });

  it("the turn stream yields events keyed by name, without the thrown error events", () => {
    type Ev = Items<ReturnType<Gatehouse["createThreadMessageStream"]>>;
    expectTypeOf<ReturnType<Gatehouse["createThreadMessageStream"]>>().toEqualTypeOf<ThreadTurnStream<QlaudStreamEvent>>();
    expectTypeOf<Ev>().toEqualTypeOf<ThreadStreamEvent<QlaudStreamEvent>>();
    expectTypeOf<Extract<Ev, { event: "qlaud.done" }>["data"]>().toEqualTypeOf<QlaudStreamEventData<"qlaud.done">>();
    expectTypeOf<Extract<Ev, { event: "content_block_delta" }>["data"]["index"]>().toEqualTypeOf<number>();
    expectTypeOf<Extract<Ev, { event: "error" | "qlaud.error" }>>().toEqualTypeOf<never>();
    expectTypeOf<Awaited<ReturnType<ReturnType<Gatehouse["createThreadMessageStream"]>["finalTurn"]>>>().toEqualTypeOf<{ done: S["QlaudDone"]; text: string }>();
  });
});

// Ordinary calls type-check (never run: `tsc --noEmit` checks them).
export async function ordinaryCalls(client: Gatehouse): Promise<void> {
  const thread = await client.createThread({ body: { end_user_id: "u1" } });
  await client.getThread({ path: { id: thread.id } });
  await client.listThreads({ query: { end_user_id: "u1", limit: 10, order: "asc", after: thread.id } });
  await client.listThreadMessages({ path: { id: thread.id }, query: { order: "asc", after_seq: 0, limit: 50 } });
  await client.createThreadMessage({ path: { id: thread.id }, body: { model: "mock/echo", max_tokens: 64, content: "hi", system: "be brief" } });
  await client.searchMessages({ query: { q: "invoice", limit: 5 } });
  await client.eraseEndUser({ path: { end_user_id: "u1" } });
  await client.setRetention({ body: { thread_retention_days: 30 } });
  await client.deleteThread({ path: { id: thread.id } });
}
