import { describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  GatehouseError,
  InsufficientFundsError,
  InternalServerError,
  NotFoundError,
  PaymentRequiredError,
  RateLimitError,
  UnprocessableEntityError,
} from "../../../generated/client/index";
import { sendJson, useScriptedClient } from "./scripted-server";

// The generated client's request core against a local server: retries (Retry-After honoured,
// backoff, which statuses), timeouts, abort, connection failures, typed errors, withResponse().

const clientFor = useScriptedClient();

const key = { id: "key_1", prefix: "qlk_test_AAAA", name: "alice", scope: "standard", end_user_id: null, max_spend_usd: null, created_at: 1, last_used_at: null };
const envelope = (type: string, message: string) => ({ error: { type, message } });

describe("retries", () => {
  it("a 429 with Retry-After (seconds) is retried after that long, then succeeds", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      if (seen.length === 1) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
        res.end(JSON.stringify(envelope("rate_limit_error", "slow down")));
      } else sendJson(res, { object: "list", data: [key] });
    });
    const page = await client.keys.list();
    expect(page.data[0]?.id).toBe("key_1");
    expect(seen).toHaveLength(2);
    const gap = seen[1]!.at - seen[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3000);
    expect(seen[1]!.headers["x-gatehouse-retry-count"]).toBe("1");
  });

  it("retry-after-ms wins over backoff; a POST is retried with the same body", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      if (seen.length < 3) {
        res.writeHead(503, { "content-type": "application/json", "retry-after-ms": "50" });
        res.end(JSON.stringify(envelope("overloaded_error", "busy")));
      } else sendJson(res, { ...key, secret: "qlk_test_secret" }, 201);
    });
    const t0 = Date.now();
    const created = await client.keys.create({ name: "alice" });
    expect(created.secret).toBe("qlk_test_secret");
    expect(Date.now() - t0).toBeLessThan(1000); // 2 × 50 ms, not 0.5 s + 1 s of backoff
    expect(seen.map((r) => r.body)).toEqual([{ name: "alice" }, { name: "alice" }, { name: "alice" }]);
  });

  it("a Retry-After longer than 60 s is not waited for: backoff instead", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      if (seen.length === 1) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "3600" });
        res.end(JSON.stringify(envelope("rate_limit_error", "an hour")));
      } else sendJson(res, { object: "list", data: [] });
    });
    const t0 = Date.now();
    await client.keys.list();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(seen).toHaveLength(2);
  });

  it("500s exhaust maxRetries (default 2: three attempts) and throw InternalServerError", async () => {
    const { client, seen } = await clientFor((_req, res) => sendJson(res, envelope("api_error", "boom"), 500));
    const err = await client.keys.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toBeInstanceOf(GatehouseError);
    expect(err).toMatchObject({ status: 500, type: "api_error" });
    expect(seen).toHaveLength(3);
    // backoff: ~0.5 s then ~1 s (less up to 25 % jitter)
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(350);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(700);
  });

  it("maxRetries per request and per client; 400/401/404/422 are never retried", async () => {
    const { client, seen } = await clientFor((_req, res) => sendJson(res, envelope("api_error", "boom"), 502), { maxRetries: 0 });
    await expect(client.keys.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(1);
    await expect(client.keys.list({ maxRetries: 1 })).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(3);

    const statuses = [401, 404, 422];
    const { client: c2, seen: seen2 } = await clientFor((_req, res) => sendJson(res, envelope("x_error", "no"), statuses[seen2.length - 1]!));
    await expect(c2.keys.list()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(c2.keys.list()).rejects.toBeInstanceOf(NotFoundError);
    await expect(c2.keys.list()).rejects.toBeInstanceOf(UnprocessableEntityError);
    expect(seen2).toHaveLength(3);
  });

  it("x-should-retry: false stops a retry the status would allow", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "x-should-retry": "false" });
      res.end(JSON.stringify(envelope("rate_limit_error", "no more today")));
    });
    await expect(client.keys.list()).rejects.toBeInstanceOf(RateLimitError);
    expect(seen).toHaveLength(1);
  });
});

describe("typed errors", () => {
  it("402 is InsufficientFundsError (also PaymentRequiredError, a GatehouseError) with the envelope's fields", async () => {
    const { client } = await clientFor((_req, res) => {
      res.writeHead(402, { "content-type": "application/json", "x-qlaud-request-id": "req_402" });
      res.end(JSON.stringify({ type: "error", error: { type: "insufficient_funds", message: "wallet empty" } }));
    });
    const err = await client.messages.create({ model: "mock/echo", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientFundsError);
    expect(err).toBeInstanceOf(PaymentRequiredError);
    expect(err).toBeInstanceOf(GatehouseError);
    expect(err).toMatchObject({ status: 402, type: "insufficient_funds", requestId: "req_402", message: "402 insufficient_funds: wallet empty" });
  });
});

describe("timeouts, abort and connection failures", () => {
  it("an answer slower than `timeout` is abandoned, retried, then APIConnectionTimeoutError", async () => {
    const { client, seen } = await clientFor(() => {
      // never answers
    }, { timeout: 150, maxRetries: 1 });
    const t0 = Date.now();
    const err = await client.keys.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(seen).toHaveLength(2);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it("a per-request timeout overrides the client's", async () => {
    const { client } = await clientFor(() => {}, { maxRetries: 0 });
    await expect(client.keys.list({ timeout: 100 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("aborting the signal ends the request at once with APIUserAbortError, without retrying", async () => {
    const { client, seen } = await clientFor(() => {});
    const ac = new AbortController();
    const pending = client.keys.list({ signal: ac.signal });
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    const t0 = Date.now();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(seen).toHaveLength(1);
  });

  it("an abort during the wait between retries ends it too", async () => {
    const { client, seen } = await clientFor((_req, res) => sendJson(res, envelope("api_error", "boom"), 500));
    const ac = new AbortController();
    const pending = client.keys.list({ signal: ac.signal });
    setTimeout(() => ac.abort(), 150);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(seen).toHaveLength(1);
  });

  it("a connection that drops before answering is an APIConnectionError, retried first", async () => {
    const { client, seen } = await clientFor((_req, res) => {
      res.socket?.destroy();
    }, { maxRetries: 1 });
    const err = await client.keys.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(seen).toHaveLength(2);
  });
});

describe("withResponse() and asResponse()", () => {
  it("a 204 answers undefined, its Response kept", async () => {
    const { client } = await clientFor((_req, res) => {
      res.writeHead(204, { "x-qlaud-request-id": "req_204" });
      res.end();
    });
    const { data, response, requestId } = await client.keys.revoke("key_1").withResponse();
    expect(data).toBeUndefined();
    expect([response.status, requestId]).toEqual([204, "req_204"]);
  });

  it("give the data with the Response's headers (cost, request id)", async () => {
    const { client } = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-qlaud-cost-micros": "1234", "x-qlaud-request-id": "req_abc" });
      res.end(JSON.stringify({ id: "msg_1", type: "message", role: "assistant", model: "mock/echo", content: [], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }));
    });
    const body = { model: "mock/echo", max_tokens: 8, messages: [{ role: "user" as const, content: "hi" }] };
    const { data, response, requestId } = await client.messages.create(body).withResponse();
    expect(data.id).toBe("msg_1");
    expect(response.headers.get("x-qlaud-cost-micros")).toBe("1234");
    expect(requestId).toBe("req_abc");
    const raw = await client.createMessage({ body }).asResponse();
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { id: string }).id).toBe("msg_1");
  });
});
