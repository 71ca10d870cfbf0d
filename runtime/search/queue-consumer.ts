// Indexing runs off the turn's path: the turn enqueues the seqs it stored (enqueueIndexing) and
// this consumer reads those messages back from D1 and indexes them. Each job is acked on its
// own; a job that fails is retried later with a growing delay (wrangler.toml: max_retries, then
// the dead-letter queue), so one bad job neither loses nor blocks the batch's others. Indexing is
// idempotent on (tenant, thread, seq), so a re-delivered job rewrites the same entries.
import { messagesToIndex } from "../db/message-search";
import { searchIndexFor } from "./index-for";
import { messageText } from "./message-text";
import type { IndexJob, SearchDoc, SearchIndex } from "./search-index";

/** Seconds before the nth retry of a failed job: 2, 4, 8, … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}

/** Test seam: the next `remaining` jobs fail before indexing (to watch a real retry). */
export const injectedIndexFailures = { remaining: 0 };

/** The Queue consumer: indexes the messages each job names. */
export async function consumeIndexBatch(batch: MessageBatch<IndexJob>, env: Env, index: SearchIndex = searchIndexFor(env)): Promise<void> {
  for (const msg of batch.messages) {
    if (!isIndexJob(msg.body)) {
      // Retrying cannot fix a malformed job; say so and drop it.
      console.error(`search index: dropped a malformed job ${JSON.stringify(msg.body).slice(0, 200)}`);
      msg.ack();
      continue;
    }
    try {
      await indexJob(env.DB, index, msg.body);
      msg.ack();
    } catch (e) {
      console.error(`search index: job for thread ${msg.body.threadId} failed (attempt ${msg.attempts}): ${(e as Error).message}`);
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  }
}

/** Reads the job's messages back (an erased one is simply gone) and indexes them. */
export async function indexJob(db: D1Database, index: SearchIndex, job: IndexJob): Promise<number> {
  if (injectedIndexFailures.remaining > 0) {
    injectedIndexFailures.remaining--;
    throw new Error("injected indexing failure");
  }
  const rows = await messagesToIndex(db, job.tenantId, job.threadId, job.seqs);
  const docs = rows.map((r): SearchDoc => ({
    tenantId: job.tenantId,
    endUserId: r.end_user_id,
    threadId: job.threadId,
    seq: r.seq,
    role: r.role,
    text: messageText(parseContent(r.content)),
    createdAt: r.created_at,
  }));
  await index.index(docs);
  return docs.length;
}

/** Stored content is JSON content blocks; text that is not JSON is indexed as it is. */
function parseContent(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

function isIndexJob(body: unknown): body is IndexJob {
  const j = body as Partial<IndexJob> | null;
  return (
    typeof j === "object" && j !== null && typeof j.tenantId === "string" && typeof j.threadId === "string" &&
    Array.isArray(j.seqs) && j.seqs.every((s) => Number.isSafeInteger(s))
  );
}

/** Hands a turn's stored seqs to the indexer; the turn does not wait for indexing. */
export async function enqueueIndexing(env: Env, job: IndexJob): Promise<void> {
  await env.SEARCH_QUEUE.send(job, { contentType: "json" });
}
