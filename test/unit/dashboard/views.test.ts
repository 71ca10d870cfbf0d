// The dashboard's pages are pure functions of the API's JSON: every API value is escaped, the
// per-end-user spend adds up the per-key rows, and the remainder under a cap never goes below zero.
import { describe, expect, it } from "vitest";
import { keysBody, remainingMicros, spendByEndUser, usageBody } from "../../../runtime/dashboard/views";

const counts = { requests: 1, input_tokens: 10, output_tokens: 5, cost_micros: 100, overshoots: 0, overshoot_micros: 0 };

describe("dashboard views", () => {
  it("escape every value that came from the API (names, end users, models)", () => {
    const evil = `<img src=x onerror=alert(1)>"'`;
    const keys = keysBody({
      keys: [
        {
          key: { id: "key_1", prefix: "qlk_test_AB", name: evil, scope: "standard", end_user_id: evil, max_spend_usd: 1, created_at: 0, last_used_at: null },
          usage: { key_id: "key_1", cost_micros: 0, reserved_micros: 0, cap_micros: 1_000_000, requests: 0, input_tokens: 0, output_tokens: 0, by_model: [] },
        },
      ],
      csrf: "tok",
      nowMs: 0,
      sessionKeyId: "key_0",
    });
    expect(keys).not.toContain("<img");
    expect(keys).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;");
    const usage = usageBody(
      { from_ms: 0, to_ms: 86_400_000, totals: counts, by_key: [{ key_id: "key_1", end_user_id: evil, ...counts }], by_model: [{ model: evil, ...counts }], by_day: [] },
      new Map([["key_1", evil]]),
    );
    expect(usage).not.toContain("<img");
  });

  it("spend per end user adds up their keys, most expensive first; keys without an end user are left out", () => {
    const report = {
      from_ms: 0,
      to_ms: 1,
      totals: counts,
      by_model: [],
      by_day: [],
      by_key: [
        { key_id: "k1", end_user_id: "bob", ...counts, requests: 2, cost_micros: 300 },
        { key_id: "k2", end_user_id: "alice", ...counts, requests: 1, cost_micros: 250 },
        { key_id: "k3", end_user_id: "alice", ...counts, requests: 4, cost_micros: 100 },
        { key_id: "k4", end_user_id: null, ...counts, cost_micros: 9_999 },
      ],
    };
    expect(spendByEndUser(report)).toEqual([
      { end_user_id: "alice", requests: 5, cost_micros: 350 },
      { end_user_id: "bob", requests: 2, cost_micros: 300 },
    ]);
  });

  it("what remains under a cap counts reservations and never goes below zero", () => {
    const base = { key_id: "k", requests: 0, input_tokens: 0, output_tokens: 0, by_model: [] };
    expect(remainingMicros({ ...base, cap_micros: 1_000_000, cost_micros: 250_000, reserved_micros: 50_000 })).toBe(700_000);
    expect(remainingMicros({ ...base, cap_micros: 1_000, cost_micros: 1_200, reserved_micros: 0 })).toBe(0);
    expect(remainingMicros({ ...base, cap_micros: null, cost_micros: 5, reserved_micros: 0 })).toBeNull();
  });
});
