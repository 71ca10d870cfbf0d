// Timeouts, and retries: 429 always, 5xx only for idempotent methods, Retry-After honoured
// (seconds or HTTP date), attempts and total waiting bounded.
import { beforeEach, describe, expect, it } from "vitest";
import { executeTool, type ExecuteOptions } from "../../../runtime/tools/execute";
import { parseRetryAfter } from "../../../runtime/tools/retry";
import type { BuiltRequest } from "../../../runtime/tools/types";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();

const waits: number[] = [];
beforeEach(() => void (waits.length = 0));
/** Records each wait and sleeps 1 ms, so backoff tests stay fast and say what they waited. */
const fakeSleep = async (ms: number) => {
  waits.push(ms);
  await new Promise((r) => setTimeout(r, 1));
};
const run = (req: Omit<BuiltRequest, "url"> & { path: string }, extra: Partial<ExecuteOptions> = {}) =>
  executeTool(
    { ...req, url: `${vendor.url}${req.path}` },
    { baseUrl: vendor.url, auth: { mode: "bearer", field: "t" }, credential: { t: "tok-secret-1" }, connectionId: "c", sleep: fakeSleep, ...extra },
  );

describe("timeout", () => {
  it("a vendor slower than the timeout gives a retryable timeout error, in about the timeout", async () => {
    vendor.script("/slow", { delayMs: 2000, body: { late: true } });
    const started = Date.now();
    const out = await run({ method: "GET", path: "/slow" }, { timeoutMs: 150 });
    expect(out).toMatchObject({ ok: false, kind: "timeout", status: 504, retryable: true });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("the caller's own signal cancels the call", async () => {
    vendor.script("/slow", { delayMs: 2000 });
    const out = await run({ method: "GET", path: "/slow" }, { signal: AbortSignal.timeout(100) });
    expect(out).toMatchObject({ ok: false });
    expect(vendor.requests).toHaveLength(1);
  });
});

describe("retries", () => {
  it("429 with Retry-After in seconds: waits that long (real clock) and retries", async () => {
    vendor.script("/r", { status: 429, headers: { "retry-after": "1" }, body: { message: "slow down" } }, { body: { done: 1 } });
    const out = await run({ method: "POST", path: "/r", body: "{}" }, { sleep: undefined });
    expect(out).toMatchObject({ ok: true, content: '{"done":1}' });
    const [a, b] = vendor.requests;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
  });

  it("429 with Retry-After as an HTTP date waits until then", async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    vendor.script("/r", { status: 429, headers: { "retry-after": at } }, { body: "ok" });
    const out = await run({ method: "GET", path: "/r" });
    expect(out).toMatchObject({ ok: true, content: "ok" });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1000);
    expect(waits[0]).toBeLessThanOrEqual(3000);
  });

  it("5xx is retried for GET, PUT, DELETE", async () => {
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      vendor.reset();
      vendor.script("/x", { status: 503, body: { message: "down" } }, { body: { ok: method } });
      expect(await run({ method, path: "/x" })).toMatchObject({ ok: true });
      expect(vendor.requests).toHaveLength(2);
    }
  });

  it("5xx is not retried for POST (it may have acted), and says so", async () => {
    vendor.script("/x", { status: 502, body: { error: { message: "bad gateway upstream" } } }, { body: {} });
    const out = await run({ method: "POST", path: "/x", body: "{}" });
    expect(out).toEqual({ ok: false, kind: "vendor", status: 502, message: "bad gateway upstream", retryable: false });
    expect(vendor.requests).toHaveLength(1);
  });

  it("attempts are bounded; the last error is returned as retryable", async () => {
    vendor.script("/x", { status: 500, body: { message: "always failing" } });
    const out = await run({ method: "GET", path: "/x" }, { maxAttempts: 4, backoffBaseMs: 10 });
    expect(out).toMatchObject({ ok: false, status: 500, message: "always failing", retryable: true });
    expect(vendor.requests).toHaveLength(4);
    expect(waits).toEqual([10, 20, 40]);
  });

  it("a Retry-After beyond the total wait budget ends the call at once", async () => {
    vendor.script("/x", { status: 429, headers: { "retry-after": "120" }, body: { message: "quota exhausted" } });
    const out = await run({ method: "GET", path: "/x" }, { maxTotalWaitMs: 10_000 });
    expect(out).toMatchObject({ ok: false, status: 429, message: "quota exhausted", retryable: true });
    expect(vendor.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("4xx other than 429 is never retried", async () => {
    vendor.script("/x", { status: 404, body: { message: "Not Found" } });
    expect(await run({ method: "GET", path: "/x" })).toMatchObject({ ok: false, status: 404, message: "Not Found", retryable: false });
    expect(vendor.requests).toHaveLength(1);
  });

  it("parses Retry-After forms", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
