import type { IndexJob } from "./search-index";

/** The Queue consumer: indexes the messages each job names (stub: built by the search work). */
export async function consumeIndexBatch(batch: MessageBatch<IndexJob>, _env: Env): Promise<void> {
  batch.ackAll();
}

/** Hands a turn's stored seqs to the indexer; the turn does not wait for indexing. */
export async function enqueueIndexing(env: Env, job: IndexJob): Promise<void> {
  await env.SEARCH_QUEUE.send(job, { contentType: "json" });
}
