import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../../runtime/auth/rate-limits";

describe("rate limit bindings in wrangler.toml", () => {
  it("both limiters exist in development and production, with the period the Worker sends as Retry-After", async () => {
    const toml = await readFile(join(import.meta.dirname, "../../../wrangler.toml"), "utf8");
    const [dev, prod] = toml.split(/^\[env\.production\]$/m) as [string, string];
    for (const [where, text] of [["development", dev], ["production", prod]] as const) {
      for (const name of ["AUTH_FAILURE_LIMITER", "KEY_RATE_LIMITER"]) {
        const line = new RegExp(`name = "${name}"[\\s\\S]*?period = (\\d+)`).exec(text);
        expect(line, `${name} in ${where}`).not.toBeNull();
        expect(Number(line?.[1]), `${name}'s period in ${where}`).toBe(RATE_LIMIT_PERIOD_SECONDS);
      }
    }
  });
});
