// One real manifest per auth mode, called through callTool against the local mock vendor
// (CONNECTOR_<ID>_URL points each connector at it), and the exact wire form the vendor
// received: header names and values, Basic's base64 of user:password, query parameters,
// Telegram's /bot<token>/ path, the OAuth2 token fetched first and then sent as Bearer. Then
// each new connector's verify request (verifyCredential), which the connect page runs.
// mcp is the one mode not here: H5's tests run it against a real MCP server.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { callTool, verifyCredential } from "../../../runtime/tools/connector-call";
import { type VendorRequest } from "../../support/mock-vendor";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();
let env: Env;
beforeEach(() => {
  // A fresh env object per test: config.ts caches what it read per env object. Each override
  // keeps the manifest's base path, so the paths below are the vendor's real ones.
  env = {
    CONNECTOR_GITHUB_URL: vendor.url,
    CONNECTOR_LINEAR_URL: vendor.url,
    CONNECTOR_TWILIO_URL: `${vendor.url}/2010-04-01`,
    CONNECTOR_DATADOG_URL: vendor.url,
    CONNECTOR_TRELLO_URL: `${vendor.url}/1`,
    CONNECTOR_DISCORD_URL: `${vendor.url}/api/v10`,
    CONNECTOR_TELEGRAM_URL: vendor.url,
    CONNECTOR_HELP_SCOUT_URL: `${vendor.url}/v2`,
  } as unknown as Env;
});

let connection = 0;
/** A new connection per call unless given, so OAuth tokens cached by earlier tests never leak in. */
const opts = (config: Record<string, string> = {}, connectionId = `modes-${++connection}`) => ({ connectionId, config, maxAttempts: 1 });

/** The one request the vendor received (besides token fetches). */
function only(requests: VendorRequest[]): VendorRequest {
  const calls = requests.filter((r) => !r.path.endsWith("/token"));
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

/** Header names that can carry a credential; each test says which one it expects. */
const CREDENTIAL_HEADERS = ["authorization", "dd-api-key", "dd-application-key", "x-api-key"];
function credentialHeaders(req: VendorRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).filter(([h]) => CREDENTIAL_HEADERS.includes(h)));
}

const tested = new Set<string>();
const mode = (name: string, connector: string) => {
  tested.add(name);
  return `${name} (${connector})`;
};

describe("each auth mode on the wire", () => {
  it(mode("bearer", "github"), async () => {
    const out = await callTool(env, "github/create_issue", { owner: "o", repo: "r", title: "Crash" }, { token: "ghp_modesBearer1" }, opts());
    expect(out.ok).toBe(true);
    const req = only(vendor.requests);
    expect(req).toMatchObject({ method: "POST", path: "/repos/o/r/issues", query: {} });
    expect(credentialHeaders(req)).toEqual({ authorization: "Bearer ghp_modesBearer1" });
  });

  it(mode("api_key", "linear"), async () => {
    vendor.script("/graphql", { body: { data: { searchIssues: { nodes: [] } } } });
    const out = await callTool(env, "linear/search_issues", { term: "crash" }, { api_key: "lin_api_modesKey2" }, opts());
    expect(out).toMatchObject({ ok: true, content: "[]" });
    const req = only(vendor.requests);
    // The key itself, no "Bearer " in front.
    expect(credentialHeaders(req)).toEqual({ authorization: "lin_api_modesKey2" });
  });

  it(mode("basic", "twilio"), async () => {
    const account = "AC0123456789abcdef0123456789abcdef";
    const sid = "SKfedcba9876543210fedcba9876543210";
    const secret = "p:ss wörd";
    vendor.script(`/2010-04-01/Accounts/${account}/Messages.json`, { status: 201, body: { sid: "SM1", status: "queued" } });
    const args = { To: "+15550001111", MessagingServiceSid: "MG0123456789abcdef0123456789abcdef", Body: "Your code is 42 & ok" };
    const out = await callTool(env, "twilio/send_sms", args, { sid, secret }, opts({ account_sid: account }));
    expect(out).toMatchObject({ ok: true, status: 201 });
    const req = only(vendor.requests);
    expect(req).toMatchObject({ method: "POST", path: `/2010-04-01/Accounts/${account}/Messages.json`, query: {} });
    // base64 of the UTF-8 "user:password", the password's own ":" kept as is.
    expect(credentialHeaders(req)).toEqual({ authorization: `Basic ${Buffer.from(`${sid}:${secret}`, "utf8").toString("base64")}` });
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual(args);
  });

  it(mode("api_key_multi_header", "datadog"), async () => {
    vendor.script("/api/v1/monitor", { body: [{ id: 1, name: "CPU", overall_state: "OK" }] });
    const creds = { api_key: "ddApiKeyModes3", application_key: "ddAppKeyModes4" };
    const out = await callTool(env, "datadog/list_monitors", { tags: ["env:prod", "team:web"] }, creds, opts({ site: "datadoghq.eu" }));
    expect(out).toMatchObject({ ok: true, content: '[{"id":1,"name":"CPU","overall_state":"OK"}]' });
    const req = only(vendor.requests);
    expect(req).toMatchObject({ method: "GET", path: "/api/v1/monitor", query: { tags: "env:prod,team:web" } });
    expect(credentialHeaders(req)).toEqual({ "dd-api-key": "ddApiKeyModes3", "dd-application-key": "ddAppKeyModes4" });
  });

  it(mode("api_key_query", "trello"), async () => {
    vendor.script("/1/boards/5f0c1a2b3c4d5e6f7a8b9c0d/lists", { body: [{ id: "l1", name: "To do" }] });
    const creds = { api_key: "0123456789abcdef0123456789abcdef", api_token: "ATTAmodesToken5" };
    const out = await callTool(env, "trello/list_board_lists", { board_id: "5f0c1a2b3c4d5e6f7a8b9c0d", cards: "open" }, creds, opts());
    expect(out.ok).toBe(true);
    const req = only(vendor.requests);
    expect(req).toMatchObject({ method: "GET", path: "/1/boards/5f0c1a2b3c4d5e6f7a8b9c0d/lists" });
    expect(req.query).toEqual({ cards: "open", key: creds.api_key, token: creds.api_token });
    expect(credentialHeaders(req)).toEqual({});
  });

  it(mode("bot_token", "discord"), async () => {
    const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GmOdEs.bot-token_6";
    vendor.script("/api/v10/channels/123456789012345678/messages", { body: { id: "m1", content: "Deployed" } });
    const args = { channel_id: "123456789012345678", content: "Deployed", embeds: [{ title: "v1.2", color: 5793266 }] };
    const out = await callTool(env, "discord/send_message", args, { bot_token: token }, opts());
    expect(out.ok).toBe(true);
    const req = only(vendor.requests);
    expect(req).toMatchObject({ method: "POST", path: "/api/v10/channels/123456789012345678/messages", query: {} });
    expect(credentialHeaders(req)).toEqual({ authorization: `Bot ${token}` });
    expect(JSON.parse(req.body)).toEqual({ content: "Deployed", embeds: [{ title: "v1.2", color: 5793266 }] });
  });

  it(mode("token_in_url_path", "telegram"), async () => {
    const token = "123456789:AAmodes-Token_7";
    vendor.script(`/bot${token}/sendMessage`, { body: { ok: true, result: { message_id: 9, text: "hi" } } });
    const out = await callTool(env, "telegram/send_message", { chat_id: -1001234, text: "hi" }, { bot_token: token }, opts());
    expect(out).toMatchObject({ ok: true, content: '{"message_id":9,"text":"hi"}' });
    const req = only(vendor.requests);
    // The token is the first path segment, its ":" unescaped, and appears nowhere else.
    expect(req).toMatchObject({ method: "POST", path: `/bot${token}/sendMessage`, query: {} });
    expect(credentialHeaders(req)).toEqual({});
    expect(JSON.parse(req.body)).toEqual({ chat_id: -1001234, text: "hi" });
    expect(JSON.stringify(req.headers) + req.body).not.toContain("AAmodes");
  });

  it(mode("oauth2_client_credentials", "help-scout"), async () => {
    vendor.serveTokenAt("/v2/oauth2/token");
    vendor.requireToken("/v2/mailboxes");
    vendor.script("/v2/mailboxes", { body: { _embedded: { mailboxes: [{ id: 1, name: "Support" }] }, page: { number: 1 } } });
    const creds = { client_id: vendor.oauth.clientId, client_secret: vendor.oauth.clientSecret };
    const o = opts();
    const first = await callTool(env, "help-scout/list_mailboxes", {}, creds, o);
    const second = await callTool(env, "help-scout/list_mailboxes", {}, creds, o);
    expect(first).toEqual({ ok: true, status: 200, content: '[{"id":1,"name":"Support"}]', truncated: false });
    expect(second).toEqual(first);
    // The token once (form body, client in it), then each call with it as Bearer.
    expect(vendor.tokenFetches).toBe(1);
    const [token, ...calls] = vendor.requests;
    expect(token).toMatchObject({ method: "POST", path: "/v2/oauth2/token" });
    expect(token!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({ grant_type: "client_credentials", client_id: creds.client_id, client_secret: creds.client_secret });
    expect(token!.headers.authorization).toBeUndefined();
    expect(calls.map((c) => [c.method, c.path, credentialHeaders(c)])).toEqual([
      ["GET", "/v2/mailboxes", { authorization: "Bearer tok-1" }],
      ["GET", "/v2/mailboxes", { authorization: "Bearer tok-1" }],
    ]);
  });

  it("a wrong client secret: token_fetch with the endpoint's status, the vendor's API never called, no secret echoed", async () => {
    vendor.serveTokenAt("/v2/oauth2/token");
    const out = await callTool(env, "help-scout/list_mailboxes", {}, { client_id: vendor.oauth.clientId, client_secret: "wrongSecretModes8" }, opts());
    expect(out).toMatchObject({ ok: false, kind: "token_fetch", status: 401 });
    expect(vendor.requests.map((r) => r.path)).toEqual(["/v2/oauth2/token"]);
    expect(JSON.stringify(out)).not.toContain("wrongSecretModes8");
  });
});

describe("each new connector's verify request, as the connect page runs it", () => {
  const account = "AC00112233445566778899aabbccddeeff";
  const cases: { id: string; credential: Record<string, string>; config?: Record<string, string>; method: string; path: string; query?: Record<string, string>; headers: Record<string, string> }[] = [
    { id: "twilio", credential: { sid: account, secret: "twSecret9" }, config: { account_sid: account }, method: "GET", path: `/2010-04-01/Accounts/${account}.json`, headers: { authorization: `Basic ${Buffer.from(`${account}:twSecret9`).toString("base64")}` } },
    { id: "datadog", credential: { api_key: "ddA10", application_key: "ddB11" }, config: { site: "us5.datadoghq.com" }, method: "GET", path: "/api/v1/validate", headers: { "dd-api-key": "ddA10", "dd-application-key": "ddB11" } },
    { id: "trello", credential: { api_key: "trK12", api_token: "trT13" }, method: "GET", path: "/1/members/me", query: { key: "trK12", token: "trT13" }, headers: {} },
    { id: "discord", credential: { bot_token: "dsc.Tok14" }, method: "GET", path: "/api/v10/users/@me", headers: { authorization: "Bot dsc.Tok14" } },
    { id: "telegram", credential: { bot_token: "42:tgTok15" }, method: "GET", path: "/bot42:tgTok15/getMe", headers: {} },
  ];

  it.each(cases)("$id: $method $path", async ({ id, credential, config, method, path, query, headers }) => {
    const out = await verifyCredential(env, id, credential, config ?? {}, opts());
    expect(out.ok).toBe(true);
    const req = only(vendor.requests);
    expect(req).toMatchObject({ method, path, query: query ?? {} });
    expect(credentialHeaders(req)).toEqual(headers);
  });

  it("help-scout: a token first, then GET /v2/users/me with it; a refused client is not ok", async () => {
    vendor.serveTokenAt("/v2/oauth2/token");
    vendor.requireToken("/v2/users");
    const good = await verifyCredential(env, "help-scout", { client_id: vendor.oauth.clientId, client_secret: vendor.oauth.clientSecret }, {}, opts());
    expect(good.ok).toBe(true);
    expect(vendor.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ["POST", "/v2/oauth2/token", undefined],
      ["GET", "/v2/users/me", "Bearer tok-1"],
    ]);
    const bad = await verifyCredential(env, "help-scout", { client_id: vendor.oauth.clientId, client_secret: "nope" }, {}, opts());
    expect(bad).toMatchObject({ ok: false, kind: "token_fetch", status: 401 });
  });

  it("zapier (mcp) has no HTTP verify request here: its token is checked by listing its tools", async () => {
    expect(await verifyCredential(env, "zapier", { connection_token: "z" }, {}, opts())).toMatchObject({ ok: false, kind: "unknown_tool" });
    expect(vendor.requests).toHaveLength(0);
  });
});

describe("coverage", () => {
  it("every auth mode of the manifest format except none and mcp has a wire test above, on a connector of that mode", () => {
    const schema = JSON.parse(readFileSync(new URL("../../../generated/schemas/connector-manifest.schema.json", import.meta.url), "utf8")) as {
      $defs: { AuthMode: { enum: string[] } };
    };
    const modes = schema.$defs.AuthMode.enum.filter((m) => m !== "none" && m !== "mcp");
    expect([...tested].sort()).toEqual([...modes].sort());
    const used: Record<string, string> = { bearer: "github", api_key: "linear", basic: "twilio", api_key_multi_header: "datadog", api_key_query: "trello", bot_token: "discord", token_in_url_path: "telegram", oauth2_client_credentials: "help-scout" };
    for (const [m, id] of Object.entries(used)) {
      const manifest = parse(readFileSync(new URL(`../../../connectors/${id}.yaml`, import.meta.url), "utf8")) as { auth: { mode: string } };
      expect(manifest.auth.mode, id).toBe(m);
    }
  });
});
