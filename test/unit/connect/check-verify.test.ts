// The connect page's checks before and after the vendor: field rules (required, pattern,
// one value, no control characters), and how the vendor's answer becomes connected, refused
// (retry with other details) or unavailable (retry later), its reason never holding a secret.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { checkForm, fieldProblem, MAX_FIELD_CHARS } from "../../../runtime/connect/check-form";
import type { ConnectorForm } from "../../../runtime/connect/connector-form";
import { judged, reasonOf, verifyConnection, type Verifiers } from "../../../runtime/connect/verify";
import type { ToolError } from "../../../runtime/tools/types";

const stripe: ConnectorForm = {
  id: "stripe",
  vendorName: "Stripe",
  mode: "bearer",
  secrets: [{ name: "secret_key", label: "Secret key", pattern: "^(sk|rk)_(live|test)_", placeholder: "sk_live_…", optional: false }],
  settings: [{ name: "account", label: "Account", optional: true }],
};

const form = (entries: [string, string][]) => new URLSearchParams(entries);

describe("checkForm", () => {
  it("takes trimmed values, secrets and settings apart", () => {
    const out = checkForm(stripe, form([["auth.secret_key", "  sk_test_abc\n"], ["config.account", "acct_1"], ["other", "ignored"]]));
    expect(out).toEqual({ credential: { secret_key: "sk_test_abc" }, config: { account: "acct_1" }, errors: {} });
  });

  it("a missing required field, a pattern miss and a field sent twice are errors naming the form field", () => {
    expect(checkForm(stripe, form([])).errors).toEqual({ "auth.secret_key": "is required" });
    expect(checkForm(stripe, form([["auth.secret_key", "pk_test_abc"]])).errors).toEqual({
      "auth.secret_key": "does not have the expected format (it looks like sk_live_…)",
    });
    expect(checkForm(stripe, form([["auth.secret_key", "sk_test_a"], ["auth.secret_key", "sk_test_b"]])).errors["auth.secret_key"]).toMatch(/more than once/);
  });

  it("an optional field may be empty; over-long values and control characters are refused", () => {
    const optional = stripe.settings[0]!;
    expect(fieldProblem(optional, "")).toBeNull();
    expect(fieldProblem(optional, "x".repeat(MAX_FIELD_CHARS + 1))).toMatch(/too long/);
    expect(fieldProblem(optional, "a\u0000b")).toMatch(/control character/);
    expect(fieldProblem({ ...optional, pattern: "^[a-z]+$" }, "ABC")).toBe("does not have the expected format (^[a-z]+$)");
  });
});

const err = (kind: ToolError["kind"], status: number, message = "nope"): ToolError => ({ ok: false, kind, status, message, retryable: false });

describe("judged", () => {
  it("a vendor's 4xx or a token endpoint's refusal is a refusal; 429, 5xx, timeouts and network errors are not", () => {
    expect(judged(err("vendor", 401), [])).toMatchObject({ kind: "refused" });
    expect(judged(err("vendor", 403), [])).toMatchObject({ kind: "refused" });
    expect(judged(err("token_fetch", 400), [])).toMatchObject({ kind: "refused" });
    expect(judged(err("missing_credential", 401), [])).toMatchObject({ kind: "refused" });
    for (const e of [err("vendor", 429), err("vendor", 503), err("timeout", 504), err("network", 502), err("host_refused", 502), err("token_fetch", 500)]) {
      expect(judged(e, []), `${e.kind} ${e.status}`).toMatchObject({ kind: "unavailable" });
    }
  });

  it("the reason never holds a submitted secret and is trimmed to 300 characters", () => {
    expect(reasonOf(err("vendor", 401, "bad key sk_test_SECRET123 for you"), ["sk_test_SECRET123"])).toBe("bad key [redacted] for you");
    expect(reasonOf(err("vendor", 401, "x".repeat(1000)), [])).toHaveLength(301);
    expect(reasonOf(err("vendor", 401, "  "), [])).toBe("the vendor answered 401");
  });
});

describe("verifyConnection", () => {
  const calls: string[] = [];
  const deps = (over: Partial<Verifiers> = {}): Verifiers => ({
    async verifyCredential(_env, id, credential, config, opts) {
      calls.push(`verify ${id} ${JSON.stringify(credential)} ${JSON.stringify(config)} ${opts.connectionId}`);
      return { ok: true, status: 200, content: "{}", truncated: false };
    },
    mcpServerUrl: (_env, id, url, config) => {
      if (!config.region) throw new ApiError("invalid_request", `the ${id} connection has no setting "region"`);
      return url.replace("{{config.region}}", config.region);
    },
    async listMcpTools(_env, url, token) {
      calls.push(`mcp ${url} ${token}`);
      return [{ name: "search" }];
    },
    ...over,
  });
  const env = {} as Env;

  it("runs the manifest's verify for a credential connector, and tools/list at the resolved URL for an MCP one", async () => {
    calls.length = 0;
    expect(await verifyConnection(env, stripe, { credential: { secret_key: "sk_test_1" }, config: {}, connectionId: "conn_1" }, deps())).toEqual({ ok: true, mcpTools: null });
    const mcp: ConnectorForm = { id: "zap", vendorName: "Zap", mode: "mcp", secrets: [], settings: [], mcpUrl: "https://{{config.region}}.mcp.example/mcp" };
    expect(await verifyConnection(env, mcp, { credential: { connection_token: "tok" }, config: { region: "eu" }, connectionId: "conn_2" }, deps())).toEqual({ ok: true, mcpTools: [{ name: "search" }] });
    expect(calls).toEqual(['verify stripe {"secret_key":"sk_test_1"} {} conn_1', "mcp https://eu.mcp.example/mcp tok"]);
  });

  it("an MCP server's refusal (thrown with its outcome) is judged like any vendor's", async () => {
    const mcp: ConnectorForm = { id: "zap", vendorName: "Zap", mode: "mcp", secrets: [], settings: [], mcpUrl: "https://{{config.region}}.mcp.example/mcp" };
    const refusing = deps({ listMcpTools: () => Promise.reject(Object.assign(new Error("x"), { outcome: err("vendor", 401, "token tok-123 invalid") })) });
    expect(await verifyConnection(env, mcp, { credential: { connection_token: "tok-123" }, config: { region: "us" }, connectionId: "c" }, refusing)).toEqual({
      ok: false,
      kind: "refused",
      message: "token [redacted] invalid",
    });
  });

  it("a setting the server URL needs, missing, is a refusal naming it", async () => {
    const mcp: ConnectorForm = { id: "zap", vendorName: "Zap", mode: "mcp", secrets: [], settings: [], mcpUrl: "https://{{config.region}}.mcp.example/mcp" };
    expect(await verifyConnection(env, mcp, { credential: { connection_token: "t" }, config: {}, connectionId: "c" }, deps())).toEqual({
      ok: false,
      kind: "refused",
      message: 'the zap connection has no setting "region"',
    });
  });
});
