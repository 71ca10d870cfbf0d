// The compiled request builders fill a manifest's holes with input and nothing more: values stay
// data (a path value is one segment, a header value one line), JSON types survive, absent
// optional fields disappear, and credentials are left for the executor to inject. Run against
// the project's generated modules, and a fixture manifest compiled the same way for the shapes
// those do not have.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ManifestView } from "../../../codegen/validate/manifest-view";
import { formEncode, InputRefused, MissingConfig, type CompiledTool, type ConnectorModule } from "../../../generated/connectors/connector-runtime";
import { loadConnector } from "../../../generated/connectors/registry";
import { compileFixture, type CompiledFixture } from "../../codegen/connector-fixture";
import { refusal } from "../../support/refusal";

const BASE = "https://api.example.com/v1";
const modules = new Map<string, ConnectorModule>();
let fixture: CompiledFixture;

const FIXTURE: ManifestView = {
  id: "shapes",
  name: "Shapes",
  description: "Builder shapes.",
  categories: ["test"],
  auth: { mode: "none", config: [{ name: "site" }] },
  http: { base_url: "https://shapes.example" },
  tools: [
    {
      name: "tagged",
      description: "Arrays in the query, a templated header.",
      input_schema: { type: "object", properties: { labels: { type: "array", items: { type: "string" } }, trace: { type: "string" } } },
      request: { method: "GET", path: "/things", query: { labels: "{{input.labels}}" }, headers: { "X-Trace": "t-{{input.trace}}" } },
    },
    {
      name: "mixed",
      description: "Text mixed with a ref as the whole body.",
      input_schema: { type: "object", properties: { n: { type: "integer" } } },
      request: { method: "POST", path: "/n", body: "n={{input.n}}" },
    },
    {
      name: "sited",
      description: "A setting in the path.",
      input_schema: { type: "object", properties: {} },
      request: { method: "GET", path: "/sites/{{config.site}}" },
    },
    {
      name: "nested",
      description: "Nested body, literals, a __proto__ key.",
      input_schema: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } } },
      request: { method: "POST", path: "/nested", body: { outer: { a: "{{input.a}}", fixed: 3, list: ["{{input.a}}", "{{input.b}}", "lit"] }, ["__proto__"]: "{{input.b}}" } },
    },
  ],
};

beforeAll(async () => {
  for (const id of ["github", "linear", "stripe"]) modules.set(id, (await loadConnector(id))!);
  fixture = await compileFixture(FIXTURE);
}, 60_000);
afterAll(() => fixture?.remove());

const tool = (name: string): CompiledTool<Record<string, unknown>> => {
  const [c, t] = name.split("/") as [string, string];
  const found = (c === "shapes" ? fixture.connector : modules.get(c))?.tools[t];
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};
/** A built request whose body is text (JSON or form; multipart bytes are tested in multipart-body.test.ts). */
const build = (name: string, input: Record<string, unknown>, config: Record<string, string> = {}) => {
  const r = tool(name).build(input, config, BASE);
  if (r.body instanceof Uint8Array) throw new Error(`${name} built a binary body`);
  return { ...r, body: r.body };
};

describe("path params", () => {
  it("are URL-encoded, so / ? # in a value stay inside their segment", () => {
    const r = build("github/get_issue", { owner: "o", repo: "docs/a b?x=1#frag", issue_number: 3 });
    expect(r.url).toBe(`${BASE}/repos/o/docs%2Fa%20b%3Fx%3D1%23frag/issues/3`);
    const u = new URL(r.url);
    expect([u.pathname, u.search, u.hash]).toEqual(["/v1/repos/o/docs%2Fa%20b%3Fx%3D1%23frag/issues/3", "", ""]);
  });

  it("../ in a one-segment value cannot climb out of the repository's path", () => {
    const r = build("github/get_issue", { owner: "o", repo: "../../../user/keys", issue_number: 3 });
    expect(new URL(r.url).pathname).toBe("/v1/repos/o/..%2F..%2F..%2Fuser%2Fkeys/issues/3");
  });

  it.each([".", "..", ""])("a whole segment of %j (which URL parsing would resolve away or empty) is refused, naming the argument", (repo) => {
    const err = refusal(() => build("github/create_issue", { owner: "o", repo, title: "t" }));
    expect(err).toBeInstanceOf(InputRefused);
    expect(err.message).toContain("repo cannot be");
  });

  it("is emitted as code: string concatenation with seg(), no template left to interpret", () => {
    expect(fixture.source).toContain(`"/sites/" + seg(cfg(c, "site"), "site")`);
    expect(fixture.source).not.toMatch(/\{\{/);
  });
});

describe("query params", () => {
  it("are omitted when their only ref is absent, stringified otherwise", () => {
    expect(build("stripe/list_customers", {}).query).toEqual({});
    expect(build("stripe/list_customers", { limit: 3, email: "a@b.c" }).query).toEqual({ email: "a@b.c", limit: "3" });
  });

  it("arrays are comma-joined, one value per name", () => {
    expect(build("shapes/tagged", { labels: ["bug", "p1"] }).query).toEqual({ labels: "bug,p1" });
  });
});

describe("headers", () => {
  it("carry input values", () => {
    expect(build("shapes/tagged", { trace: "abc" }).headers).toMatchObject({ "x-trace": "t-abc" });
  });

  it.each(["a\r\nX-Admin: 1", "a\nb", "a\rb"])("a line break (%j) is refused, never sent as a second header", (trace) => {
    const err = refusal(() => build("shapes/tagged", { trace }));
    expect(err).toBeInstanceOf(InputRefused);
    expect(err.message).toContain("trace cannot contain a line break");
  });

  it("connector defaults merge case-insensitively with the body's content type (one value, not two)", () => {
    const r = build("linear/create_issue", { teamId: "T", title: "x" });
    expect(r.headers).toEqual({ "content-type": "application/json" });
  });
});

describe("JSON bodies", () => {
  it("a lone ref keeps its JSON type; absent optional fields are dropped", () => {
    const r = build("github/create_issue", { owner: "o", repo: "r", title: "t", labels: ["bug", "ui"] });
    expect(JSON.parse(r.body!)).toEqual({ title: "t", labels: ["bug", "ui"] });
    expect(r.body).not.toContain("assignees");
    const pr = build("github/create_pull_request", { owner: "o", repo: "r", title: "t", head: "h", base: "main", draft: false });
    expect(JSON.parse(pr.body!).draft).toBe(false);
    const lin = build("linear/create_issue", { teamId: "T", title: "x", priority: 2 });
    expect(JSON.parse(lin.body!).variables.input).toEqual({ teamId: "T", title: "x", priority: 2 });
  });

  it("text mixed with a ref becomes a string", () => {
    expect(build("shapes/mixed", { n: 5 }).body).toBe('"n=5"');
  });

  it("nested objects and arrays keep literals and drop absent items; a __proto__ key is a plain field", () => {
    const r = build("shapes/nested", { a: "x", b: "y" });
    const parsed = JSON.parse(r.body!) as Record<string, unknown>;
    expect(parsed.outer).toEqual({ a: "x", fixed: 3, list: ["x", "y", "lit"] });
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect(JSON.parse(build("shapes/nested", { a: "x" }).body!)).toEqual({ outer: { a: "x", fixed: 3, list: ["x", "lit"] } });
  });
});

describe("form bodies", () => {
  it("nest Stripe-style: metadata[key]=value, with the form content type", () => {
    const r = build("stripe/create_customer", { email: "a@b.c", metadata: { plan: "pro", "a b": "x&y" } });
    expect(r.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded" });
    expect([...new URLSearchParams(r.body!)]).toEqual([["email", "a@b.c"], ["metadata[plan]", "pro"], ["metadata[a b]", "x&y"]]);
  });

  it("arrays are indexed and null sends an empty value", () => {
    expect(decodeURIComponent(formEncode({ items: [{ price: "p1" }], desc: null }))).toBe("items[0][price]=p1&desc=");
  });
});

describe("what the builder will not do", () => {
  it("resolve a credential: no compiled module refers to one (auth refs are refused outside inject by codegen)", () => {
    for (const m of modules.values()) for (const t of Object.values(m.tools)) expect(t.build.toString()).not.toMatch(/auth|credential/i);
  });

  it("invent a missing config value", () => {
    expect(refusal(() => build("shapes/sited", {}))).toBeInstanceOf(MissingConfig);
    expect(build("shapes/sited", {}, { site: "acme" }).url).toBe(`${BASE}/sites/acme`);
  });
});
