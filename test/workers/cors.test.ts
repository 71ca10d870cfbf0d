// CORS per tenant: a browser app calls Gatehouse with an end user's key from an origin its
// tenant allows (PUT /v1/cors with the master key). Preflights are answered without a key, for
// an origin some tenant allows; real answers carry Access-Control-Allow-Origin only when the
// key's own tenant allows the origin — on the gateway and on Gatehouse's own routes alike.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkOrigins } from "../../runtime/http/cors";
import { mintKey } from "./support/money";
import { BASE, call, seedTenant } from "./support/seed";

const APP = "https://app.example.com";

/** What the Anthropic SDK's browser build sends on a preflight. */
function preflight(origin: string, path = "/v1/messages"): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "anthropic-version,anthropic-dangerous-direct-browser-access,content-type,x-api-key,x-stainless-os" },
  });
}

describe("CORS per tenant", () => {
  it("the master key sets the tenant's origins; a standard key cannot", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const set = await call("PUT", "/v1/cors", t.masterKey, { allowed_origins: [APP, "http://localhost:5173", APP] });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ allowed_origins: ["http://localhost:5173", APP] });
    expect(await (await call("GET", "/v1/cors", t.masterKey)).json()).toEqual({ allowed_origins: ["http://localhost:5173", APP] });
    const k = await mintKey(t.masterKey, { end_user_id: "eve" });
    expect((await call("PUT", "/v1/cors", k.secret, { allowed_origins: ["https://evil.example"] })).status).toBe(403);
  });

  it("an origin with a path, a wildcard or another scheme is a 400 naming the entry", async () => {
    const t = await seedTenant();
    for (const bad of [`${APP}/`, "*", "ftp://x.example", "app.example.com"]) {
      const res = await call("PUT", "/v1/cors", t.masterKey, { allowed_origins: [APP, bad] });
      expect(res.status, bad).toBe(400);
      expect(JSON.stringify(await res.json())).toContain("allowed_origins[1]");
    }
  });

  it("a preflight is answered without a key for an allowed origin, echoing the SDK's headers; not for others", async () => {
    const t = await seedTenant();
    await call("PUT", "/v1/cors", t.masterKey, { allowed_origins: ["https://preflight.example.com"] });
    const ok = await preflight("https://preflight.example.com");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://preflight.example.com");
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    expect(ok.headers.get("access-control-allow-headers")).toContain("x-api-key");
    const other = await preflight("https://nobody-allows-this.example");
    expect(other.status).toBe(204);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("the gateway's answer carries CORS headers for the key's own tenant's origin only", async () => {
    const a = await seedTenant({ creditMicros: 1_000_000 });
    const b = await seedTenant({ creditMicros: 1_000_000 });
    await call("PUT", "/v1/cors", a.masterKey, { allowed_origins: ["https://a.example.com"] });
    const endUser = await mintKey(a.masterKey, { end_user_id: "eve" });
    const body = { model: "mock/echo", max_tokens: 8, messages: [{ role: "user", content: "hi" }] };
    const res = await call("POST", "/v1/messages", endUser.secret, body, { origin: "https://a.example.com" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://a.example.com");
    expect(res.headers.get("access-control-expose-headers")).toContain("x-qlaud-request-id");
    expect(res.headers.get("vary")).toContain("Origin");
    // Tenant b allows nothing: a's origin gets no CORS header with b's key.
    const other = await call("POST", "/v1/messages", b.masterKey, body, { origin: "https://a.example.com" });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    // An origin a does not list gets none either.
    const elsewhere = await call("POST", "/v1/messages", endUser.secret, body, { origin: "https://evil.example" });
    expect(elsewhere.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("errors after authentication (a 402, a 404) and Gatehouse's own routes carry them too, so the app can read why", async () => {
    const t = await seedTenant({ creditMicros: 0 });
    await call("PUT", "/v1/cors", t.masterKey, { allowed_origins: [APP] });
    const poor = await call("POST", "/v1/chat/completions", t.masterKey, { model: "mock/echo", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }, { origin: APP });
    expect(poor.status).toBe(402);
    expect(poor.headers.get("access-control-allow-origin")).toBe(APP);
    const unknown = await call("POST", "/v1/messages", t.masterKey, { model: "nope/nope", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }, { origin: APP });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("access-control-allow-origin")).toBe(APP);
    const wallet = await call("GET", "/v1/wallet", t.masterKey, undefined, { origin: APP });
    expect(wallet.headers.get("access-control-allow-origin")).toBe(APP);
  });
});

describe("checkOrigins", () => {
  it("deduplicates and sorts; refuses more than 100", () => {
    expect(checkOrigins(["https://b.example", "https://a.example", "https://b.example"])).toEqual({ origins: ["https://a.example", "https://b.example"] });
    expect(checkOrigins(Array.from({ length: 101 }, (_, i) => `https://a${i}.example`))).toMatchObject({ error: "at most 100 origins" });
  });
});
