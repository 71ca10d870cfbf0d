// The request log's writer (runtime/requests/recorder.ts) against a D1 stand-in that keeps every
// batch: rows of requests ending together share one write, none is written twice or lost, each
// tenant's rows stay in their own statement, and a failed write never rejects.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RequestLogRow } from "../../../runtime/db/request-log";
import { recordRow } from "../../../runtime/requests/recorder";

interface Bound {
  sql: string;
  args: unknown[];
}

/** A D1 stand-in keeping every batch; `failFor` refuses the batches of these tenants (all with `true`). */
function fakeDb(failFor: boolean | string = false) {
  const batches: Bound[][] = [];
  const db = {
    prepare: (sql: string) => ({ bind: (...args: unknown[]): Bound => ({ sql, args }) }),
    batch: async (statements: Bound[]) => {
      if (failFor === true || statements.some((s) => s.args[0] === failFor)) throw new Error("D1 is down");
      batches.push(statements);
      return statements.map(() => ({ success: true }));
    },
  };
  const written = () => batches.flatMap((b) => b.flatMap((s) => JSON.parse(s.args[1] as string) as RequestLogRow[]));
  return { db: db as unknown as D1Database, batches, written };
}

function row(i: number, tenant = "tn_a"): RequestLogRow {
  return {
    request_id: `req_${i}`, tenant_id: tenant, key_id: "key_1", end_user_id: null, operation: "createChatCompletion",
    model: "openai/gpt-4o-mini", provider: "openai", status: 200, streamed: 0, outcome: "ok",
    latency_ms: 1, duration_ms: 1, cost_micros: 10, overshoot_micros: 0, created_at: 1_700_000_000_000 + i,
  };
}

afterEach(() => vi.restoreAllMocks());

describe("the request log writer", () => {
  it("writes the rows of 100 requests ending together in one D1 batch, each row once", async () => {
    const { db, batches, written } = fakeDb();
    await Promise.all(Array.from({ length: 100 }, (_, i) => recordRow(db, row(i), 10)));
    expect(batches).toHaveLength(1);
    expect(written().map((r) => r.request_id).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `req_${i}`).sort());
  });

  it("a steady trickle of rows (one every 4 ms, waits of 20 ms) is written about one batch per wait, not one per row", async () => {
    const { db, batches, written } = fakeDb();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      pending.push(recordRow(db, row(i), 20));
      await new Promise((r) => setTimeout(r, 4));
    }
    await Promise.all(pending);
    expect(written()).toHaveLength(12);
    expect(batches.length).toBeLessThanOrEqual(3);
  });

  it("a row recorded after a write started waits for the next one, and is not lost", async () => {
    const { db, batches, written } = fakeDb();
    const first = recordRow(db, row(1), 5);
    await new Promise((r) => setTimeout(r, 15));
    await Promise.all([first, recordRow(db, row(2), 5)]);
    expect(batches).toHaveLength(2);
    expect(written().map((r) => r.request_id)).toEqual(["req_1", "req_2"]);
  });

  it("keeps each tenant's rows in a statement bound to that tenant, and splits a large gathering", async () => {
    const { db, batches, written } = fakeDb();
    await Promise.all(Array.from({ length: 600 }, (_, i) => recordRow(db, row(i, i % 2 ? "tn_b" : "tn_a"), 10)));
    expect(written()).toHaveLength(600);
    expect(batches.length).toBeGreaterThanOrEqual(3); // at most 250 rows a write
    for (const statement of batches.flat()) {
      const rows = JSON.parse(statement.args[1] as string) as RequestLogRow[];
      expect(rows.every((r) => r.tenant_id === statement.args[0])).toBe(true);
    }
  });

  it("each tenant's rows go in a batch of their own: one tenant's failed write loses no other tenant's rows", async () => {
    const { db, batches, written } = fakeDb("tn_b");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await Promise.all([recordRow(db, row(1, "tn_a"), 5), recordRow(db, row(2, "tn_b"), 5), recordRow(db, row(3, "tn_c"), 5)]);
    expect(batches.every((b) => b.length === 1)).toBe(true);
    expect(written().map((r) => r.request_id).sort()).toEqual(["req_1", "req_3"]);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toContain("tn_b");
  });

  it("a write that fails is logged and resolves: the request never sees it", async () => {
    const { db } = fakeDb(true);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(Promise.all([recordRow(db, row(1), 5), recordRow(db, row(2), 5)])).resolves.toBeDefined();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toContain("could not write 2 request log rows");
  });
});
