import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import { BASE, call, seedTenant } from "./support/seed";

// The reservation is an upper bound of what the request can cost: max_tokens beyond the
// model's own maximum (mock/echo: 4,096 at $2/Mtok ≈ 8,192 micros) cannot cost more.
describe("worst-case reservation", () => {
  it("caps max_tokens at the model's maximum, so a small cap still serves a huge max_tokens", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const key = await (await call("POST", "/v1/keys", t.masterKey, { name: "small", max_spend_usd: 0.02 })).json<{ secret: string }>();
    const body = { model: "mock/echo", max_tokens: 1_000_000, messages: [{ role: "user", content: "hi" }] };
    const ok = await call("POST", "/v1/messages", key.secret, body);
    expect(ok.status).toBe(200);
    await ok.text();
    // A cap below the model's worst case is still refused before any upstream call.
    const tiny = await (await call("POST", "/v1/keys", t.masterKey, { name: "tiny", max_spend_usd: 0.005 })).json<{ secret: string }>();
    const refused = await call("POST", "/v1/messages", tiny.secret, body);
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ type: "error", error: { type: "cap_exceeded" } });
  });
});

// The input bound is the body's bytes as read: a chunked body (no Content-Length) of
// multi-byte UTF-8 was sized by re-serialising it, counting UTF-16 units (a third of "€"'s bytes).
describe("chunked body with multi-byte UTF-8", () => {
  it("is held at its byte length, like the same body with a Content-Length", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const mint = async (usd: number) => (await (await call("POST", "/v1/keys", t.masterKey, { name: `k${usd}`, max_spend_usd: usd })).json<{ secret: string }>()).secret;
    const raw = JSON.stringify({ model: "mock/echo", max_tokens: 10, messages: [{ role: "user", content: "€".repeat(9000) }] });
    const bytes = new TextEncoder().encode(raw);
    const chunked = (key: string) => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let at = 0; at < bytes.length; at += 4096) c.enqueue(bytes.slice(at, at + 4096));
          c.close();
        },
      });
      return SELF.fetch(`${BASE}/v1/messages`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body });
    };
    // ≈ 27,000 bytes → ≈ 27,600 input tokens at $1/Mtok: more than a $0.02 cap, within $0.05.
    const small = await mint(0.02);
    const withLength = await call("POST", "/v1/messages", small, raw);
    expect(withLength.status).toBe(402);
    await withLength.text();
    const viaChunks = await chunked(small);
    expect(viaChunks.status).toBe(402);
    await viaChunks.text();
    const enough = await chunked(await mint(0.05));
    expect(enough.status).toBe(200);
    await enough.text();
  });
});
