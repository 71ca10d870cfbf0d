// The request log (issue 20): one row per gateway request, written off the response path, read
// by GET /v1/requests (master key, the caller's tenant only, filters, cursor pages); and the one
// structured log line every request prints, without content or secrets.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { endUserPseudonym } from "../../runtime/db/erased-end-users";
import { insertRequestLogStatement, requestLogPage, type RequestLogRow } from "../../runtime/db/request-log";
import { runDailyJob } from "../../runtime/threads/daily-job";
import { chat, mintKey, usageRow } from "./support/money";
import { call, seedTenant } from "./support/seed";
import { newThread, sseEvents, turn } from "./support/thread-turns";

type Entry = Record<string, unknown> & { id: string; status: number; cost_micros: number };
type Page = { object: string; data: Entry[]; has_more: boolean; next_after: string | null };

/** Waits until the request's row is readable through the API (rows land in the request's waitUntil, after its response). */
async function logged(masterKey: string, requestId: string, timeoutMs = 5_000): Promise<Entry> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const page = await (await call("GET", "/v1/requests?limit=200", masterKey)).json<Page>();
    const found = page.data.find((e) => e.id === requestId);
    if (found) return found;
    if (Date.now() > until) throw new Error(`request ${requestId} not in the request log within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A row written straight to D1, as the recorder writes it. */
function row(tenantId: string, fields: Partial<RequestLogRow>): RequestLogRow {
  return {
    request_id: `req_${crypto.randomUUID().replaceAll("-", "")}`,
    tenant_id: tenantId,
    key_id: "key_a",
    end_user_id: null,
    operation: "createChatCompletion",
    model: "mock/echo",
    provider: "mock",
    status: 200,
    streamed: 0,
    outcome: "ok",
    latency_ms: 5,
    duration_ms: 5,
    cost_micros: 10,
    overshoot_micros: 0,
    created_at: Date.now(),
    ...fields,
  };
}

afterEach(() => vi.restoreAllMocks());

describe("the request log", () => {
  it("keeps a row for every one of 210 concurrent requests (no batch shared across requests, which Workers forbid)", async () => {
    const t = await seedTenant({ creditMicros: 50_000_000 });
    const k = await mintKey(t.masterKey, {});
    const errors = vi.spyOn(console, "error");
    const answers = await Promise.all(Array.from({ length: 210 }, (_, i) => chat(k.secret, { text: `request ${i}` })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM request_log WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>())!.n;
    for (const until = Date.now() + 10_000; (await count()) < 210 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(210);
    const ids = new Set((await env.DB.prepare("SELECT request_id FROM request_log WHERE tenant_id = ?").bind(t.tenantId).all<{ request_id: string }>()).results.map((r) => r.request_id));
    expect(answers.filter((a) => !ids.has(a.requestId))).toEqual([]);
    expect(errors.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("gatehouse.request_log"))).toEqual([]);
  });

  it("records a gateway request: key, end user, model, provider, status, cost equal to the wallet's usage row", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { end_user_id: "user_7" });
    const res = await chat(k.secret, { text: "what is the capital of peru" });
    expect(res.status).toBe(200);
    const entry = await logged(t.masterKey, res.requestId);
    const usage = await usageRow(t.tenantId, res.requestId);
    expect(entry).toMatchObject({
      object: "request",
      operation: "createChatCompletion",
      key_id: k.id,
      end_user_id: "user_7",
      model: "mock/echo",
      provider: "mock",
      status: 200,
      streamed: false,
      outcome: "ok",
      overshoot_micros: 0,
    });
    expect(entry.cost_micros).toBeGreaterThan(0);
    expect(entry.cost_micros).toBe(usage.cost_micros);
    expect(entry.latency_ms).toEqual(expect.any(Number));
    expect(entry.duration_ms as number).toBeGreaterThanOrEqual(entry.latency_ms as number);
    // Nothing of the prompt is kept anywhere in the row.
    const stored = await env.DB.prepare("SELECT * FROM request_log WHERE request_id = ?").bind(res.requestId).first();
    expect(JSON.stringify(stored)).not.toContain("peru");
    expect(JSON.stringify(stored)).not.toContain(k.secret);
  });

  it("a stream's row is written when it ends, with the stream's settled cost", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const res = await call("POST", "/v1/messages", t.masterKey, { model: "mock/echo", max_tokens: 40, stream: true, messages: [{ role: "user", content: "stream me" }] });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-qlaud-request-id") ?? "";
    expect(await res.text()).toContain("message_stop");
    const entry = await logged(t.masterKey, requestId);
    const usage = await usageRow(t.tenantId, requestId);
    expect(entry).toMatchObject({ operation: "createMessage", streamed: true, status: 200, provider: "mock", outcome: "ok" });
    expect(entry.cost_micros).toBe(usage.cost_micros);
    expect(entry.cost_micros).toBeGreaterThan(0);
  });

  it("refused requests are logged too: a 402 with nothing charged, an unknown model's 404", async () => {
    const t = await seedTenant(); // no credit
    const broke = await chat(t.masterKey);
    expect(broke.status).toBe(402);
    expect(await logged(t.masterKey, broke.requestId)).toMatchObject({ status: 402, cost_micros: 0, outcome: null, model: "mock/echo" });
    const unknown = await call("POST", "/v1/chat/completions", t.masterKey, { model: "nope/never", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    expect(unknown.status).toBe(404);
    expect(await logged(t.masterKey, unknown.headers.get("x-qlaud-request-id") ?? "")).toMatchObject({ status: 404, cost_micros: 0, model: "nope/never", provider: null });
  });

  it("only gateway routes get a row: reading the wallet or the log itself does not", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const wallet = await call("GET", "/v1/wallet", t.masterKey);
    const res = await chat(t.masterKey);
    await logged(t.masterKey, res.requestId);
    const ids = (await (await call("GET", "/v1/requests", t.masterKey)).json<Page>()).data.map((e) => e.id);
    expect(ids).toEqual([res.requestId]);
    expect(ids).not.toContain(wallet.headers.get("x-qlaud-request-id"));
  });
});

describe("thread turns in the request log", () => {
  it("a turn of two rounds is one row whose cost is the turn's cost_micros", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const res = await turn(t.masterKey, thread, { model: "mock/tools", content: "no tool needed" });
    expect(res.status).toBe(200);
    const body = await res.json<{ iterations: number; cost_micros: number }>();
    expect(body.iterations).toBe(2);
    const entry = await logged(t.masterKey, res.headers.get("x-qlaud-request-id") ?? "");
    expect(entry).toMatchObject({ operation: "createThreadMessage", model: "mock/tools", provider: "mock", status: 200, streamed: false, outcome: "ok" });
    expect(entry.cost_micros).toBe(body.cost_micros);
    expect(entry.cost_micros).toBeGreaterThan(0);
  });

  it("a streamed turn's row is written after its last round, with the cost qlaud.done reported", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const res = await turn(t.masterKey, thread, { model: "mock/tools", content: "no tool needed", stream: true });
    expect(res.status).toBe(200);
    const done = sseEvents(await res.text()).at(-1);
    expect(done?.event).toBe("qlaud.done");
    const reported = JSON.parse(done?.data ?? "{}") as { cost_micros: number; iterations: number };
    expect(reported.iterations).toBe(2);
    const entry = await logged(t.masterKey, res.headers.get("x-qlaud-request-id") ?? "");
    expect(entry).toMatchObject({ operation: "createThreadMessage", streamed: true, status: 200 });
    expect(entry.cost_micros).toBe(reported.cost_micros);
  });
});

describe("GET /v1/requests", () => {
  it("takes a master key and shows the caller's tenant only", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await env.DB.batch([insertRequestLogStatement(env.DB, a.tenantId, [row(a.tenantId, { request_id: "req_of_a" })])]);
    const k = await mintKey(b.masterKey, { end_user_id: "u" });
    expect((await call("GET", "/v1/requests", k.secret)).status).toBe(403);
    expect((await call("GET", "/v1/requests", null)).status).toBe(401);
    const pageB = await (await call("GET", "/v1/requests", b.masterKey)).json<Page>();
    expect(pageB.data).toEqual([]);
    const pageA = await (await call("GET", "/v1/requests", a.masterKey)).json<Page>();
    expect(pageA.data.map((e) => e.id)).toEqual(["req_of_a"]);
    // The data layer refuses to write a row as another tenant's.
    expect(() => insertRequestLogStatement(env.DB, b.tenantId, [row(a.tenantId, {})])).toThrow(/cannot be written/);
    expect((await requestLogPage(env.DB, b.tenantId, { limit: 10 })).rows).toEqual([]);
  });

  it("filters by key, end user, status and time window, and pages newest first with next_after", async () => {
    const t = await seedTenant();
    const base = Date.UTC(2026, 10, 1);
    const rows = [
      row(t.tenantId, { request_id: "r1", key_id: "key_a", end_user_id: "ann", status: 200, created_at: base }),
      row(t.tenantId, { request_id: "r2", key_id: "key_b", end_user_id: "bob", status: 402, created_at: base + 1000 }),
      row(t.tenantId, { request_id: "r3", key_id: "key_a", end_user_id: "ann", status: 200, created_at: base + 2000 }),
      row(t.tenantId, { request_id: "r4", key_id: "key_b", end_user_id: "bob", status: 200, created_at: base + 2000 }),
      row(t.tenantId, { request_id: "r5", key_id: "key_a", end_user_id: "ann", status: 502, created_at: base + 3000 }),
    ];
    await env.DB.batch([insertRequestLogStatement(env.DB, t.tenantId, rows)]);
    const ids = async (q: string) => {
      const res = await call("GET", `/v1/requests?${q}`, t.masterKey);
      expect(res.status).toBe(200);
      return (await res.json<Page>()).data.map((e) => e.id);
    };
    expect(await ids("")).toEqual(["r5", "r4", "r3", "r2", "r1"]);
    expect(await ids("key_id=key_a")).toEqual(["r5", "r3", "r1"]);
    expect(await ids("end_user_id=bob")).toEqual(["r4", "r2"]);
    expect(await ids("status=200")).toEqual(["r4", "r3", "r1"]);
    expect(await ids(`since=${base + 1000}&until=${base + 3000}`)).toEqual(["r4", "r3", "r2"]);

    // Pages of two: every row once, in order, across a created_at tie (r3, r4).
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Page = await (await call("GET", `/v1/requests?limit=2${after ? `&after=${after}` : ""}`, t.masterKey)).json<Page>();
      seen.push(...page.data.map((e) => e.id));
      after = page.has_more ? page.next_after : null;
      if (!page.has_more) expect(page.next_after).toBeNull();
    } while (after);
    expect(seen).toEqual(["r5", "r4", "r3", "r2", "r1"]);
  });

  it("refuses what it cannot read, naming the parameter", async () => {
    const t = await seedTenant();
    const bad = async (q: string, param: string) => {
      const res = await call("GET", `/v1/requests?${q}`, t.masterKey);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { param } });
    };
    await bad("after=not*a*cursor", "query.after");
    await bad("since=20&until=10", "query.since");
    await bad("status=99", "query.status");
    await bad("limit=0", "query.limit");
  });
});

describe("the structured log line", () => {
  const lines = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls
      .map((c) => c[0])
      .filter((l): l is string => typeof l === "string" && l.includes('"type":"gatehouse.request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("exactly one JSON line per request, with its fields and never the prompt or the key", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { end_user_id: "carol" });
    const spy = vi.spyOn(console, "log");
    const res = await chat(k.secret, { text: "my secret plan is tangerine" });
    await logged(t.masterKey, res.requestId);
    const mine = lines(spy).filter((l) => l.request_id === res.requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual({
      type: "gatehouse.request",
      request_id: res.requestId,
      tenant_id: t.tenantId,
      key_id: k.id,
      operation: "createChatCompletion",
      method: "POST",
      route: "/v1/chat/completions",
      status: 200,
      model: "mock/echo",
      provider: "mock",
      streamed: false,
      outcome: "ok",
      latency_ms: expect.any(Number),
      duration_ms: expect.any(Number),
      cost_micros: expect.any(Number),
      overshoot_micros: 0,
    });
    expect((mine[0] as { cost_micros: number }).cost_micros).toBeGreaterThan(0);
    const printed = spy.mock.calls.flat().map(String).join("\n");
    expect(printed).not.toContain("tangerine");
    expect(printed).not.toContain(k.secret);
    expect(printed).not.toContain("carol");
  });

  it("every other request prints one line too: an unauthenticated one, an unknown path (never the raw path)", async () => {
    const spy = vi.spyOn(console, "log");
    const denied = await call("GET", "/v1/wallet", "qlk_test_wrong_secret_value");
    expect(denied.status).toBe(401);
    const lost = await call("GET", "/v1/no-such-thing/secret-token-123", null);
    expect(lost.status).toBe(404);
    const until = Date.now() + 3_000;
    const ids = [denied, lost].map((r) => r.headers.get("x-qlaud-request-id"));
    while (ids.some((id) => !lines(spy).some((l) => l.request_id === id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const [a, b] = ids.map((id) => lines(spy).filter((l) => l.request_id === id));
    expect(a).toHaveLength(1);
    expect(a?.[0]).toMatchObject({ status: 401, operation: "getWallet", route: "/v1/wallet", tenant_id: null, key_id: null, cost_micros: 0 });
    expect(b).toHaveLength(1);
    expect(b?.[0]).toMatchObject({ status: 404, operation: null, route: null });
    expect(spy.mock.calls.flat().map(String).join("\n")).not.toContain("secret-token-123");
    expect(spy.mock.calls.flat().map(String).join("\n")).not.toContain("qlk_test_wrong_secret_value");
  });
});

describe("retention and erase", () => {
  it("the daily job deletes rows older than 30 days and keeps the rest", async () => {
    const t = await seedTenant();
    const now = Date.UTC(2026, 11, 7, 3, 17);
    const day = 86_400_000;
    await env.DB.batch([
      insertRequestLogStatement(env.DB, t.tenantId, [
        row(t.tenantId, { request_id: "old", created_at: now - 30 * day - 1 }),
        row(t.tenantId, { request_id: "edge", created_at: now - 30 * day }),
        row(t.tenantId, { request_id: "new", created_at: now - day }),
      ]),
    ]);
    const report = await runDailyJob(env, now, { batch: 1, maxBatches: 100 });
    expect(report.expired_request_log).toBeGreaterThanOrEqual(1);
    const left = (await requestLogPage(env.DB, t.tenantId, { limit: 10 })).rows.map((r) => r.request_id);
    expect(left).toEqual(["new", "edge"]);
  });

  it("erasing an end user leaves their pseudonym in the log, also in a row written after the erase", async () => {
    const t = await seedTenant();
    await env.DB.batch([insertRequestLogStatement(env.DB, t.tenantId, [row(t.tenantId, { request_id: "before", end_user_id: "dora" })])]);
    expect((await call("DELETE", "/v1/end-users/dora", t.masterKey)).status).toBe(200);
    const pseudonym = await endUserPseudonym(t.tenantId, "dora");
    // A request that was in flight during the erase, written after it, as the recorder writes it.
    await env.DB.batch([
      insertRequestLogStatement(env.DB, t.tenantId, [{ ...row(t.tenantId, { request_id: "after", end_user_id: "dora" }), end_user_pseudonym: pseudonym }]),
    ]);
    const rows = (await requestLogPage(env.DB, t.tenantId, { limit: 10 })).rows;
    expect(rows.map((r) => [r.request_id, r.end_user_id]).sort()).toEqual([
      ["after", pseudonym],
      ["before", pseudonym],
    ]);
  });
});

describe("off the response path", () => {
  it("a request log that cannot be written costs the request nothing: 200, its log line, and the failure logged", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const error = vi.spyOn(console, "error");
    await env.DB.exec("ALTER TABLE request_log RENAME TO request_log_away");
    try {
      const res = await chat(t.masterKey);
      expect(res.status).toBe(200);
      const until = Date.now() + 5_000;
      const failed = () => error.mock.calls.some((c) => String(c[0]).includes("could not write") && String(c[0]).includes("request log"));
      while (!failed() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(failed()).toBe(true);
    } finally {
      await env.DB.exec("ALTER TABLE request_log_away RENAME TO request_log");
    }
    // And the next request is logged as usual.
    const next = await chat(t.masterKey);
    expect((await logged(t.masterKey, next.requestId)).status).toBe(200);
  });
});
