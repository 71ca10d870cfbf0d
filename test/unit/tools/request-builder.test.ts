// The request builder fills a manifest's holes with input and nothing more: values stay data
// (a path value is one segment, a header value one line), JSON types survive, absent
// optional fields disappear, and credentials are left for the executor to inject.
import { describe, expect, it } from "vitest";
import { toolRequests, type CompiledRequest } from "../../../generated/connectors/requests";
import { buildRequest, formEncode, InputRefused, MissingConfig, TemplateUnsupported } from "../../../runtime/tools/request-builder";

const BASE = "https://api.example.com/v1";
const tool = (name: string) => toolRequests[name]!;
const build = (req: CompiledRequest, input: Record<string, unknown>, config: Record<string, string> = {}) => buildRequest(req, [], BASE, { input, config });
const refusal = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("not refused");
};

describe("path params", () => {
  it("are URL-encoded, so / ? # in a value stay inside their segment", () => {
    const r = build(tool("github/get_file_contents"), { owner: "o", repo: "r", path: "docs/a b?x=1#frag" });
    expect(r.url).toBe(`${BASE}/repos/o/r/contents/docs%2Fa%20b%3Fx%3D1%23frag`);
    const u = new URL(r.url);
    expect([u.pathname, u.search, u.hash]).toEqual(["/v1/repos/o/r/contents/docs%2Fa%20b%3Fx%3D1%23frag", "", ""]);
  });

  it("../ in a value cannot climb out of the repository's path", () => {
    const r = build(tool("github/get_file_contents"), { owner: "o", repo: "r", path: "../../../user/keys" });
    expect(new URL(r.url).pathname).toBe("/v1/repos/o/r/contents/..%2F..%2F..%2Fuser%2Fkeys");
  });

  it.each([".", "..", ""])("a whole segment of %j (which URL parsing would resolve away or empty) is refused, naming the argument", (repo) => {
    const err = refusal(() => build(tool("github/create_issue"), { owner: "o", repo, title: "t" }));
    expect(err).toBeInstanceOf(InputRefused);
    expect(err.message).toContain("repo cannot be");
  });
});

describe("query params", () => {
  it("are omitted when their only ref is absent, stringified otherwise", () => {
    expect(build(tool("stripe/list_customers"), {}).query).toEqual({});
    expect(build(tool("stripe/list_customers"), { limit: 3, email: "a@b.c" }).query).toEqual({ email: "a@b.c", limit: "3" });
  });

  it("arrays are comma-joined, one value per name", () => {
    const req: CompiledRequest = { ...tool("stripe/list_customers"), query: [["labels", [{ ref: "input", path: ["labels"] }]]] };
    expect(build(req, { labels: ["bug", "p1"] }).query).toEqual({ labels: "bug,p1" });
  });
});

describe("headers", () => {
  const req: CompiledRequest = { ...tool("stripe/list_customers"), headers: [["X-Trace", ["t-", { ref: "input", path: ["trace"] }]]] };

  it("carry input values", () => {
    expect(build(req, { trace: "abc" }).headers).toMatchObject({ "x-trace": "t-abc" });
  });

  it.each(["a\r\nX-Admin: 1", "a\nb", "a\rb"])("a line break (%j) is refused, never sent as a second header", (trace) => {
    const err = refusal(() => build(req, { trace }));
    expect(err).toBeInstanceOf(InputRefused);
    expect(err.message).toContain("trace cannot contain a line break");
  });

  it("connector defaults merge case-insensitively with the body's content type (one value, not two)", () => {
    const r = buildRequest(tool("linear/create_issue"), [["Content-Type", ["application/json"]]], BASE, { input: { teamId: "T", title: "x" }, config: {} });
    expect(r.headers).toEqual({ "content-type": "application/json" });
  });
});

describe("JSON bodies", () => {
  it("a lone ref keeps its JSON type; absent optional fields are dropped", () => {
    const r = build(tool("github/create_issue"), { owner: "o", repo: "r", title: "t", labels: ["bug", "ui"] });
    expect(JSON.parse(r.body!)).toEqual({ title: "t", labels: ["bug", "ui"] });
    expect(r.body).not.toContain("assignees");
    const pr = build(tool("github/create_pull_request"), { owner: "o", repo: "r", title: "t", head: "h", base: "main", draft: false });
    expect(JSON.parse(pr.body!).draft).toBe(false);
    const lin = build(tool("linear/create_issue"), { teamId: "T", title: "x", priority: 2 });
    expect(JSON.parse(lin.body!).variables.input).toEqual({ teamId: "T", title: "x", priority: 2 });
  });

  it("text mixed with a ref becomes a string", () => {
    const req: CompiledRequest = { ...tool("github/create_issue"), body: { t: "tpl", parts: ["n=", { ref: "input", path: ["n"] }] } };
    expect(build(req, { n: 5, owner: "o", repo: "r" }).body).toBe('"n=5"');
  });
});

describe("form bodies", () => {
  it("nest Stripe-style: metadata[key]=value, with the form content type", () => {
    const r = build(tool("stripe/create_customer"), { email: "a@b.c", metadata: { plan: "pro", "a b": "x&y" } });
    expect(r.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded" });
    expect([...new URLSearchParams(r.body!)]).toEqual([["email", "a@b.c"], ["metadata[plan]", "pro"], ["metadata[a b]", "x&y"]]);
  });

  it("arrays are indexed and null sends an empty value", () => {
    expect(decodeURIComponent(formEncode({ items: [{ price: "p1" }], desc: null }))).toBe("items[0][price]=p1&desc=");
  });
});

describe("what the builder will not do", () => {
  it("resolve a credential: auth refs belong to the inject list", () => {
    const req: CompiledRequest = { ...tool("stripe/list_customers"), query: [["key", [{ ref: "auth", path: ["secret_key"] }]]] };
    expect(refusal(() => build(req, {}))).toBeInstanceOf(TemplateUnsupported);
  });

  it("invent a missing config value", () => {
    const req: CompiledRequest = { ...tool("stripe/list_customers"), path: ["/sites/", { ref: "config", path: ["site"] }] };
    expect(refusal(() => build(req, {}))).toBeInstanceOf(MissingConfig);
    expect(build(req, {}, { site: "acme" }).url).toBe(`${BASE}/sites/acme`);
  });
});
