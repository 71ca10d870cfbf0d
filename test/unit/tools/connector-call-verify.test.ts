// verifyCredential runs a connector's verify request through the executor (so a credential is
// checked exactly as tool calls will send it, OAuth2 token fetch included); toolSchema loads a
// tool's schema with its connector's module; connectorInfo reads the light catalog.
import { beforeEach, describe, expect, it } from "vitest";
import { connectorInfo, toolSchema, verifyCredential } from "../../../runtime/tools/connector-call";
import { TokenCache } from "../../../runtime/tools/oauth-tokens";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();
let env: Env;
beforeEach(() => {
  env = { CONNECTOR_GITHUB_URL: vendor.url, CONNECTOR_HELP_SCOUT_URL: `${vendor.url}/v2`, CONNECTOR_TELEGRAM_URL: vendor.url } as unknown as Env;
});

describe("verifyCredential", () => {
  it("a working token: the verify request goes out with the credential injected, ok", async () => {
    vendor.script("/user", { body: { login: "octocat" } });
    const out = await verifyCredential(env, "github", { token: "ghp_SECRETverify1" }, {}, { connectionId: "v1" });
    expect(out).toMatchObject({ ok: true, status: 200 });
    expect(vendor.requests[0]).toMatchObject({ method: "GET", path: "/user", headers: { authorization: "Bearer ghp_SECRETverify1" } });
  });

  it("a rejected token: the vendor's error, redacted, not retried", async () => {
    vendor.script("/user", { status: 401, body: { message: "Bad credentials ghp_SECRETverify2" } });
    const out = await verifyCredential(env, "github", { token: "ghp_SECRETverify2" }, {}, { connectionId: "v2" });
    expect(out).toMatchObject({ ok: false, kind: "vendor", status: 401 });
    expect(JSON.stringify(out)).not.toContain("SECRET");
    expect(vendor.requests).toHaveLength(1);
  });

  it("token_in_url_path: Telegram's /bot<token>/getMe", async () => {
    vendor.script("/bot123:SECRETtg/getMe", { body: { ok: true } });
    const out = await verifyCredential(env, "telegram", { bot_token: "123:SECRETtg" }, {}, { connectionId: "v3" });
    expect(out.ok).toBe(true);
    expect(vendor.requests[0]!.path).toBe("/bot123:SECRETtg/getMe");
  });

  it("oauth2_client_credentials: fetches a token from the (overridden) token URL, then verifies with it", async () => {
    vendor.serveTokenAt("/v2/oauth2/token");
    vendor.requireToken("/v2/users");
    vendor.script("/v2/users/me", { body: { id: 1 } });
    const creds = { client_id: vendor.oauth.clientId, client_secret: vendor.oauth.clientSecret };
    const out = await verifyCredential(env, "help-scout", creds, {}, { connectionId: "v4", tokens: new TokenCache() });
    expect(out).toMatchObject({ ok: true, status: 200 });
    expect(vendor.requests.map((r) => r.path)).toEqual(["/v2/oauth2/token", "/v2/users/me"]);
  });

  it("a connector without a verify request (mcp) or an unknown one: nothing is sent", async () => {
    expect(await verifyCredential(env, "zapier", { connection_token: "t" }, {}, { connectionId: "v5" })).toMatchObject({ ok: false, kind: "unknown_tool" });
    expect(await verifyCredential(env, "nope", {}, {}, { connectionId: "v6" })).toMatchObject({ ok: false, kind: "unknown_tool" });
    expect(vendor.requests).toHaveLength(0);
  });
});

describe("toolSchema and connectorInfo", () => {
  it("toolSchema: the manifest's name, description, input schema and annotations; null for unknown names", async () => {
    const s = await toolSchema("github/create_issue");
    expect(s).toMatchObject({ name: "github/create_issue", annotations: { read_only: false, destructive: false } });
    expect(s!.input_schema).toMatchObject({ type: "object", required: ["owner", "repo", "title"] });
    expect(await toolSchema("github/nope")).toBeNull();
    expect(await toolSchema("github/constructor")).toBeNull();
    expect(await toolSchema("nope")).toBeNull();
  });

  it("connectorInfo: mode, fields, settings, mcp url, base host", () => {
    expect(connectorInfo("github")).toMatchObject({ id: "github", name: "GitHub", auth_mode: "bearer", config: [], mcp_url: null, base_host: "api.github.com" });
    expect(connectorInfo("github")!.fields[0]).toMatchObject({ name: "token", optional: false });
    expect(connectorInfo("datadog")).toMatchObject({ auth_mode: "api_key_multi_header", base_host: "api.{{config.site}}" });
    expect(connectorInfo("zapier")).toMatchObject({ auth_mode: "mcp", base_host: null });
    expect(connectorInfo("zapier")!.mcp_url).toMatch(/^https:\/\//);
    expect(connectorInfo("constructor")).toBeNull();
  });
});
