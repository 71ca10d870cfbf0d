import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { upstreamControl } from "../support/upstream-control";
import { loadRecording, recordingsAvailable, startUpstream, type Upstream } from "../support/upstream-server";
import { sseFromChunks } from "../support/upstream-streams";

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(() => up.close());
beforeEach(() => up.reset());

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(`${up.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: JSON.stringify(body),
    ...init,
  });

/** Test-only SSE reader for the synthetic/recorded streams here: data payloads per event. */
function events(text: string): { event?: string; data: string }[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const name = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
      return name === undefined ? { data } : { event: name, data };
    });
}

/** POST with node:http so each received body piece is visible; resolves on end or on a dropped socket. */
function rawPost(path: string, body: unknown, signal?: AbortSignal) {
  return new Promise<{ status: number; pieces: Buffer[]; error?: Error }>((done) => {
    const pieces: Buffer[] = [];
    let status = 0;
    const req = request(`${up.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, signal }, (res) => {
      status = res.statusCode ?? 0;
      res.on("data", (c: Buffer) => pieces.push(c));
      res.on("end", () => done({ status, pieces }));
      res.on("error", (error) => done({ status, pieces, error }));
    });
    req.on("error", (error) => done({ status, pieces, error }));
    req.end(JSON.stringify(body));
  });
}

describe("default replies", () => {
  it("answers /chat/completions with an OpenAI completion echoing the model, and records the call", async () => {
    const res = await post("/v1/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; model: string; choices: { message: { content: string } }[]; usage: object };
    expect(body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini" });
    expect(body.choices[0]?.message.content).toBe("Hello from the local upstream.");
    expect(body.usage).toMatchObject({ prompt_tokens: 12 });
    expect(up.calls).toHaveLength(1);
    const call = up.calls[0];
    expect(call).toMatchObject({ method: "POST", path: "/v1/chat/completions", body: { model: "gpt-4o-mini" }, clientAborted: false });
    expect(call?.headers.authorization).toBe("Bearer sk-test");
    expect(call?.at).toBeGreaterThan(Date.now() - 10_000);
  });

  it("streams OpenAI chunks when stream is true, with the usage chunk only when include_usage asks", async () => {
    const withUsage = await (await post("/v1/chat/completions", { model: "m", stream: true, stream_options: { include_usage: true } })).text();
    const evs = events(withUsage);
    expect(evs.at(-1)?.data).toBe("[DONE]");
    const chunks = evs.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: object });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello from the local upstream.");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 5 } });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");

    const without = events(await (await post("/v1/chat/completions", { model: "m", stream: true })).text());
    expect(without.some((e) => e.data.includes('"usage"'))).toBe(false);
  });

  it("answers /messages in the Anthropic shape, streaming and not", async () => {
    const msg = (await (await post("/v1/messages", { model: "claude-x", max_tokens: 10, messages: [] })).json()) as Record<string, unknown>;
    expect(msg).toMatchObject({ type: "message", role: "assistant", model: "claude-x", stop_reason: "end_turn" });

    const res = await post("/v1/messages", { model: "claude-x", max_tokens: 10, messages: [], stream: true });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const names = events(await res.text()).map((e) => e.event);
    expect(names[0]).toBe("message_start");
    expect(names.slice(-4)).toEqual(["content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  });

  it("404s a path it does not impersonate, and setDefault/reset swap the fallback", async () => {
    expect((await post("/v1/embeddings", {})).status).toBe(404);
    up.setDefault((call) => ({ status: 201, json: { saw: call.path } }));
    const res = await post("/anything", {});
    expect([res.status, await res.json()]).toEqual([201, { saw: "/anything" }]);
    up.enqueue({ status: 500, json: {} });
    up.reset();
    expect(up.calls).toHaveLength(0);
    expect((await post("/v1/chat/completions", {})).status).toBe(200); // queue dropped, built-in default back
  });
});

describe("scripted scenarios", () => {
  it("serves queued scenarios first in, first out, then falls back to the default", async () => {
    up.enqueue({ status: 503, json: { error: { message: "first" } } }, { status: 429, json: { error: { message: "second" } } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post("/v1/chat/completions", {})).status);
    expect(statuses).toEqual([503, 429, 200]);
  });

  it("routes scenarios by path prefix, the longest matching key first", async () => {
    up.enqueue({ json: { who: "any path" } }, { path: "/v1/messages", json: { who: "messages" } });
    expect(await (await post("/v1/messages", {})).json()).toEqual({ who: "messages" });
    expect(await (await post("/v1/chat/completions", {})).json()).toEqual({ who: "any path" });
  });

  it("sends a recorded body verbatim with its status", async () => {
    const text = recordingsAvailable() ? loadRecording("anthropic/error-529-overloaded.json") : '{"type":"error"}';
    up.enqueue({ status: 529, text, headers: { "x-should-retry": "true" } });
    const res = await post("/v1/messages", {});
    expect([res.status, res.headers.get("x-should-retry"), await res.text()]).toEqual([529, "true", text]);
  });

  it("replays a recorded stream byte for byte", async (ctx) => {
    if (!recordingsAvailable()) ctx.skip();
    const sse = loadRecording("openai/tool-calls-parallel.sse");
    up.enqueue({ sse });
    expect(await (await post("/v1/chat/completions", { stream: true })).text()).toBe(sse);
  });

  it("streams in pieces of splitEvery bytes with chunkDelayMs between them", async () => {
    const sse = sseFromChunks("openai", 3);
    up.enqueue({ sse, splitEvery: Math.ceil(sse.length / 5), chunkDelayMs: 25 });
    const t0 = performance.now();
    const { status, pieces } = await rawPost("/v1/chat/completions", {});
    expect(status).toBe(200);
    expect(Buffer.concat(pieces).toString()).toBe(sse);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(4 * 25 - 5);
  });

  it("cutAfterBytes delivers exactly that many bytes, then drops the connection", async () => {
    up.enqueue({ sse: sseFromChunks("anthropic", 20), cutAfterBytes: 200 });
    const { status, pieces, error } = await rawPost("/v1/messages", {});
    expect(status).toBe(200);
    expect(Buffer.concat(pieces).length).toBe(200);
    expect(error).toBeDefined();
    expect(up.calls[0]?.clientAborted).toBe(false);
  });

  it("hangAfterBytes stops writing but keeps the socket open, and notices the client abort", async () => {
    up.enqueue({ sse: sseFromChunks("openai", 20), hangAfterBytes: 100 });
    const ctrl = new AbortController();
    const pending = rawPost("/v1/chat/completions", {}, ctrl.signal);
    await up.waitForCalls(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(up.calls[0]?.clientAborted).toBe(false);
    ctrl.abort();
    const { pieces, error } = await pending;
    expect(Buffer.concat(pieces).length).toBe(100);
    expect(error?.name).toBe("AbortError");
    await expect.poll(() => up.calls[0]?.clientAborted).toBe(true);
    expect((await post("/v1/chat/completions", {})).status).toBe(200); // still serving
  });

  it("refuse destroys the socket with no response, and still records the call", async () => {
    up.enqueue({ refuse: true });
    await expect(post("/v1/chat/completions", { model: "m" })).rejects.toThrow();
    expect(up.calls).toHaveLength(1);
    expect((await post("/v1/chat/completions", {})).status).toBe(200);
  });
});

describe("control and lifecycle", () => {
  it("can be scripted over HTTP from another process", async () => {
    const ctl = upstreamControl(up.url);
    await ctl.enqueue({ status: 418, json: { teapot: true } });
    expect((await post("/v1/chat/completions", { n: 1 })).status).toBe(418);
    const calls = await ctl.calls();
    expect(calls.map((c) => c.path)).toEqual(["/v1/chat/completions"]);
    await ctl.reset();
    expect(up.calls).toHaveLength(0);
  });

  it("close() ends hanging responses promptly", async () => {
    const other = await startUpstream();
    other.enqueue({ sse: sseFromChunks("openai", 10), hangAfterBytes: 50 });
    const pending = fetch(`${other.url}/v1/chat/completions`, { method: "POST", body: "{}" }).then((r) => r.text());
    await other.waitForCalls(1);
    const t0 = performance.now();
    await other.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

describe("sseFromChunks", () => {
  it("builds a 50-chunk OpenAI stream with usage", () => {
    const evs = events(sseFromChunks("openai", 50, { inputTokens: 30 }));
    const chunks = evs.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: { delta: { content?: string } }[]; usage?: unknown });
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? "") !== "")).toHaveLength(50);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 30, completion_tokens: 50, total_tokens: 80 });
  });

  it("builds a 50-chunk Anthropic stream with usage", () => {
    const evs = events(sseFromChunks("anthropic", 50));
    expect(evs.filter((e) => e.event === "content_block_delta")).toHaveLength(50);
    const start = JSON.parse(evs[0]?.data ?? "{}") as { message: { usage: { input_tokens: number } } };
    const delta = JSON.parse(evs.find((e) => e.event === "message_delta")?.data ?? "{}") as { usage: { output_tokens: number } };
    expect([start.message.usage.input_tokens, delta.usage.output_tokens]).toEqual([12, 50]);
  });
});
