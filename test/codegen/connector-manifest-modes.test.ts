// The per-auth-mode rules of the manifest format (codegen/validate/manifest-semantics.ts): each
// mode's inject list has the one shape its executor AuthSpec expresses, anything else is refused
// at gen time with the file, line, JSON path and a fix — never approximated at run time. And
// what the valid shapes compile to (codegen/emit/connector-module.ts authExpr).
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { authExpr } from "../../codegen/emit/connector-module";
import { parseYaml } from "../../codegen/load/yaml-source";
import { checkManifestSemantics, MANIFEST_SCHEMA_COMMENT } from "../../codegen/validate/manifest-semantics";
import type { ManifestView } from "../../codegen/validate/manifest-view";

type Auth = Record<string, unknown>;
const field = (name: string) => ({ name, label: name });

function manifest(auth: Auth, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "acme",
    name: "Acme",
    description: "Acme.",
    categories: ["test"],
    auth,
    ...(auth.mode === "mcp" ? {} : { verify: { method: "GET", path: "/me" }, http: { base_url: "https://api.acme.test" } }),
    tools: auth.mode === "mcp" ? [] : [{ name: "ping", description: "Ping.", input_schema: { type: "object", properties: {} }, request: { method: "GET", path: "/ping" } }],
    ...extra,
  };
}

function check(m: Record<string, unknown>) {
  const text = `# yaml-language-server: $schema=${MANIFEST_SCHEMA_COMMENT}\n${stringify(m)}`;
  const src = parseYaml(text, "connectors/acme.yaml");
  if ("jsonPath" in src) throw new Error(src.message);
  return { diagnostics: checkManifestSemantics(src, src.value as ManifestView, "acme"), text };
}

const VALID: [string, Auth, string][] = [
  ["none", { mode: "none" }, '{ mode: "none" }'],
  ["bearer", { mode: "bearer", fields: [field("token")], inject: [{ in: "header", name: "Authorization", value: "Bearer {{auth.token}}" }] }, '{ mode: "bearer", field: "token" }'],
  ["api_key", { mode: "api_key", fields: [field("key")], inject: [{ in: "header", name: "Authorization", value: "Token token={{auth.key}}" }] }, '{ mode: "api_key", header: "Authorization", field: "key", prefix: "Token token=" }'],
  [
    "basic with literals (Zendesk)",
    { mode: "basic", fields: [field("email"), field("api_token")], inject: [{ in: "basic", username: "{{auth.email}}/token", password: "{{auth.api_token}}" }] },
    '{ mode: "basic", username: [{ field: "email" }, "/token"], password: [{ field: "api_token" }] }',
  ],
  ["basic with a literal user (Mailgun)", { mode: "basic", fields: [field("api_key")], inject: [{ in: "basic", username: "api", password: "{{auth.api_key}}" }] }, '{ mode: "basic", username: ["api"], password: [{ field: "api_key" }] }'],
  ["basic with an empty password (Close)", { mode: "basic", fields: [field("api_key")], inject: [{ in: "basic", username: "{{auth.api_key}}", password: "" }] }, '{ mode: "basic", username: [{ field: "api_key" }], password: [] }'],
  [
    "api_key_query",
    { mode: "api_key_query", fields: [field("key"), field("token")], inject: [{ in: "query", name: "key", value: "{{auth.key}}" }, { in: "query", name: "token", value: "{{auth.token}}" }] },
    '{ mode: "api_key_query", params: { "key": "key", "token": "token" } }',
  ],
  [
    "api_key_multi_header",
    { mode: "api_key_multi_header", fields: [field("a"), field("b")], inject: [{ in: "header", name: "X-A", value: "{{auth.a}}" }, { in: "header", name: "X-B", value: "k={{auth.b}}" }] },
    '{ mode: "api_key_multi_header", headers: { "X-A": "a", "X-B": ["k=", { field: "b" }] } }',
  ],
  ["bot_token", { mode: "bot_token", fields: [field("bot_token")], inject: [{ in: "header", name: "Authorization", value: "Bot {{auth.bot_token}}" }] }, '{ mode: "bot_token", field: "bot_token", scheme: "Bot" }'],
  ["token_in_url_path", { mode: "token_in_url_path", fields: [field("bot_token")], inject: [{ in: "path", value: "/bot{{auth.bot_token}}" }] }, '{ mode: "token_in_url_path", field: "bot_token", prefix: "/bot" }'],
  [
    "oauth2_client_credentials (Zoom: Basic client auth, account_credentials grant, a setting in the params)",
    {
      mode: "oauth2_client_credentials",
      fields: [field("client_id"), field("client_secret")],
      config: [field("account_id")],
      oauth2: { token_url: "https://zoom.us/oauth/token", client_auth: "basic", scopes: ["a", "b"], params: { grant_type: "account_credentials", account_id: "{{config.account_id}}" } },
      inject: [{ in: "header", name: "Authorization", value: "Bearer {{auth.access_token}}" }],
    },
    '{ mode: "oauth2_client_credentials", token_url: "https://zoom.us/oauth/token", client_id_field: "client_id", client_secret_field: "client_secret", scope: "a b", client_auth: "basic", token_body_encoding: "form", params: { "grant_type": "account_credentials", "account_id": cfg(c, "account_id") } }',
  ],
  ["mcp", { mode: "mcp", fields: [field("connection_token")], mcp: { url: "https://mcp.acme.test/mcp" } }, '{ mode: "mcp", field: "connection_token" }'],
];

describe("each auth mode's valid shape passes and compiles to its AuthSpec", () => {
  it.each(VALID)("%s", (_, auth, compiled) => {
    const m = manifest(auth);
    expect(check(m).diagnostics).toEqual([]);
    expect(authExpr(m as unknown as ManifestView)).toBe(compiled);
  });
});

const header = (name: string, value: string) => ({ in: "header", name, value });
const INVALID: [string, Auth, string, RegExp][] = [
  ["bearer with text after the token", { mode: "bearer", fields: [field("t")], inject: [header("Authorization", "Bearer {{auth.t}}x")] }, "$.auth.inject", /exactly one inject entry: Authorization: "Bearer \{\{auth.x\}\}"/],
  ["bearer on another header", { mode: "bearer", fields: [field("t")], inject: [header("X-Token", "Bearer {{auth.t}}")] }, "$.auth.inject", /exactly one inject entry: Authorization/],
  ["api_key with two fields in one header", { mode: "api_key", fields: [field("a"), field("b")], inject: [header("X", "{{auth.a}}:{{auth.b}}")] }, "$.auth.inject", /exactly one inject entry with in: header/],
  ["api_key_multi_header with one header", { mode: "api_key_multi_header", fields: [field("a")], inject: [header("X-A", "{{auth.a}}")] }, "$.auth.inject", /two or more/],
  ["api_key_query with a header", { mode: "api_key_query", fields: [field("a")], inject: [header("X-A", "{{auth.a}}")] }, "$.auth.inject", /in: query only/],
  ["basic with two basic entries", { mode: "basic", fields: [field("a")], inject: [{ in: "basic", username: "{{auth.a}}", password: "" }, { in: "basic", username: "{{auth.a}}", password: "" }] }, "$.auth.inject", /exactly one inject entry, with in: basic/],
  ["basic with no credential in it", { mode: "basic", fields: [field("a")], inject: [{ in: "basic", username: "api", password: "x" }] }, "$.auth.inject[0]", /at least one \{\{auth.x\}\}/],
  ["token_in_url_path without a path entry", { mode: "token_in_url_path", fields: [field("t")], inject: [header("Authorization", "{{auth.t}}")] }, "$.auth.inject", /in: path/],
  ["a path prefix that does not start with /", { mode: "token_in_url_path", fields: [field("t")], inject: [{ in: "path", value: "bot{{auth.t}}" }] }, "$.auth.inject[0].value", /must start with "\/"/],
  ["in: path in another mode", { mode: "bearer", fields: [field("t")], inject: [header("Authorization", "Bearer {{auth.t}}"), { in: "path", value: "/x{{auth.t}}" }] }, "$.auth.inject[1].in", /only for auth mode "token_in_url_path"/],
  ["oauth2 without client_secret", { mode: "oauth2_client_credentials", fields: [field("client_id")], oauth2: { token_url: "https://a.test/token" }, inject: [header("Authorization", "Bearer {{auth.access_token}}")] }, "$.auth.fields", /"client_secret"/],
  ["oauth2 injecting a typed field", { mode: "oauth2_client_credentials", fields: [field("client_id"), field("client_secret")], oauth2: { token_url: "https://a.test/token" }, inject: [header("Authorization", "Bearer {{auth.client_secret}}")] }, "$.auth.inject", /access_token/],
  ["a credential in the oauth2 params", { mode: "oauth2_client_credentials", fields: [field("client_id"), field("client_secret")], oauth2: { token_url: "https://a.test/token", params: { x: "{{auth.client_secret}}" } }, inject: [header("Authorization", "Bearer {{auth.access_token}}")] }, "$.auth.oauth2.params.x", /credentials go only in auth.inject/],
  ["mcp without connection_token", { mode: "mcp", fields: [field("token")], mcp: { url: "https://m.test/mcp" } }, "$.auth.fields", /"connection_token"/],
  ["mcp with inject", { mode: "mcp", fields: [field("connection_token")], mcp: { url: "https://m.test/mcp" }, inject: [header("Authorization", "Bearer {{auth.connection_token}}")] }, "$.auth.inject", /takes no inject/],
];

describe("shapes no mode expresses are refused with file, line, JSON path and a fix", () => {
  it.each(INVALID)("%s", (_, auth, path, message) => {
    const { diagnostics } = check(manifest(auth));
    const d = diagnostics.find((x) => x.jsonPath === path && message.test(x.message));
    expect(d, JSON.stringify(diagnostics, null, 1)).toBeDefined();
    expect(d).toMatchObject({ file: "connectors/acme.yaml" });
    expect(d!.line).toBeGreaterThan(1);
    expect(d!.hint).toBeTruthy();
  });

  it("a credential in a tool's request is refused where it is written (credentials are injected, and redacted, only by the executor)", () => {
    const m = manifest({ mode: "bearer", fields: [field("t")], inject: [header("Authorization", "Bearer {{auth.t}}")] });
    (m.tools as { request: Record<string, unknown> }[])[0]!.request.query = { key: "{{auth.t}}" };
    const { diagnostics, text } = check(m);
    expect(diagnostics).toHaveLength(1);
    const line = text.split("\n").findIndex((l) => l.includes("key: "));
    expect(diagnostics[0]).toMatchObject({ file: "connectors/acme.yaml", line: line + 1, jsonPath: "$.tools[0].request.query.key" });
    expect(diagnostics[0]!.message).toContain("credentials go only in auth.inject");
  });
});
