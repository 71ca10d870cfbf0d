import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

// The erase rewrites one end user's usage rows: SQLite must find them by index, not by scanning
// the tenant's whole usage history (migration 0012).
describe("an end user's usage rows are found by index", () => {
  it("the erase's pseudonymize statement uses usage_events_by_end_user", async () => {
    const plan = await env.DB.prepare("EXPLAIN QUERY PLAN UPDATE usage_events SET end_user_id = ? WHERE tenant_id = ? AND end_user_id = ?")
      .bind("erased_x", "tn_x", "u1")
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toMatch(/USING INDEX usage_events_by_end_user/);
  });
});
