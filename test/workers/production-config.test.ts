import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../runtime/index";
import { seedTenant } from "./support/seed";

// The Worker as deployed with other vars: the same bindings, ENVIRONMENT and numeric vars
// changed. Each call gets a fresh env object, as a new deployment would.
const pending: ExecutionContext[] = [];
// A stream's billing runs in waitUntil until its body is read: wait after each test, not per call.
afterEach(async () => {
  for (const ctx of pending.splice(0)) await waitOnExecutionContext(ctx);
});

async function call(vars: Record<string, string>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  pending.push(ctx);
  const req = new Request(`http://gatehouse.test${path}`, init) as Request<unknown, IncomingRequestCfProperties>;
  return worker.fetch(req, { ...env, ...vars } as Env, ctx);
}

async function chat(vars: Record<string, string>, key: string, model: string, text: string, stream = false): Promise<Response> {
  return call(vars, "/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 32, stream, messages: [{ role: "user", content: text }] }),
  });
}

describe("the mock's fault injection is off in production", () => {
  it("mock/flaky 'status=503' answers like mock/echo in production (and still fails in development)", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const dev = await chat({ ENVIRONMENT: "development" }, t.masterKey, "mock/flaky", "please status=503");
    expect(dev.status).toBe(503);
    await dev.body?.cancel();
    const prod = await chat({ ENVIRONMENT: "production" }, t.masterKey, "mock/flaky", "please status=503");
    expect(prod.status).toBe(200);
    const body = await prod.json<{ choices: { message: { content: string } }[] }>();
    expect(body.choices[0]?.message.content).toBe("please status=503");
  });

  it("mock/flaky with no fault named answers in production instead of 529", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const prod = await chat({ ENVIRONMENT: "production" }, t.masterKey, "mock/flaky", "hello");
    expect(prod.status).toBe(200);
    await prod.body?.cancel();
  });

  it("'slow=' cannot hold a production request open", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const started = Date.now();
    const prod = await chat({ ENVIRONMENT: "production" }, t.masterKey, "mock/echo", "a b c d e f slow=2000", true);
    expect(prod.status).toBe(200);
    expect(await prod.text()).toContain("[DONE]");
    // In development this stream takes 2 s per chunk (≥ 16 s); production ignores it.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("a bad var fails loudly, naming the var and what it must be", () => {
  it.each(["abc", "-5", "0", "1e3", "9999999999"])("UPSTREAM_TIMEOUT_MS=%j", async (value) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const res = await chat({ UPSTREAM_TIMEOUT_MS: value }, t.masterKey, "mock/echo", "hi");
    expect(res.status).toBe(500);
    const body = await res.json<{ error: { message: string } }>();
    expect(body.error.message).toContain("UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000");
    expect(body.error.message).toContain(JSON.stringify(value));
  });

  it("on every route, health included, so a deployment check catches it", async () => {
    const res = await call({ UPSTREAM_TIMEOUT_MS: "sixty" }, "/v1/health");
    expect(res.status).toBe(500);
    expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/UPSTREAM_TIMEOUT_MS/);
  });

  it("ENVIRONMENT=prod is refused rather than run as development", async () => {
    const res = await call({ ENVIRONMENT: "prod" }, "/v1/health");
    expect(res.status).toBe(500);
    expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/ENVIRONMENT must be "development" or "production"/);
  });

  it("good values work as before", async () => {
    expect((await call({ UPSTREAM_TIMEOUT_MS: "30000", ENVIRONMENT: "production" }, "/v1/health")).status).toBe(200);
  });
});
