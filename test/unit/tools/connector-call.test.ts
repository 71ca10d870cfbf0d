// A manifest's tool called by name, end to end through the executor, against the local mock
// vendor that CONNECTOR_<ID>_URL points each connector at: what the vendor receives is
// exactly what the manifest describes, and the model gets the selected part back.
import { beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { callTool, prepareToolCall } from "../../../runtime/tools/connector-call";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();
let env: Env;
beforeEach(() => {
  // A fresh env object per test: config.ts caches what it read per env object.
  env = { CONNECTOR_GITHUB_URL: vendor.url, CONNECTOR_LINEAR_URL: vendor.url, CONNECTOR_STRIPE_URL: `${vendor.url}/v1` } as unknown as Env;
});

const GH = { token: "ghp_SECRETtoken123" };
const LIN = { api_key: "lin_api_SECRETkey456" };
const SK = { secret_key: "sk_test_SECRETstripe789" };
const opts = { connectionId: "conn-1", maxAttempts: 1 };

describe("github", () => {
  it("create_issue: encoded path, JSON body with arrays kept, Bearer and the manifest's headers, html_url selected", async () => {
    vendor.script("/repos/my%20org/r/issues", { status: 201, body: { html_url: "https://github.com/o/r/issues/7", id: 7, body: "long" } });
    const out = await callTool(env, "github/create_issue", { owner: "my org", repo: "r", title: "Crash", labels: ["bug", "p1"], assignees: [] }, GH, opts);
    expect(out).toEqual({ ok: true, status: 201, content: "https://github.com/o/r/issues/7", truncated: false });
    const [req] = vendor.requests;
    expect(req).toMatchObject({ method: "POST", path: "/repos/my%20org/r/issues" });
    expect(JSON.parse(req!.body)).toEqual({ title: "Crash", labels: ["bug", "p1"], assignees: [] });
    expect(req!.headers).toMatchObject({
      authorization: "Bearer ghp_SECRETtoken123",
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "content-type": "application/json",
    });
  });

  it("get_file_contents: a nested path keeps its / ({{+input.path}}), each segment encoded, with the ref in the query", async () => {
    vendor.script("/repos/o/r/contents/docs/a%20b%3F.md", { body: { type: "file", content: "aGk=" } });
    const out = await callTool(env, "github/get_file_contents", { owner: "o", repo: "r", path: "docs/a b?.md", ref: "main" }, GH, opts);
    expect(out.ok).toBe(true);
    const [req] = vendor.requests;
    // The mock records the raw request path: "/" between segments, "?" and " " encoded inside one.
    expect(req!.path).toBe("/repos/o/r/contents/docs/a%20b%3F.md");
    expect(req!.query).toEqual({ ref: "main" });
  });

  it.each(["..", "../../x", "docs/../../../user/keys", "/etc/passwd", "docs//x", "docs/", "./x"])("get_file_contents: path %j cannot climb out of the repository: refused before anything is sent", async (path) => {
    const out = await callTool(env, "github/get_file_contents", { owner: "o", repo: "r", path }, GH, opts);
    expect(out).toEqual({
      ok: false,
      kind: "invalid_input",
      status: 400,
      retryable: false,
      message: `Invalid arguments: path must be a relative path such as docs/README.md, with no leading, trailing or doubled "/" and no "." or ".." segment (got ${JSON.stringify(path)}). Fix the arguments and call the tool again.`,
    });
    expect(vendor.requests).toHaveLength(0);
  });

  it("a one-segment path value of exactly .. is refused before anything is sent", async () => {
    const out = await callTool(env, "github/get_issue", { owner: "o", repo: "..", issue_number: 1 }, GH, opts);
    expect(out).toEqual({ ok: false, kind: "invalid_input", status: 400, retryable: false, message: 'Invalid arguments: repo cannot be "..": it is part of the URL path. Fix the arguments and call the tool again.' });
    expect(vendor.requests).toHaveLength(0);
  });

  it("search_issues: the map select keeps total_count beside the items (absent keys left out)", async () => {
    vendor.script("/search/issues", { body: { total_count: 41, incomplete_results: false, items: [{ number: 7 }] } });
    const out = await callTool(env, "github/search_issues", { q: "repo:o/r is:open" }, GH, opts);
    expect(out).toMatchObject({ ok: true, content: '{"total_count":41,"items":[{"number":7}]}' });
  });
});

describe("linear", () => {
  it("create_issue: a GraphQL body, the raw API key as Authorization, the mutation's result selected", async () => {
    vendor.script("/graphql", { body: { data: { issueCreate: { success: true, issue: { id: "i1", identifier: "ENG-1", url: "https://linear.app/i1" } } } } });
    const out = await callTool(env, "linear/create_issue", { teamId: "T1", title: "Bug", priority: 1 }, LIN, opts);
    expect(out.ok && JSON.parse(out.content)).toEqual({ success: true, issue: { id: "i1", identifier: "ENG-1", url: "https://linear.app/i1" } });
    const [req] = vendor.requests;
    expect(req!.headers.authorization).toBe("lin_api_SECRETkey456");
    expect(req!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req!.body);
    expect(body.query).toMatch(/^mutation\(\$input: IssueCreateInput!\)/);
    expect(body.variables).toEqual({ input: { teamId: "T1", title: "Bug", priority: 1 } });
  });
});

describe("stripe", () => {
  it("create_customer: a form body with metadata[...] keys, Bearer secret key, under the base URL's /v1", async () => {
    vendor.script("/v1/customers", { body: { id: "cus_1", email: "a@b.co" } });
    const out = await callTool(env, "stripe/create_customer", { email: "a@b.co", metadata: { plan: "pro", team: "a&b" } }, SK, opts);
    expect(out.ok && JSON.parse(out.content)).toEqual({ id: "cus_1", email: "a@b.co" });
    const [req] = vendor.requests;
    expect(req).toMatchObject({ method: "POST", path: "/v1/customers" });
    expect(req!.headers).toMatchObject({ authorization: "Bearer sk_test_SECRETstripe789", "content-type": "application/x-www-form-urlencoded" });
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({ email: "a@b.co", "metadata[plan]": "pro", "metadata[team]": "a&b" });
  });

  it("list_customers: absent filters are not sent at all; data and has_more selected (the next page's cursor is the last id)", async () => {
    vendor.script("/v1/customers", { body: { object: "list", url: "/v1/customers", data: [{ id: "cus_1" }], has_more: true } });
    const out = await callTool(env, "stripe/list_customers", { limit: 2 }, SK, opts);
    expect(out).toMatchObject({ ok: true, content: '{"data":[{"id":"cus_1"}],"has_more":true}' });
    expect(vendor.requests[0]).toMatchObject({ method: "GET", query: { limit: "2" }, body: "" });
  });
});

describe("errors", () => {
  it("an unknown tool is a structured error naming it", async () => {
    const out = await callTool(env, "github/delete_everything", {}, GH, opts);
    expect(out).toMatchObject({ ok: false, kind: "unknown_tool", status: 404 });
    expect(out.ok === false && out.message).toContain('"github/delete_everything"');
    expect(vendor.requests).toHaveLength(0);
  });

  it("invalid arguments get the executor's model-actionable message and send nothing", async () => {
    const out = await callTool(env, "stripe/list_customers", { limit: 0, sort: "x" }, SK, opts);
    expect(out).toMatchObject({ ok: false, kind: "invalid_input", message: "Invalid arguments: sort is not a known argument; limit must be >= 1. Fix the arguments and call the tool again." });
    expect(vendor.requests).toHaveLength(0);
  });

  it("a bad override is a config error naming the var (and not echoing its value)", async () => {
    const bad = { CONNECTOR_GITHUB_URL: "ftp://user:pw@example" } as unknown as Env;
    let err: unknown;
    try {
      await prepareToolCall(bad, "github/create_issue", { owner: "o", repo: "r", title: "t" }, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(500);
    expect((err as ApiError).message).toContain("CONNECTOR_GITHUB_URL must be an absolute http(s):// URL");
    expect((err as ApiError).message).not.toContain("pw");
  });

  it("a vendor echoing the credential: never in the result, the error or a log line", async () => {
    vendor.script("/v1/customers", { status: 401, body: { error: { message: `Invalid API Key provided: ${SK.secret_key}` } } });
    const lines: string[] = [];
    const failed = await callTool(env, "stripe/list_customers", {}, SK, { ...opts, log: (l) => lines.push(l) });
    vendor.script("/graphql", { body: { data: { issueCreate: { echoed: LIN.api_key } } } });
    const echoed = await callTool(env, "linear/create_issue", { teamId: "T", title: "x" }, LIN, { ...opts, log: (l) => lines.push(l) });
    expect(failed).toMatchObject({ ok: false, kind: "vendor", status: 401 });
    const all = JSON.stringify([failed, echoed, lines]);
    expect(all).toContain("[redacted]");
    expect(all).not.toContain("SECRET");
  });
});

describe("production", () => {
  it("ignores CONNECTOR_<ID>_URL: the call is built for the manifest's real host", async () => {
    const prod = { ENVIRONMENT: "production", CONNECTOR_GITHUB_URL: vendor.url, CONNECTOR_STRIPE_URL: vendor.url } as unknown as Env;
    const gh = await prepareToolCall(prod, "github/create_issue", { owner: "o", repo: "r", title: "t" }, {});
    const st = await prepareToolCall(prod, "stripe/list_customers", {}, {});
    expect("request" in gh && [gh.baseUrl, gh.request.url]).toEqual(["https://api.github.com", "https://api.github.com/repos/o/r/issues"]);
    expect("request" in st && st.request.url).toBe("https://api.stripe.com/v1/customers");
    expect(vendor.requests).toHaveLength(0);
  });

  it("the same env outside production uses the override", async () => {
    const dev = { CONNECTOR_GITHUB_URL: vendor.url } as unknown as Env;
    const gh = await prepareToolCall(dev, "github/create_issue", { owner: "o", repo: "r", title: "t" }, {});
    expect("request" in gh && gh.request.url).toBe(`${vendor.url}/repos/o/r/issues`);
  });
});
