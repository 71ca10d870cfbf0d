// A 409 tells clients whether trying again can help (`x-should-retry`, which the official SDKs
// and ours read before their default of retrying every 409): a busy thread frees up, a taken
// name or an account that is not connected does not.
import { describe, expect, it } from "vitest";
import { ApiError, errorResponse } from "../../../runtime/errors";

describe("x-should-retry on 409s", () => {
  it.each([
    ["thread_busy", "true"],
    ["not_connected", "false"],
    ["conflict", "false"],
  ] as const)("%s → x-should-retry: %s, in every error shape", (kind, expected) => {
    for (const shape of ["gatehouse", "anthropic", "openai"] as const) {
      const res = errorResponse(new ApiError(kind, "no"), shape);
      expect(res.status).toBe(409);
      expect(res.headers.get("x-should-retry")).toBe(expected);
    }
  });

  it("other errors leave the decision to the client's own rules (no header), and keep Retry-After", () => {
    expect(errorResponse(new ApiError("invalid_request", "bad"), "gatehouse").headers.has("x-should-retry")).toBe(false);
    const limited = errorResponse(new ApiError("rate_limited", "slow down", { extra: { retry_after_seconds: 7 } }), "openai");
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.has("x-should-retry")).toBe(false);
  });
});
