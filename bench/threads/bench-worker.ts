// bench:threads' Worker entry: the real Worker plus one seeding route that writes a thread's
// messages (and their search entries) in bulk from inside workerd — seeding 100,000 messages
// through turns would take the benchmark's whole budget. Bundled only by bench/threads.bench.ts;
// the product never serves /__bench/.
import worker, { Wallet } from "../../runtime/index";
import { searchIndexFor } from "../../runtime/search/index-for";
import type { SearchDoc } from "../../runtime/search/search-index";
import { messageText } from "./corpus";

export { Wallet };

const ROWS_PER_BATCH = 100;

export default {
  async fetch(req, env, ctx) {
    const url = new URL(req.url);
    if (url.pathname === "/__bench/seed") return Response.json(await seed(env, url.searchParams));
    return worker.fetch(req, env, ctx);
  },
  scheduled: worker.scheduled,
  queue: worker.queue,
} satisfies ExportedHandler<Env, never>;

/**
 * Appends `n` messages (user/assistant alternating, words from the benchmark's corpus) to an
 * existing thread and indexes them for search, as the turn and the queue consumer would; returns
 * the thread's new last seq. `salt` picks the corpus's words, so every thread reads differently.
 */
async function seed(env: Env, q: URLSearchParams): Promise<{ last_seq: number; ms: number }> {
  const t0 = Date.now();
  const tenant = q.get("tenant") ?? "";
  const thread = q.get("thread") ?? "";
  const n = Number(q.get("n") ?? 0);
  const salt = Number(q.get("salt") ?? 0);
  const row = await env.DB.prepare("SELECT end_user_id, last_seq FROM threads WHERE tenant_id = ? AND id = ?").bind(tenant, thread).first<{ end_user_id: string | null; last_seq: number }>();
  if (!row) throw new Error(`no thread ${thread} in ${tenant}`);
  const index = searchIndexFor(env);
  let seq = row.last_seq;
  const now = Date.now();
  for (let done = 0; done < n; done += ROWS_PER_BATCH) {
    const docs: SearchDoc[] = [];
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < Math.min(ROWS_PER_BATCH, n - done); i++) {
      seq++;
      const role = seq % 2 === 1 ? "user" : "assistant";
      const text = messageText(salt * 1_000_003 + seq);
      statements.push(
        env.DB.prepare(
          "INSERT INTO thread_messages (tenant_id, thread_id, seq, role, content, end_user_id, request_id, tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        ).bind(tenant, thread, seq, role, JSON.stringify([{ type: "text", text }]), row.end_user_id, Math.ceil(text.length / 4), now),
      );
      docs.push({ tenantId: tenant, endUserId: row.end_user_id, threadId: thread, seq, role, text, createdAt: now });
    }
    statements.push(
      env.DB.prepare("UPDATE threads SET last_seq = ?, message_count = ?, last_active_at = ? WHERE tenant_id = ? AND id = ?").bind(seq, seq, now, tenant, thread),
    );
    await env.DB.batch(statements);
    await index.index(docs);
  }
  return { last_seq: seq, ms: Date.now() - t0 };
}
