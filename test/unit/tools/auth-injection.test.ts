// Every auth mode in the connector catalog puts the credential exactly where its vendor
// expects it, and nowhere else.
import { describe, expect, it } from "vitest";
import { executeTool } from "../../../runtime/tools/execute";
import { TokenCache } from "../../../runtime/tools/oauth-tokens";
import type { AuthSpec, Credential } from "../../../runtime/tools/types";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();

async function call(auth: AuthSpec, credential: Credential, path = "/v1/things") {
  const out = await executeTool(
    { method: "GET", url: `${vendor.url}${path}`, query: { q: "x" }, headers: { accept: "application/json" } },
    { baseUrl: vendor.url, auth, credential, connectionId: "conn-1", tokens: new TokenCache() },
  );
  expect(out.ok).toBe(true);
  const apiCalls = vendor.requests.filter((r) => r.path !== "/oauth/token");
  expect(apiCalls).toHaveLength(1);
  return apiCalls[0]!;
}

describe("credential injection per auth mode", () => {
  it("bearer: Authorization: Bearer <token>", async () => {
    const r = await call({ mode: "bearer", field: "token" }, { token: "ghp_abc123" });
    expect(r.headers.authorization).toBe("Bearer ghp_abc123");
    expect(r.query).toEqual({ q: "x" });
  });

  it("api_key: the named header, value as is", async () => {
    const r = await call({ mode: "api_key", header: "PRIVATE-TOKEN", field: "personal_access_token" }, { personal_access_token: "glpat-xyz" });
    expect(r.headers["private-token"]).toBe("glpat-xyz");
    expect(r.headers.authorization).toBeUndefined();
  });

  it("basic: Authorization: Basic base64(user:password), UTF-8 safe", async () => {
    const r = await call({ mode: "basic", username_field: "email", password_field: "api_token" }, { email: "ana@example.com", api_token: "pä55-wørd" });
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from("ana@example.com:pä55-wørd").toString("base64")}`);
  });

  it("api_key_multi_header: every header set", async () => {
    const r = await call(
      { mode: "api_key_multi_header", headers: { "DD-API-KEY": "api_key", "DD-APPLICATION-KEY": "application_key" } },
      { api_key: "dd-api-1", application_key: "dd-app-2" },
    );
    expect(r.headers["dd-api-key"]).toBe("dd-api-1");
    expect(r.headers["dd-application-key"]).toBe("dd-app-2");
    expect(r.headers.authorization).toBeUndefined();
  });

  it("api_key_query: parameters added beside the request's own, encoded", async () => {
    const r = await call({ mode: "api_key_query", params: { key: "api_key", token: "api_token" } }, { api_key: "k&1=2", api_token: "t/3" });
    expect(r.query).toEqual({ q: "x", key: "k&1=2", token: "t/3" });
    expect(r.headers.authorization).toBeUndefined();
  });

  it("bot_token: Authorization: Bot <token>", async () => {
    const r = await call({ mode: "bot_token", field: "bot_token", scheme: "Bot" }, { bot_token: "MTIz.abc" });
    expect(r.headers.authorization).toBe("Bot MTIz.abc");
  });

  it("token_in_url_path: /bot<token> before the method path, encoded", async () => {
    const r = await call({ mode: "token_in_url_path", field: "bot_token", prefix: "/bot" }, { bot_token: "123:AA/b" }, "/getMe");
    expect(r.path).toBe("/bot123:AA%2Fb/getMe");
    expect(r.headers.authorization).toBeUndefined();
  });

  it("oauth2_client_credentials: a token from the token URL, sent as Bearer", async () => {
    const auth: AuthSpec = { mode: "oauth2_client_credentials", token_url: `${vendor.url}/oauth/token`, client_id_field: "client_id", client_secret_field: "client_secret", scope: "api" };
    const r = await call(auth, { client_id: "client-id", client_secret: "client-secret" });
    expect(r.headers.authorization).toBe("Bearer tok-1");
    const tokenCall = vendor.requests.find((x) => x.path === "/oauth/token")!;
    expect(Object.fromEntries(new URLSearchParams(tokenCall.body))).toEqual({ grant_type: "client_credentials", scope: "api", client_id: "client-id", client_secret: "client-secret" });
  });

  it("oauth2_client_credentials with client_auth basic: the client in an Authorization header", async () => {
    const auth: AuthSpec = { mode: "oauth2_client_credentials", token_url: `${vendor.url}/oauth/token`, client_id_field: "id", client_secret_field: "secret", client_auth: "basic" };
    const r = await call(auth, { id: "client-id", secret: "client-secret" });
    expect(r.headers.authorization).toBe("Bearer tok-1");
    const tokenCall = vendor.requests.find((x) => x.path === "/oauth/token")!;
    expect(tokenCall.headers.authorization).toBe(`Basic ${Buffer.from("client-id:client-secret").toString("base64")}`);
    expect(tokenCall.body).toBe("grant_type=client_credentials");
  });

  it("oauth2_client_credentials with params and a JSON body (Zoom's grant, Greenhouse's encoding): the manifest's parameters sent as given", async () => {
    vendor.script("/custom/token", { body: { access_token: "tok-json", expires_in: 60 } });
    const auth: AuthSpec = { mode: "oauth2_client_credentials", token_url: `${vendor.url}/custom/token`, client_id_field: "id", client_secret_field: "secret", client_auth: "basic", token_body_encoding: "json", params: { grant_type: "account_credentials", account_id: "acc-7" } };
    const out = await executeTool({ method: "GET", url: `${vendor.url}/v1/things` }, { baseUrl: vendor.url, auth, credential: { id: "client-id", secret: "client-secret" }, connectionId: "conn-json", tokens: new TokenCache() });
    expect(out.ok).toBe(true);
    expect(vendor.requests.find((x) => x.path === "/v1/things")!.headers.authorization).toBe("Bearer tok-json");
    const tokenCall = vendor.requests.find((x) => x.path === "/custom/token")!;
    expect(tokenCall.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(tokenCall.body)).toEqual({ grant_type: "account_credentials", account_id: "acc-7" });
  });

  it("basic from templates: a literal user name (Mailgun's api), text after a field (Zendesk's <email>/token)", async () => {
    const mailgun = await call({ mode: "basic", username: ["api"], password: [{ field: "api_key" }] }, { api_key: "key-1" });
    expect(mailgun.headers.authorization).toBe(`Basic ${Buffer.from("api:key-1").toString("base64")}`);
    vendor.reset();
    const zendesk = await call({ mode: "basic", username: [{ field: "email" }, "/token"], password: [{ field: "api_token" }] }, { email: "ana@example.com", api_token: "zt" });
    expect(zendesk.headers.authorization).toBe(`Basic ${Buffer.from("ana@example.com/token:zt").toString("base64")}`);
  });

  it("multi-header values may be templates too", async () => {
    const r = await call({ mode: "api_key_multi_header", headers: { "X-A": "a", "X-B": ["k=", { field: "b" }] } }, { a: "1", b: "2" });
    expect([r.headers["x-a"], r.headers["x-b"]]).toEqual(["1", "k=2"]);
  });

  it("mcp: the connection token as Bearer", async () => {
    const r = await call({ mode: "mcp", field: "connection_token" }, { connection_token: "zap-tok-9" });
    expect(r.headers.authorization).toBe("Bearer zap-tok-9");
  });

  it("a credential missing its field fails naming the field, with nothing sent", async () => {
    const out = await executeTool({ method: "GET", url: `${vendor.url}/v1/things` }, { baseUrl: vendor.url, auth: { mode: "bearer", field: "token" }, credential: {}, connectionId: "c" });
    expect(out).toMatchObject({ ok: false, kind: "missing_credential", retryable: false });
    expect(!out.ok && out.message).toContain('"token"');
    expect(vendor.requests).toHaveLength(0);
  });
});
