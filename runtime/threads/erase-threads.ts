// Erasing whole threads for good (the daily job: retention, and threads soft-deleted by their
// owner): search entries first, then the messages and rows in one batch. In that order a
// failure leaves the threads in D1, where the next run finds them again; never search entries
// whose threads are gone.
import { deleteThreadsMessagesStatement } from "../db/thread-messages";
import { deleteThreadsStatement } from "../db/threads";
import { searchIndexFor } from "../search/index-for";

export interface ErasedThreads {
  threads: number;
  messages: number;
  searchEntries: number;
}

export async function eraseThreads(env: Env, tenantId: string, ids: readonly string[]): Promise<ErasedThreads> {
  if (ids.length === 0) return { threads: 0, messages: 0, searchEntries: 0 };
  const index = searchIndexFor(env);
  const before = await index.removeThreads(tenantId, [...ids]);
  const [messages, threads] = await env.DB.batch([deleteThreadsMessagesStatement(env.DB, tenantId, ids), deleteThreadsStatement(env.DB, tenantId, ids)]);
  // Once more, now the threads are gone: the queue consumer indexes only live threads' messages,
  // so this sweeps the one an indexing job may have written between the first removal and the batch.
  const after = await index.removeThreads(tenantId, [...ids]);
  return { threads: threads?.meta.changes ?? 0, messages: messages?.meta.changes ?? 0, searchEntries: before + after };
}
