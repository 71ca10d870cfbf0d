// OAuth2 client credentials: one token fetch serves many calls, a token is refreshed before
// it expires, a 401 triggers exactly one refresh, and 1,000 concurrent calls whose token
// dies mid-run cause exactly one fetch between them.
import { beforeEach, describe, expect, it } from "vitest";
import { executeTool, type ExecuteOptions } from "../../../runtime/tools/execute";
import { TokenCache } from "../../../runtime/tools/oauth-tokens";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();
beforeEach(() => {
  vendor.requireToken("/api/");
});

function options(tokens: TokenCache, connectionId = "conn-1"): ExecuteOptions {
  return {
    baseUrl: vendor.url,
    auth: { mode: "oauth2_client_credentials", token_url: `${vendor.url}/oauth/token`, client_id_field: "id", client_secret_field: "secret" },
    credential: { id: "client-id", secret: "client-secret" },
    connectionId,
    tokens,
  };
}
const get = (tokens: TokenCache, connectionId?: string) => executeTool({ method: "GET", url: `${vendor.url}/api/items` }, options(tokens, connectionId));

describe("oauth2 client credentials", () => {
  it("fetches once and reuses the token while it lives", async () => {
    const tokens = new TokenCache();
    for (let i = 0; i < 5; i++) expect((await get(tokens)).ok).toBe(true);
    expect(vendor.tokenFetches).toBe(1);
  });

  it("keeps one token per connection", async () => {
    const tokens = new TokenCache();
    await get(tokens, "a");
    await get(tokens, "b");
    await get(tokens, "a");
    expect(vendor.tokenFetches).toBe(2);
  });

  it("refreshes shortly before expiry, not after", async () => {
    let now = 1_000_000;
    const tokens = new TokenCache({ now: () => now, skewMs: 30_000 });
    vendor.oauth.lifetimeS = 3600;
    await get(tokens);
    now += 3600_000 - 31_000; // still outside the 30 s margin
    await get(tokens);
    expect(vendor.tokenFetches).toBe(1);
    now += 2_000; // inside it
    await get(tokens);
    expect(vendor.tokenFetches).toBe(2);
  });

  it("a 401 refreshes the token once and the call succeeds", async () => {
    const tokens = new TokenCache();
    await get(tokens);
    vendor.expireTokens();
    const out = await get(tokens);
    expect(out.ok).toBe(true);
    expect(vendor.tokenFetches).toBe(2);
    const api = vendor.requests.filter((r) => r.path === "/api/items").map((r) => r.headers.authorization);
    expect(api).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  it("a 401 to the fresh token too is returned, not refreshed again", async () => {
    const tokens = new TokenCache();
    vendor.script("/api/items", { status: 401, body: { message: "this app lacks the items scope" } });
    vendor.requireToken("/never/"); // only the script answers /api/items now
    const out = await get(tokens);
    expect(out).toMatchObject({ ok: false, kind: "vendor", status: 401, message: "this app lacks the items scope", retryable: false });
    expect(vendor.tokenFetches).toBe(2);
    expect(vendor.requests.filter((r) => r.path === "/api/items")).toHaveLength(2);
  });

  it("a refused client is a token_fetch error with the endpoint's reason, secrets redacted", async () => {
    vendor.oauth.clientSecret = "another";
    const out = await get(new TokenCache());
    expect(out).toMatchObject({ ok: false, kind: "token_fetch", status: 401, retryable: false });
    expect(!out.ok && out.message).toContain("unknown client");
    expect(JSON.stringify(out)).not.toContain("client-secret");
  });

  it("1,000 concurrent calls whose token is revoked mid-run cause exactly one token fetch", async () => {
    const tokens = new TokenCache();
    await get(tokens);
    expect(vendor.tokenFetches).toBe(1);
    vendor.oauth.delayMs = 50; // the refresh takes a while, so many calls pile onto it
    vendor.expireTokensAfter(300); // the vendor accepts tok-1 for 300 more calls, then not
    vendor.requests.length = 0;
    const outcomes = await Promise.all(Array.from({ length: 1000 }, () => get(tokens)));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(vendor.tokenFetches).toBe(2);
    const api = vendor.requests.filter((r) => r.path === "/api/items");
    // Mid-run for real: 300 calls succeeded on tok-1, the other 700 were refused once and retried on tok-2.
    expect(api).toHaveLength(1700);
    expect(api.filter((r) => r.headers.authorization === "Bearer tok-2")).toHaveLength(700);
  });

  it("1,000 concurrent calls whose token expires by the clock mid-run cause exactly one token fetch", async () => {
    let now = 0;
    const tokens = new TokenCache({ now: () => now, skewMs: 0 });
    vendor.oauth.lifetimeS = 60;
    await get(tokens);
    vendor.oauth.delayMs = 50;
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i % 20)); // spread over ~20 ms
        if (i === 510) now = 61_000; // half-way through the spread, the token's lifetime ends
        return get(tokens);
      }),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(vendor.tokenFetches).toBe(2);
    const auths = vendor.requests.filter((r) => r.path === "/api/items").map((r) => r.headers.authorization);
    expect(auths.filter((a) => a === "Bearer tok-1").length).toBeGreaterThan(1);
    expect(auths.filter((a) => a === "Bearer tok-2").length).toBeGreaterThan(1);
  });
});
