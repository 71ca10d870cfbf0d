import { describe, expect, it } from "vitest";
import { call, seedTenant } from "./support/seed";

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
