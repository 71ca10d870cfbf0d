// Cloudflare AI Gateway mode: with AI_GATEWAY_ACCOUNT_ID and AI_GATEWAY_ID set, every
// upstream call goes to {AI_GATEWAY_URL}/{account}/{gateway}/{provider segment}/… with the
// cf-aig-* headers; without them, calls go direct. One local upstream stands in for both.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { post, priceOf, providerKey, startGateway, streamText, type Gateway } from "../support/gateway-harness";
import { loadRecording, recordingsAvailable, startUpstream, type RecordedCall, type Upstream } from "../support/upstream-server";

let up: Upstream;
let viaAig: Gateway;
let direct: Gateway;
let keyId: string;
beforeAll(async () => {
  up = await startUpstream();
  [viaAig, direct] = await Promise.all([
    startGateway({ up, bindings: { AI_GATEWAY_ACCOUNT_ID: "acct123", AI_GATEWAY_ID: "gw456", AI_GATEWAY_URL: `${up.url}/aig`, AI_GATEWAY_TOKEN: "tok" } }),
    startGateway({ up }),
  ]);
  const keys = (await (await fetch(`${viaAig.worker.url}/v1/keys`, { headers: { "x-api-key": viaAig.worker.masterKey } })).json()) as { data: { id: string }[] };
  keyId = keys.data[0]?.id ?? "";
}, 120_000);
afterAll(async () => {
  await viaAig?.dispose();
  await direct?.dispose();
  await up?.close();
});
beforeEach(() => up.reset());

const AIG = "/aig/acct123/gw456";
const ask = [{ role: "user" as const, content: "hi" }];

/** The AI Gateway headers of one upstream call, parsed. */
function aigHeaders(call: RecordedCall | undefined) {
  return {
    metadata: JSON.parse(call?.headers["cf-aig-metadata"] ?? "null") as unknown,
    cost: JSON.parse(call?.headers["cf-aig-custom-cost"] ?? "null") as { per_token_in: number; per_token_out: number } | null,
    authorization: call?.headers["cf-aig-authorization"],
  };
}

/** cf-aig-custom-cost is USD per token: the catalog's USD per million tokens / 1e6. */
function expectCustomCost(cost: { per_token_in: number; per_token_out: number } | null, model: string) {
  const p = priceOf(model);
  expect(cost?.per_token_in).toBeCloseTo(p.input_micros_per_mtok / 1e6 / 1e6, 15);
  expect(cost?.per_token_out).toBeCloseTo(p.output_micros_per_mtok / 1e6 / 1e6, 15);
  expect(cost?.per_token_in).toBeGreaterThan(0);
}

describe("through AI Gateway", () => {
  it("an OpenAI request goes to /{account}/{gateway}/openai/chat/completions with metadata, custom cost, gateway token and the provider key", async () => {
    const res = await viaAig.openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages: ask });
    expect(res.choices[0]?.message.content).toBe("Hello from the local upstream.");
    const call = up.calls[0];
    expect(up.calls).toHaveLength(1);
    expect(call?.path).toBe(`${AIG}/openai/chat/completions`);
    expect(call?.headers.authorization).toBe(`Bearer ${providerKey("openai")}`);
    const h = aigHeaders(call);
    expect(h.metadata).toEqual({ tenant: viaAig.worker.tenantId, key: keyId, model: "openai/gpt-4o-mini", surface: "openai" });
    expectCustomCost(h.cost, "openai/gpt-4o-mini");
    expect(h.authorization).toBe("Bearer tok");
    expect(call?.body).toMatchObject({ model: "gpt-4o-mini" });
  });

  it("an Anthropic request goes to /anthropic/v1/messages with x-api-key and anthropic-version", async () => {
    const res = await viaAig.anthropic.messages.create({ model: "anthropic/claude-sonnet-4-5", max_tokens: 50, messages: ask });
    expect(res.content).toEqual([{ type: "text", text: "Hello from the local upstream." }]);
    const call = up.calls[0];
    expect(call?.path).toBe(`${AIG}/anthropic/v1/messages`);
    expect(call?.headers["x-api-key"]).toBe(providerKey("anthropic"));
    expect(call?.headers["anthropic-version"]).toBe("2023-06-01");
    const h = aigHeaders(call);
    expect(h.metadata).toEqual({ tenant: viaAig.worker.tenantId, key: keyId, model: "anthropic/claude-sonnet-4-5", surface: "anthropic" });
    expectCustomCost(h.cost, "anthropic/claude-sonnet-4-5");
    expect(h.authorization).toBe("Bearer tok");
  });

  it.skipIf(!recordingsAvailable())("streams (translated) through the gateway like direct calls do", async () => {
    const recording = loadRecording("anthropic/text-stream.sse");
    up.enqueue({ path: `${AIG}/anthropic/`, sse: recording });
    let text = "";
    for await (const c of await viaAig.openai.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: ask, stream: true })) {
      text += c.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(streamText(recording));
    expect(up.calls[0]?.path).toBe(`${AIG}/anthropic/v1/messages`);
    expect(aigHeaders(up.calls[0]).metadata).toMatchObject({ surface: "openai", model: "anthropic/claude-sonnet-4-5" });
  });

  it("an alias falls back across custom providers, each call carrying that provider's own price", async () => {
    up.enqueue({ path: `${AIG}/custom-together/`, status: 503, text: "busy" });
    const res = await post(viaAig.worker, "/v1/messages", { model: "llama-3.3-70b", max_tokens: 20, messages: ask });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-qlaud-provider")).toBe("fireworks");
    expect(up.calls.map((c) => c.path)).toEqual([`${AIG}/custom-together/chat/completions`, `${AIG}/custom-fireworks/chat/completions`]);
    expect(up.calls.map((c) => c.headers.authorization)).toEqual([`Bearer ${providerKey("together")}`, `Bearer ${providerKey("fireworks")}`]);
    expect(aigHeaders(up.calls[0]).metadata).toEqual({ tenant: viaAig.worker.tenantId, key: keyId, model: "llama-3.3-70b", surface: "anthropic" });
    expectCustomCost(aigHeaders(up.calls[0]).cost, "together/meta-llama/Llama-3.3-70B-Instruct-Turbo");
    expectCustomCost(aigHeaders(up.calls[1]).cost, "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct");
  });

  it("the built-in mock provider never leaves the Worker", async () => {
    const res = await viaAig.openai.chat.completions.create({ model: "mock/echo", messages: [{ role: "user", content: "stay local" }] });
    expect(res.choices[0]?.message.content).toBe("stay local");
    expect(up.calls).toHaveLength(0);
  });
});

describe("without AI Gateway", () => {
  it("calls the provider's own base URL, with no cf-aig-* headers", async () => {
    await direct.openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages: ask });
    await direct.anthropic.messages.create({ model: "anthropic/claude-sonnet-4-5", max_tokens: 50, messages: ask });
    expect(up.calls.map((c) => c.path)).toEqual(["/openai/v1/chat/completions", "/anthropic/v1/messages"]);
    for (const call of up.calls) expect(Object.keys(call.headers).filter((h) => h.startsWith("cf-aig-"))).toEqual([]);
  });
});
