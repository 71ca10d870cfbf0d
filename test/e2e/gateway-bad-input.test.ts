// Bad input from either side. From the caller: unknown models, invalid bodies and requests
// the other wire shape cannot express are a 4xx in the caller's shape that names what to
// fix, with nothing sent upstream and nothing charged. From the upstream: error statuses
// keep their status in the caller's shape; garbage bodies become a clean 502 or error event.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { parseSse, post, useGateway, waitFor, walletBalance } from "../support/gateway-harness";
import { loadRecording, recordingsAvailable } from "../support/upstream-server";
import type { WireFormat } from "../../runtime/translate";

const gw = useGateway();

const ask = [{ role: "user", content: "hi" }];
const PATH: Record<WireFormat, string> = { anthropic: "/v1/messages", openai: "/v1/chat/completions", responses: "/v1/responses" };

/** The error object in the caller's shape, checked for that shape; returns message and param. */
async function errorOf(res: Response, surface: WireFormat): Promise<{ message: string; type: string; param?: string | null }> {
  const body = (await res.json()) as Record<string, unknown>;
  if (surface === "anthropic") {
    expect(body).toEqual({ type: "error", error: { type: expect.any(String), message: expect.any(String) } });
    return body.error as { message: string; type: string };
  }
  expect(body).toEqual({ error: { message: expect.any(String), type: expect.any(String), code: expect.anything(), param: expect.toSatisfy((p) => p === null || typeof p === "string") } });
  return body.error as { message: string; type: string; param: string | null };
}

/** Asserts the wallet holds nothing for in-flight requests and its balance is `before`. */
async function expectNothingCharged(before: number) {
  const after = await waitFor(async () => {
    const b = await walletBalance(gw.worker);
    return b.reserved_micros === 0 && b;
  }, "every reservation to be released");
  expect(after.balance_micros).toBe(before);
}

describe("unknown models", () => {
  it.each<WireFormat>(["anthropic", "openai"])("%s surface: 404 in the caller's shape, saying how to list models", async (surface) => {
    const res = await post(gw.worker, PATH[surface], { model: "acme/no-such-model", max_tokens: 10, messages: ask });
    expect(res.status).toBe(404);
    const err = await errorOf(res, surface);
    expect(err.message).toContain("acme/no-such-model");
    expect(err.message).toContain("GET /v1/models");
    if (surface === "anthropic") expect(err.type).toBe("not_found_error");
    else expect(err.param).toBe("model");
    expect(gw.up.calls).toHaveLength(0);
  });

  it("the SDKs raise their typed not-found errors", async () => {
    await expect(gw.openai.chat.completions.create({ model: "gpt-nope", messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(gw.anthropic.messages.create({ model: "claude-nope", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe("invalid bodies → 400 naming the field", () => {
  const cases: [string, unknown, RegExp, string][] = [
    ["missing messages", { model: "mock/echo", max_tokens: 10 }, /body\.messages is required/, "body.messages"],
    ["max_tokens of the wrong type", { model: "mock/echo", max_tokens: "10", messages: ask }, /body\.max_tokens must be an integer/, "body.max_tokens"],
    ["messages that is not a list", { model: "mock/echo", max_tokens: 10, messages: "hi" }, /body\.messages must be an array/, "body.messages"],
    ["malformed JSON", '{"model": "mock/echo", "messages": [', /not valid JSON/, "body"],
  ];
  for (const surface of ["anthropic", "openai"] as const) {
    it.each(cases)(`${surface} surface: %s`, async (_name, body, message, param) => {
      const { balance_micros } = await walletBalance(gw.worker);
      const res = await post(gw.worker, PATH[surface], body);
      expect(res.status).toBe(400);
      const err = await errorOf(res, surface);
      expect(err.type).toBe("invalid_request_error");
      expect(err.message).toMatch(message);
      if (surface === "openai") expect(err.param).toBe(param);
      expect(res.headers.get("x-qlaud-request-id")).toMatch(/^req_/);
      expect(gw.up.calls).toHaveLength(0);
      await expectNothingCharged(balance_micros);
    });
  }
});

describe("requests the provider's wire shape cannot express → 400 before any upstream call", () => {
  const cases: [string, WireFormat, Record<string, unknown>, RegExp][] = [
    ["n: 2 for an Anthropic model", "openai", { model: "anthropic/claude-sonnet-4-5", n: 2, messages: ask }, /^n 2 has no Anthropic Messages equivalent/],
    ["temperature 1.5 for an Anthropic model", "openai", { model: "anthropic/claude-sonnet-4-5", temperature: 1.5, messages: ask }, /temperature must be between 0 and 1/],
    [
      "an Anthropic server tool for an OpenAI model",
      "anthropic",
      { model: "openai/gpt-4o-mini", max_tokens: 10, messages: ask, tools: [{ type: "web_search_20250305", name: "web_search" }] },
      /tools\[0\]\.type .* no Chat Completions equivalent/,
    ],
    [
      "an Anthropic server tool for the mock (which speaks OpenAI)",
      "anthropic",
      { model: "mock/echo", max_tokens: 10, messages: ask, tools: [{ type: "web_search_20250305", name: "web_search" }] },
      /tools\[0\]\.type .* no Chat Completions equivalent/,
    ],
  ];
  it.each(cases)("%s", async (_name, surface, body, message) => {
    const { balance_micros } = await walletBalance(gw.worker);
    const res = await post(gw.worker, PATH[surface], body);
    expect(res.status).toBe(400);
    const err = await errorOf(res, surface);
    expect(err.type).toBe("invalid_request_error");
    expect(err.message).toMatch(message);
    expect(gw.up.calls).toHaveLength(0);
    await expectNothingCharged(balance_micros);
  });
});

describe.skipIf(!recordingsAvailable())("upstream error statuses keep their status, in the caller's shape", () => {
  // The operator's provider key was refused: the caller cannot fix that, and the provider's
  // text may quote the key — a 502 in the caller's shape, the details in the logs only.
  it.each<WireFormat>(["openai", "anthropic"])("401 (recorded OpenAI body, the operator's key refused) → 502 'upstream authentication failed' on the %s surface, the provider's text withheld", async (surface) => {
    const recorded = loadRecording("openai/error-401-invalid-api-key.json");
    gw.up.enqueue({ path: "/openai/", status: 401, text: recorded });
    const { balance_micros } = await walletBalance(gw.worker);
    const res = await post(gw.worker, PATH[surface], { model: "openai/gpt-4o-mini", max_tokens: 5, messages: ask });
    expect(res.status).toBe(502);
    const err = await errorOf(res, surface);
    expect(err.message).toMatch(/upstream authentication failed/);
    expect(err.message).not.toMatch(/Incorrect API key|sk-/);
    expect(gw.up.calls).toHaveLength(1); // no retry of a refused key
    await expectNothingCharged(balance_micros);
  });

  it.each<WireFormat>(["openai", "anthropic"])("429 insufficient_quota (recorded) → 429 on the %s surface", async (surface) => {
    gw.up.enqueue({ path: "/openai/", status: 429, text: loadRecording("openai/error-429-insufficient-quota.json") });
    const res = await post(gw.worker, PATH[surface], { model: "openai/gpt-4o-mini", max_tokens: 5, messages: ask });
    expect(res.status).toBe(429);
    const err = await errorOf(res, surface);
    expect(err.message).toMatch(/exceeded your current quota/);
    expect(err.type).toBe(surface === "anthropic" ? "rate_limit_error" : "rate_limit_exceeded");
  });
});

describe("upstream garbage → a clean error", () => {
  it.each<[string, WireFormat, string]>([
    ["pass-through", "openai", "openai/gpt-4o-mini"],
    ["translated", "anthropic", "openai/gpt-4o-mini"],
    ["pass-through", "anthropic", "anthropic/claude-sonnet-4-5"],
  ])("a non-JSON 200 (%s, %s surface) → 502", async (_kind, surface, model) => {
    gw.up.enqueue({ text: "<html><body>502 Bad Gateway</body></html>" });
    const res = await post(gw.worker, PATH[surface], { model, max_tokens: 5, messages: ask });
    expect(res.status).toBe(502);
    // OpenAI names a 5xx "server_error" (the one error-type table, translate/error-types.ts).
    expect((await errorOf(res, surface)).type).toBe(surface === "openai" ? "server_error" : "api_error");
  });

  it("a JSON 200 that is not a completion, translated → 502, not a 500", async () => {
    gw.up.enqueue({ path: "/openai/", json: { object: "chat.completion", choices: [] } });
    const res = await post(gw.worker, PATH.anthropic, { model: "openai/gpt-4o-mini", max_tokens: 5, messages: ask });
    expect(res.status).toBe(502);
    const err = await errorOf(res, "anthropic");
    expect(err.type).toBe("api_error");
    expect(err.message).toMatch(/choices/);
  });

  it.each<[string, WireFormat, string, string]>([
    ["pass-through", "openai", "openai/gpt-4o-mini", "text: junk\n\nnot an event\n\n"],
    ["translated", "anthropic", "openai/gpt-4o-mini", "text: junk\n\nnot an event\n\n"],
    ["translated, broken JSON", "anthropic", "openai/gpt-4o-mini", "data: {not json\n\n"],
    ["pass-through, broken JSON", "openai", "openai/gpt-4o-mini", "data: {not json\n\n"],
    ["pass-through, broken JSON", "anthropic", "anthropic/claude-sonnet-4-5", "event: message_start\ndata: {not json\n\n"],
    ["pass-through", "anthropic", "anthropic/claude-sonnet-4-5", "text: junk\n\n"],
    ["translated", "openai", "anthropic/claude-sonnet-4-5", "event: message_start\ndata: [1, 2\n\n"],
  ])("a junk SSE stream (%s, %s surface) → ends with an error event in the caller's shape", async (_kind, surface, model, sse) => {
    gw.up.enqueue({ sse });
    const res = await post(gw.worker, PATH[surface], { model, max_tokens: 5, messages: ask, stream: true });
    expect(res.status).toBe(200);
    const last = parseSse(await res.text()).at(-1);
    if (surface === "anthropic") {
      expect(last?.event).toBe("error");
      expect(JSON.parse(last?.data ?? "")).toMatchObject({ type: "error", error: { type: "api_error", message: expect.any(String) } });
    } else {
      expect(JSON.parse(last?.data ?? "")).toMatchObject({ error: { type: "server_error", message: expect.any(String) } });
    }
    expect(gw.up.calls).toHaveLength(1);
  });
});
