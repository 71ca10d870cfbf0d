// POST /v1/messages/count_tokens, as Claude Code and the Anthropic SDK call it: exact from
// Anthropic's own count_tokens (sent the caller's bytes and beta header) for a model Anthropic
// serves, an estimate labelled as one otherwise; never billed, but never without a key.
import { describe, expect, it } from "vitest";
import { ledger, post, useGateway } from "../support/gateway-harness";

const gw = useGateway();

const ask = '{"model":"claude-haiku-4-5-20251001", "messages":[{"role":"user","content":"How many tokens is this?"}],\n "system":"Be brief.", "tools":[]}';

describe("POST /v1/messages/count_tokens", () => {
  it("an Anthropic model: Anthropic's exact count, the caller's bytes and beta header forwarded, not billed", async () => {
    gw.up.enqueue({ path: "/anthropic/", json: { input_tokens: 1234 } });
    const before = (await ledger(gw.worker)).length;
    const res = await post(gw.worker, "/v1/messages/count_tokens?beta=true", ask, { headers: { "content-type": "application/json", "x-api-key": gw.worker.masterKey, "anthropic-beta": "token-counting-2024-11-01" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input_tokens: 1234 });
    expect(res.headers.get("x-qlaud-token-count")).toBe("exact");
    expect(res.headers.get("x-qlaud-provider")).toBe("anthropic");
    expect(gw.up.calls.map((c) => c.path)).toEqual(["/anthropic/v1/messages/count_tokens"]);
    expect(gw.up.calls[0]?.raw).toBe(ask);
    expect(gw.up.calls[0]?.headers["anthropic-beta"]).toBe("token-counting-2024-11-01");
    expect(gw.up.calls[0]?.headers["x-api-key"]).toBe("sk-anthropic-test");
    await new Promise((r) => setTimeout(r, 200));
    expect((await ledger(gw.worker)).length).toBe(before);
  });

  it("the Anthropic SDK's messages.countTokens works with only baseURL changed", async () => {
    gw.up.enqueue({ path: "/anthropic/", json: { input_tokens: 17 } });
    const count = await gw.anthropic.messages.countTokens({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] });
    expect(count.input_tokens).toBe(17);
  });

  it("a model no Anthropic upstream serves: an estimate, labelled, with no upstream call", async () => {
    const body = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(4000) }] };
    const res = await post(gw.worker, "/v1/messages/count_tokens", body);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-qlaud-token-count")).toBe("estimate");
    const { input_tokens } = (await res.json()) as { input_tokens: number };
    // About a token per 4 bytes of what the model reads.
    expect(input_tokens).toBeGreaterThanOrEqual(1000);
    expect(input_tokens).toBeLessThan(1100);
    expect(gw.up.calls).toEqual([]);
  });

  it("Anthropic busy: the estimate instead of an error, still labelled", async () => {
    gw.up.enqueue({ path: "/anthropic/", status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } });
    const res = await post(gw.worker, "/v1/messages/count_tokens", ask);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-qlaud-token-count")).toBe("estimate");
  });

  it("a request Anthropic refuses is the caller's error, in Anthropic's shape", async () => {
    gw.up.enqueue({ path: "/anthropic/", status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "messages: bad" } } });
    const res = await post(gw.worker, "/v1/messages/count_tokens", ask);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "messages: bad" } });
  });

  it("without a key: 401, and nothing is sent", async () => {
    const res = await fetch(`${gw.worker.url}/v1/messages/count_tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: ask });
    expect(res.status).toBe(401);
    expect(gw.up.calls).toEqual([]);
  });
});
