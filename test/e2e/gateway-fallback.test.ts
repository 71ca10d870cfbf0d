// Routing across providers: a bare alias tries its providers in catalog order and falls back
// on a retryable failure (5xx, 529, refused connection, an overloaded error event) as long as
// nothing reached the client; once content has flowed, a failure is an error event at the
// end of that one answer, never a second answer spliced on.
import { describe, expect, it } from "vitest";
import { parseSse, post, providerKey, startGateway, streamText, useGateway } from "../support/gateway-harness";
import { loadRecording, recordingsAvailable, type Scenario } from "../support/upstream-server";
import { anthropicMessage, openaiCompletion, sseFromChunks } from "../support/upstream-streams";

const gw = useGateway();

const paths = () => gw.up.calls.map((c) => c.path);
const models = () => gw.up.calls.map((c) => (c.body as { model?: string }).model);
const OVERLOADED_529 = () => ({ status: 529, text: loadRecording("anthropic/error-529-overloaded.json") });
const ask = [{ role: "user" as const, content: "Name a llama" }];

describe.skipIf(!recordingsAvailable())("fallback before the first byte (alias llama-3.3-70b: together → fireworks → deepinfra → groq → workers-ai)", () => {
  // Built when a test runs, not while tests are collected: a skipped suite (no recordings) must not read them.
  const failures: [string, () => Scenario][] = [
    ["503", () => ({ status: 503, json: { error: { message: "Service Unavailable", type: "server_error" } } })],
    ["529 overloaded (recorded body)", OVERLOADED_529],
    ["a refused connection", () => ({ refuse: true })],
  ];

  it.each(failures)("together answers %s → fireworks serves one clean response (openai SDK)", async (_name, failure) => {
    gw.up.enqueue({ path: "/together/", ...failure() }, { path: "/fireworks/", json: openaiCompletion("Lima the llama.", { inputTokens: 9, outputTokens: 4 }) });
    const { data, response } = await gw.openai.chat.completions.create({ model: "llama-3.3-70b", messages: ask }).withResponse();
    expect(data.choices[0]?.message.content).toBe("Lima the llama.");
    expect(data.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 });
    expect(response.headers.get("x-qlaud-provider")).toBe("fireworks");
    expect(paths()).toEqual(["/together/v1/chat/completions", "/fireworks/v1/chat/completions"]);
    expect(models()).toEqual(["meta-llama/Llama-3.3-70B-Instruct-Turbo", "accounts/fireworks/models/llama-v3p3-70b-instruct"]);
    expect(gw.up.calls[1]?.headers.authorization).toBe(`Bearer ${providerKey("fireworks")}`);
  });

  it("walks 503 → 529 → refused down the list until groq answers (anthropic SDK, translated)", async () => {
    gw.up.enqueue(
      { path: "/together/", status: 503, text: "upstream connect error" },
      { path: "/fireworks/", ...OVERLOADED_529() },
      { path: "/deepinfra/", refuse: true },
      { path: "/groq/", text: loadRecording("openai/tool-calls.json") },
    );
    const { data, response } = await gw.anthropic.messages
      .create({ model: "llama-3.3-70b", max_tokens: 100, messages: [{ role: "user", content: "Population of Crumpet?" }] })
      .withResponse();
    expect(data.content).toEqual([{ type: "tool_use", id: "call_TTY8UFNo7rNCaOBUNtlRSvMG", name: "lookup_population", input: { country: "Crumpet" } }]);
    expect(data.stop_reason).toBe("tool_use");
    expect(response.headers.get("x-qlaud-provider")).toBe("groq");
    expect(paths()).toEqual(["/together/v1/chat/completions", "/fireworks/v1/chat/completions", "/deepinfra/v1/chat/completions", "/groq/v1/chat/completions"]);
    // Every attempt carried the same translated request, only the model id differs.
    const bodies = gw.up.calls.map((c) => ({ ...(c.body as object), model: undefined }));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
  });

  it("falls back for a streaming request when the first provider fails before streaming", async () => {
    const recording = loadRecording("openai/text-stream.sse");
    gw.up.enqueue({ path: "/together/", status: 503, text: "busy" }, { path: "/fireworks/", sse: recording });
    let text = "";
    for await (const chunk of await gw.openai.chat.completions.create({ model: "llama-3.3-70b", messages: ask, stream: true })) {
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(streamText(recording));
    expect(paths()).toEqual(["/together/v1/chat/completions", "/fireworks/v1/chat/completions"]);
    expect(gw.up.calls.every((c) => (c.body as { stream_options?: unknown }).stream_options !== undefined)).toBe(true);
  });

  it("does not fall back on a caller error (400): the first provider's answer is returned in the caller's shape", async () => {
    gw.up.enqueue({ path: "/together/", status: 400, json: { error: { message: "max_tokens is too large", type: "invalid_request_error" } } });
    const res = await post(gw.worker, "/v1/messages", { model: "llama-3.3-70b", max_tokens: 100, messages: ask });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "max_tokens is too large" } });
    expect(paths()).toEqual(["/together/v1/chat/completions"]);
  });

  it("when every provider fails, the caller gets one error in its shape naming the model, not the operator's setup", async () => {
    gw.up.setDefault({ status: 503, json: { error: { message: "busy" } } });
    const res = await post(gw.worker, "/v1/chat/completions", { model: "llama-3.3-70b", messages: ask });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("server_error"); // OpenAI's name for a 5xx (translate/error-types.ts)
    expect(body.error.message).toBe("no provider could serve llama-3.3-70b right now; try again later");
    // workers-ai's missing AI binding is the operator's business (logs), not the caller's.
    expect(body.error.message).not.toMatch(/workers-ai|binding|together/);
    expect(paths()).toHaveLength(4); // workers-ai needs the AI binding: no HTTP call
  });
});

describe.skipIf(!recordingsAvailable())("streaming fallback on an in-stream error (alias claude-sonnet-4-5: anthropic → openrouter)", () => {
  const overloadedEvent = () => `event: error\ndata: ${loadRecording("anthropic/error-529-overloaded.json")}\n\n`;
  // The recorded message_start and ping events: the stream has begun, but no content block yet.
  const messageStart = () =>
    loadRecording("anthropic/text-stream.sse")
      .split("\n\n")
      .filter((e) => e.startsWith("event: message_start") || e.startsWith("event: ping"))
      .map((e) => `${e}\n\n`)
      .join("");

  it.each([
    ["as the first event", () => overloadedEvent()],
    ["after message_start and a ping, before any content block", () => messageStart() + overloadedEvent()],
  ])("anthropic streams overloaded_error %s → openrouter serves, translated", async (_when, body) => {
    const recording = loadRecording("openai/text-stream.sse");
    gw.up.enqueue({ path: "/anthropic/", sse: body() }, { path: "/openrouter/", sse: recording });
    const final = await gw.anthropic.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: ask }).finalMessage();
    expect(final.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual([streamText(recording)]);
    expect(final.stop_reason).toBe("end_turn");
    expect(paths()).toEqual(["/anthropic/v1/messages", "/openrouter/v1/chat/completions"]);
    expect(models()).toEqual(["claude-sonnet-4-5", "anthropic/claude-sonnet-4.5"]);
  });

  it("the OpenAI SDK sees the same single answer", async () => {
    gw.up.enqueue({ path: "/anthropic/", sse: overloadedEvent() }, { path: "/openrouter/", sse: sseFromChunks("openai", ["Only ", "one ", "answer."]) });
    let text = "";
    for await (const c of await gw.openai.chat.completions.create({ model: "claude-sonnet-4-5", messages: ask, stream: true })) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe("Only one answer.");
    expect(paths()).toHaveLength(2);
  });
});

describe.skipIf(!recordingsAvailable())("a failure after the first byte: an error event in the caller's shape, never a spliced answer", () => {
  const recording = () => loadRecording("openai/text-stream.sse");
  // Past the role chunk and a few content deltas, mid-way through an event.
  const CUT = 1500;

  it("pass-through (chat completions): the relayed prefix, then a data: {error} event; no [DONE]; one provider", async () => {
    gw.up.enqueue({ path: "/together/", sse: recording(), cutAfterBytes: CUT }, { path: "/fireworks/", sse: sseFromChunks("openai", ["SPLICED"]) });
    const res = await post(gw.worker, "/v1/chat/completions", { model: "llama-3.3-70b", messages: ask, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-qlaud-provider")).toBe("together");
    const text = await res.text();
    const events = parseSse(text);
    const last = events.at(-1);
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ error: { type: "server_error", message: expect.any(String) } });
    const content = streamText(events.slice(0, -1).filter((e) => e.data.startsWith("{")).map((e) => `data: ${e.data}\n\n`).join(""));
    expect(content.length).toBeGreaterThan(0);
    expect(streamText(recording()).startsWith(content)).toBe(true);
    expect(text).not.toContain("SPLICED");
    expect(text).not.toContain("[DONE]");
    expect(paths()).toEqual(["/together/v1/chat/completions"]);
  });

  it("translated (messages): content events, then event: error; no message_stop; one provider", async () => {
    gw.up.enqueue({ path: "/together/", sse: recording(), cutAfterBytes: CUT }, { path: "/fireworks/", sse: sseFromChunks("openai", ["SPLICED"]) });
    const res = await post(gw.worker, "/v1/messages", { model: "llama-3.3-70b", max_tokens: 100, messages: ask, stream: true });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events[0]?.event).toBe("message_start");
    expect(events.at(-1)?.event).toBe("error");
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ type: "error", error: { type: "api_error", message: expect.any(String) } });
    expect(events.map((e) => e.event)).not.toContain("message_stop");
    const text = streamText(events.map((e) => `data: ${e.data}\n\n`).join(""));
    expect(text.length).toBeGreaterThan(0);
    expect(streamText(recording()).startsWith(text)).toBe(true);
    expect(paths()).toEqual(["/together/v1/chat/completions"]);
  });

  it("the Anthropic SDK surfaces it as an error, after the partial text", async () => {
    gw.up.enqueue({ path: "/anthropic/", sse: loadRecording("anthropic/text-stream.sse"), cutAfterBytes: 1200 }, { path: "/openrouter/", json: anthropicMessage("SPLICED") });
    const stream = gw.anthropic.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: ask });
    let partial = "";
    stream.on("text", (t) => (partial += t));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(partial.length).toBeGreaterThan(0);
    expect(streamText(loadRecording("anthropic/text-stream.sse")).startsWith(partial)).toBe(true);
    expect(paths()).toEqual(["/anthropic/v1/messages"]);
  });
});

// What only the operator can fix stays in the operator's logs: a refused provider key (whose
// error text may quote the key), a missing secret, a raw network error.
describe("errors that are the operator's, not the caller's", () => {
  const KEY_ECHO = "Incorrect API key provided: sk-openai-te**st. You can find your API key at https://platform.openai.com/account/api-keys.";

  it("openai answers 401 to the operator's key → 502 'upstream authentication failed', the upstream's text not relayed", async () => {
    gw.up.enqueue({ path: "/openai/", status: 401, json: { error: { message: KEY_ECHO, type: "invalid_request_error", code: "invalid_api_key" } } });
    const res = await post(gw.worker, "/v1/chat/completions", { model: "openai/gpt-4o-mini", messages: ask });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { type: "server_error", code: "api_error", message: expect.stringContaining("upstream authentication failed") } });
    expect(text).not.toContain("API key");
    expect(text).not.toContain("sk-");
  });

  it("anthropic answers 403 on a streaming request (Anthropic SDK shape) → 502, no upstream text", async () => {
    gw.up.enqueue({ path: "/anthropic/", status: 403, json: { type: "error", error: { type: "permission_error", message: "Your API key sk-ant-xyz does not have permission" } } });
    const res = await post(gw.worker, "/v1/messages", { model: "anthropic/claude-haiku-4-5", max_tokens: 50, stream: true, messages: ask });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ type: "error", error: { type: "api_error", message: expect.stringContaining("upstream authentication failed") } });
    expect(text).not.toContain("sk-ant");
  });

  it("a 401 from the first provider of an alias falls back to the next one", async () => {
    gw.up.enqueue({ path: "/together/", status: 401, json: { error: { message: "invalid key" } } }, { path: "/fireworks/", json: openaiCompletion("Lima.", { inputTokens: 9, outputTokens: 2 }) });
    const res = await post(gw.worker, "/v1/chat/completions", { model: "llama-3.3-70b", messages: ask });
    expect(res.status).toBe(200);
    expect(paths()).toEqual(["/together/v1/chat/completions", "/fireworks/v1/chat/completions"]);
  });

  it("a refused connection on the only provider → a message naming the model, no raw fetch error", async () => {
    gw.up.enqueue({ path: "/openai/", refuse: true });
    const res = await post(gw.worker, "/v1/chat/completions", { model: "openai/gpt-4o-mini", messages: ask });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toBe("no provider could serve openai/gpt-4o-mini right now; try again later");
  });

  it("no key configured for the provider → a message naming the model, not the secret to set", async () => {
    const bare = await startGateway({ up: gw.up, bindings: { OPENAI_API_KEY: "" } });
    try {
      const res = await post(bare.worker, "/v1/chat/completions", { model: "openai/gpt-4o-mini", messages: ask });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { message: "no provider could serve openai/gpt-4o-mini right now; try again later" } });
      expect(text).not.toMatch(/OPENAI_API_KEY|secret|no key/);
      expect(paths()).toEqual([]);
    } finally {
      await bare.dispose();
    }
  });
});
