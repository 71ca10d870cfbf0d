// How a search's scope is applied, measured at 100k indexed messages (run on demand:
// VITE_SEARCH_BENCH=1 npx vitest run --project workers test/workers/search-scope-bench.test.ts).
// A: the scope token ANDed into the MATCH (what runtime/db/message-search.ts does): FTS5
//    intersects the tenant's postings with the words'.
// B: the words alone in the MATCH, the scope as a WHERE on the doc row: every tenant's matches
//    are visited, ranked and joined, then filtered.
// 100 tenants × 10 end users × 100 messages; each message 8 words drawn (skewed) from 4,900.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { searchFts } from "../../runtime/db/message-search";
import { matchExpression } from "../../runtime/search/query-terms";

// Vite passes VITE_* variables to the test through import.meta.env.
const ON = Boolean((import.meta as unknown as { env: Record<string, string | undefined> }).env.VITE_SEARCH_BENCH);
const TENANTS = 100;
const USERS = 10;
const PER_USER = 100;

async function build(): Promise<void> {
  const now = Date.now();
  await env.DB.batch(
    Array.from({ length: TENANTS }, (_, n) => env.DB.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)").bind(`bench${n}`, `bench ${n}`, now)),
  );
  // One thread per end user.
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${TENANTS * USERS - 1})
     INSERT INTO threads (tenant_id, id, end_user_id, created_at, last_active_at) SELECT 'bench' || (i / ${USERS}), 'th' || i, 'eu' || (i % ${USERS}), ${now}, ${now} FROM n`,
  ).run();
  const word = "printf('w%d', (abs(random()) % 70) * (abs(random()) % 70))";
  for (let tenant = 0; tenant < TENANTS; tenant += 10) {
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT ${tenant * USERS * PER_USER} UNION ALL SELECT i + 1 FROM n WHERE i < ${(tenant + 10) * USERS * PER_USER - 1})
       INSERT INTO message_search_docs (tenant_id, thread_id, seq, end_user_id, role, created_at, vector_id, scope, body)
       SELECT 'bench' || (i / ${USERS * PER_USER}), 'th' || (i / ${PER_USER}), i % ${PER_USER}, 'eu' || ((i / ${PER_USER}) % ${USERS}), 'user', ${now}, 'v' || i,
         printf('t%08x u%08x%04x', i / ${USERS * PER_USER}, i / ${USERS * PER_USER}, (i / ${PER_USER}) % ${USERS}),
         ${Array.from({ length: 8 }, () => word).join(" || ' ' || ")}
       FROM n`,
    ).run();
  }
}

const tenantTok = (n: number) => `t${n.toString(16).padStart(8, "0")}`;
const userTok = (n: number, e: number) => `u${n.toString(16).padStart(8, "0")}${e.toString(16).padStart(4, "0")}`;

/** B: the scope as a WHERE (the alternative we did not ship). */
async function whereScoped(tenantId: string, endUserId: string | undefined, words: string, limit: number) {
  const sql = `SELECT d.thread_id, d.seq, -bm25(message_search, 0.0, 1.0) AS score, snippet(message_search, 1, '[', ']', '…', 24) AS snippet
    FROM message_search JOIN message_search_docs d ON d.id = message_search.rowid
    JOIN threads t ON t.tenant_id = d.tenant_id AND t.id = d.thread_id
    WHERE message_search MATCH ? AND d.tenant_id = ? AND t.deleted_at IS NULL ${endUserId ? "AND d.end_user_id = ?" : ""}
    ORDER BY bm25(message_search, 0.0, 1.0) LIMIT ?`;
  const params = endUserId ? [`body : (${words})`, tenantId, endUserId, limit] : [`body : (${words})`, tenantId, limit];
  return (await env.DB.prepare(sql).bind(...params).all()).results;
}

/** Mean ms a query over `runs` in a row (the Workers clock ticks coarsely, so one query is too short to time). */
async function mean(fn: () => Promise<unknown>, runs = 40): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t0) / runs;
}

describe.skipIf(!ON)("scope at 100k messages", () => {
  it("token in MATCH vs WHERE on the doc", { timeout: 600_000 }, async () => {
    const t0 = performance.now();
    await build();
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM message_search_docs").first<{ n: number }>();
    console.log(`built ${count?.n} docs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cases: Array<[string, string[]]> = [
      ["frequent word (w0, ~20% of docs)", ["w0"]],
      ["mid word (w12, ~1%)", ["w12"]],
      ["rare word (w4000)", ["w4000"]],
      ["two words AND (w0 w1)", ["w0", "w1"]],
      ["two frequent words AND (w0 w2)", ["w0", "w2"]],
    ];
    const lines: string[] = [];
    for (const [label, terms] of cases) {
      for (const endUser of [undefined, 3]) {
        const tenant = 42;
        const tok = endUser === undefined ? tenantTok(tenant) : userTok(tenant, endUser);
        const eu = endUser === undefined ? undefined : `eu${endUser}`;
        const a = () => searchFts(env.DB, `bench${tenant}`, { match: matchExpression(tok, terms, "all"), endUserId: eu, limit: 10, markOpen: "[", markClose: "]", snippetTokens: 24 });
        const b = () => whereScoped(`bench${tenant}`, eu, terms.map((w) => `"${w}"`).join(" AND "), 10);
        const [ra, rb] = [await a(), await b()];
        expect(ra.map((r) => `${r.thread_id}/${r.seq}`)).toEqual(rb.map((r) => `${r.thread_id}/${r.seq}`));
        const [ma, mb] = [await mean(a), await mean(b)];
        lines.push(`${label.padEnd(34)} ${endUser === undefined ? "tenant  " : "end user"}  token-in-MATCH ${ma.toFixed(2)} ms   WHERE ${mb.toFixed(2)} ms   ×${(mb / ma).toFixed(1)}`);
      }
    }
    console.log(lines.join("\n"));
  });
});
