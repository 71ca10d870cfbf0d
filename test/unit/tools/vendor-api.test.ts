// Every tool of a vendor that publishes an OpenAPI document matches an operation of that
// document: fixtures/vendor-api/<id>.json holds the trimmed extract (format in its README).
// A tool matches when the method is the same, the full path (base URL path + auth path prefix
// + tool path) has the same segments — literal text equal, parameters where the vendor has
// parameters, with matching names — and every parameter the vendor requires is provided:
// fixed in the template, from a required input, or from the connection (config/auth).
// Three documented escapes, each visible in the extract: a path parameter's `accepts` literals
// (Trello's /members/me), `auth_params` the connection's auth supplies (Slack's token), and an
// operation's own `base_path` when an extract joins documents with different servers.
// Vendors without an extract are skipped (their manifests cite reference pages per tool).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isMap, isSeq, parse, parseDocument } from "yaml";
import type { ConnectorManifest, ConnectorTool } from "../../../generated/schemas/types";

const ROOT = new URL("../../../", import.meta.url);
const EXTRACTS = new URL("fixtures/vendor-api/", ROOT);

export interface VendorParam {
  name: string;
  in: "path" | "query" | "header" | "body" | "formData" | "cookie";
  required: boolean;
  /** Literal values the vendor documents for this path parameter in place of an id (Trello's "me" for {idMember}). */
  accepts?: string[];
}
export interface VendorOperation {
  method: string;
  path: string;
  /** This operation's own server path, when the extract joins documents with different servers (Confluence's v1 and v2). */
  base_path?: string;
  params: VendorParam[];
}
export interface VendorExtract {
  source: string;
  retrieved: string;
  /** Prefix of every operation path when the document's server URL has a path (e.g. "/api/0"). */
  base_path?: string;
  /** Parameters through which the document passes the credential (Slack's `token`): the connection's auth.inject provides them. */
  auth_params?: string[];
  operations: VendorOperation[];
}

/** A path segment: literal text with `{}` where a parameter stands, plus the parameter names. */
interface Segment {
  shape: string;
  params: { name: string; source: "input" | "config" | "auth" | "vendor" }[];
}

/** "/repos/{{input.owner}}/x" or "/repos/{owner}/x" → segments (templates first, then OpenAPI braces). */
function segments(path: string): Segment[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map((seg) => {
      const params: Segment["params"] = [];
      const shape = seg
        // `{{+input.path}}` (several segments) stands where the vendor has one `{path}` parameter.
        .replaceAll(/\{\{\s*\+?(input|config|auth)\.([A-Za-z0-9_]+)\s*\}\}/g, (_, ns: "input" | "config" | "auth", name: string) => {
          params.push({ name, source: ns });
          return "{}";
        })
        .replaceAll(/\{([^{}]+)\}/g, (_, name: string) => {
          params.push({ name, source: "vendor" });
          return "{}";
        });
      return { shape, params };
    });
}

const norm = (s: string) => s.toLowerCase().replaceAll(/[^a-z0-9]/g, "");

/** Parameter names agree: equal once case and separators go, or one is the other plus a qualifier (Sid ~ MessageSid, customer ~ customer_id). */
export function namesAgree(mine: string, theirs: string): boolean {
  const a = norm(mine);
  const b = norm(theirs);
  return a === b || a.endsWith(b) || b.endsWith(a) || a.startsWith(b) || b.startsWith(a);
}

/** The path of the manifest's base URL, its templates kept (BigCommerce's /stores/{{config.store_hash}}). */
function baseUrlPath(m: ConnectorManifest): string {
  if (!m.http) return "";
  const templates: string[] = [];
  const url = new URL(m.http.base_url.replaceAll(/\{\{[^}]*\}\}/g, (t) => `tpl${templates.push(t) - 1}tpl`));
  return url.pathname.replace(/\/$/, "").replaceAll(/tpl(\d+)tpl/g, (_, i: string) => templates[Number(i)] as string);
}

/** The full path a tool's request goes to, as a template: base URL path + auth path prefix + tool path. */
export function fullToolPath(m: ConnectorManifest, tool: ConnectorTool): string {
  const basePath = baseUrlPath(m);
  const prefix = (m.auth.inject ?? []).find((i) => i.in === "path")?.value ?? "";
  return `${basePath}${prefix}${tool.request.path}`.split("?")[0] as string;
}

/** Why `tool` does not match `op` (empty when it does). */
export function mismatches(m: ConnectorManifest, tool: ConnectorTool, op: VendorOperation, basePath = "", authParams: string[] = []): string[] {
  const out: string[] = [];
  if (tool.request.method !== op.method.toUpperCase()) out.push(`method ${tool.request.method} ≠ ${op.method.toUpperCase()}`);
  const mine = segments(fullToolPath(m, tool));
  const theirs = segments(`${basePath}${op.path}`);
  /** A literal segment of mine stands where the vendor has a whole-segment parameter that documents that literal (Trello's /members/me). */
  const accepted = (s: Segment, v: Segment | undefined) =>
    v !== undefined && s.params.length === 0 && v.shape === "{}" && (op.params.find((p) => p.in === "path" && p.name === v.params[0]?.name)?.accepts ?? []).includes(s.shape);
  if (mine.length !== theirs.length || mine.some((s, i) => s.shape !== theirs[i]?.shape && !accepted(s, theirs[i]))) {
    out.push(`path ${fullToolPath(m, tool)} ≠ ${basePath}${op.path}`);
    return out;
  }
  mine.forEach((s, i) => {
    s.params.forEach((p, j) => {
      const v = (theirs[i] as Segment).params[j];
      // A connection setting (config/auth) stands for the account-level parameter whatever its name.
      if (v && p.source === "input" && !namesAgree(p.name, v.name)) out.push(`path parameter {{input.${p.name}}} stands where the vendor has {${v.name}}`);
    });
  });

  const schema = tool.input_schema as { required?: string[] };
  const requiredInputs = new Set(schema.required ?? []);
  /** A template value is provided when it is fixed text, a connection value, or a required input. */
  const provided = (value: unknown): boolean => {
    if (value === undefined) return false;
    if (typeof value !== "string") return true;
    const refs = [...value.matchAll(/\{\{\s*(input|config|auth)\.([A-Za-z0-9_]+)/g)];
    return refs.every((r) => r[1] !== "input" || requiredInputs.has(r[2] as string));
  };
  const body = tool.request.body;
  const wholeBody = typeof body === "string" ? /^\{\{\s*input\.([A-Za-z0-9_]+)\s*\}\}$/.exec(body)?.[1] : undefined;
  const headerNames = new Set(
    [...Object.keys(tool.request.headers ?? {}), ...Object.keys(m.http?.headers ?? {}), ...(m.auth.inject ?? []).flatMap((i) => (i.in === "header" && i.name ? [i.name] : []))].map((h) => h.toLowerCase()),
  );
  const queryNames = new Set((m.auth.inject ?? []).flatMap((i) => (i.in === "query" && i.name ? [i.name] : [])));
  const hasAuth = (m.auth.inject ?? []).length > 0;
  for (const p of op.params.filter((x) => x.required && x.in !== "path")) {
    let ok: boolean;
    if (hasAuth && authParams.includes(p.name)) continue; // the credential, sent however the manifest's auth sends it
    if (p.in === "query") ok = queryNames.has(p.name) || provided(tool.request.query?.[p.name]);
    else if (p.in === "header") ok = headerNames.has(p.name.toLowerCase()) || p.name.toLowerCase() === "authorization";
    else if (p.in === "body" || p.in === "formData") {
      // A multipart file part (`files`) sends its field as much as a body field does.
      const file = tool.request.files?.[p.name]?.content;
      ok = wholeBody !== undefined ? requiredInputs.has(wholeBody) : (body !== null && typeof body === "object" && provided((body as Record<string, unknown>)[p.name])) || provided(file);
    } else ok = true; // cookies: none of the catalog's vendors require one
    if (!ok) out.push(`required ${p.in} parameter "${p.name}" is not provided (fix it in the template or send it from a required input)`);
  }
  return out;
}

/** Edit distance, for naming the nearest operation in a failure. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The operation the tool matches, or a message naming vendor, tool, method, path and the nearest operation. */
export function matchTool(m: ConnectorManifest, tool: ConnectorTool, extract: VendorExtract): { ok: true; op: VendorOperation } | { ok: false; message: string } {
  const base = (op: VendorOperation) => op.base_path ?? extract.base_path;
  for (const op of extract.operations) if (mismatches(m, tool, op, base(op), extract.auth_params).length === 0) return { ok: true, op };
  const here = `${tool.request.method} ${fullToolPath(m, tool)}`;
  const score = (op: VendorOperation) => distance(here, `${op.method.toUpperCase()} ${base(op) ?? ""}${op.path}`);
  const nearest = [...extract.operations].sort((a, b) => score(a) - score(b))[0];
  let why = nearest ? mismatches(m, tool, nearest, base(nearest), extract.auth_params).join("; ") : "the extract has no operations";
  // The usual slip: the document's paths are relative to a server path the manifest keeps in its base URL.
  const basePath = baseUrlPath(m);
  if (nearest && base(nearest) === undefined && basePath !== "" && mismatches(m, tool, nearest, basePath, extract.auth_params).length === 0) {
    why += `; the document's paths are relative to ${basePath}: set "base_path": "${basePath}" in the extract`;
  }
  return {
    ok: false,
    message: `${m.id}/${tool.name} (${here}) matches no operation in fixtures/vendor-api/${m.id}.json; nearest: ${nearest ? `${nearest.method.toUpperCase()} ${base(nearest) ?? ""}${nearest.path}` : "none"} (${why})`,
  };
}

const PARAM_IN = ["path", "query", "header", "body", "formData", "cookie"];

const files = existsSync(EXTRACTS) ? readdirSync(EXTRACTS).filter((f) => f.endsWith(".json")).sort() : [];

describe("vendor API extracts (fixtures/vendor-api/<id>.json)", () => {
  it("the directory has a README describing the format", () => {
    expect(existsSync(new URL("README.md", EXTRACTS))).toBe(true);
  });

  for (const file of files) {
    const id = file.replace(/\.json$/, "");
    const extract = JSON.parse(readFileSync(new URL(file, EXTRACTS), "utf8")) as VendorExtract;
    const manifestUrl = new URL(`connectors/${id}.yaml`, ROOT);

    describe(id, () => {
      it("is well formed: source, date, operations with their path parameters listed as required", () => {
        expect(extract.source, "source: the repository/path or URL of the vendor's document").toMatch(/\S{8,}/);
        expect(extract.retrieved, "retrieved: YYYY-MM-DD").toMatch(/^\d{4}-\d{2}-\d{2}$/);
        if (extract.base_path !== undefined) expect(extract.base_path).toMatch(/^\/[^?#]*[^/]$/);
        expect(extract.operations.length).toBeGreaterThan(0);
        for (const op of extract.operations) {
          const where = `${op.method} ${op.path}`;
          expect(["GET", "POST", "PUT", "PATCH", "DELETE"], where).toContain(op.method.toUpperCase());
          expect(op.path, where).toMatch(/^\//);
          if (op.base_path !== undefined) expect(op.base_path, where).toMatch(/^\/[^?#]*[^/]$/);
          for (const p of op.params) {
            expect(PARAM_IN, `${where} ${p.name}`).toContain(p.in);
            expect(typeof p.required, `${where} ${p.name}`).toBe("boolean");
            if (p.accepts !== undefined) expect(p.in, `${where} ${p.name}: accepts is for path parameters`).toBe("path");
          }
          const inPath = [...op.path.matchAll(/\{([^{}]+)\}/g)].map((x) => x[1]).sort();
          const declared = op.params.filter((p) => p.in === "path").map((p) => p.name).sort();
          expect(declared, `${where}: path parameters listed in params`).toEqual(inPath);
          expect(op.params.filter((p) => p.in === "path").every((p) => p.required), `${where}: path parameters are required`).toBe(true);
        }
      });

      const manifest = existsSync(manifestUrl) ? (parse(readFileSync(manifestUrl, "utf8")) as ConnectorManifest) : undefined;
      for (const tool of manifest?.tools ?? []) {
        it(`${tool.name} matches an operation of the vendor's document`, () => {
          const r = matchTool(manifest as ConnectorManifest, tool, extract);
          if (!r.ok) expect.fail(r.message);
        });
      }
      // An extract without its manifest is stale (or committed before it): say so rather than pass silently.
      it.skipIf(manifest !== undefined)(`connectors/${id}.yaml exists`, () => {
        expect.fail(`fixtures/vendor-api/${file} has no connectors/${id}.yaml`);
      });
    });
  }
});

// Vendors without an OpenAPI extract name the reference page of each tool instead.
const REF = /#\s*ref:\s*https:\/\/\S+/;
const CONNECTORS = new URL("connectors/", ROOT);
const withoutExtract = readdirSync(CONNECTORS)
  .filter((f) => f.endsWith(".yaml") && !files.includes(f.replace(/\.yaml$/, ".json")))
  .sort();

/** For each tool of a manifest's text: its name and whether a `# ref: https://…` comment sits on it (just above or inside). */
export function toolRefs(text: string): { name: string; cited: boolean }[] {
  const doc = parseDocument(text);
  const tools = isMap(doc.contents) ? doc.contents.get("tools", true) : undefined;
  if (!isSeq(tools)) return [];
  // A comment above the first tool belongs to the list, before its range: start at the key.
  let from = Math.max(0, text.search(/^tools:/m));
  return tools.items.map((item) => {
    const end = (item as { range?: [number, number, number] }).range?.[1] ?? from;
    // The text from the previous tool's end to this one's end: the comment above it and its body.
    const span = text.slice(from, end);
    from = end;
    const name = isMap(item) ? String(item.get("name")) : "?";
    return { name, cited: REF.test(span) };
  });
}

describe("manifests without an extract cite a reference page per tool (# ref: https://…)", () => {
  for (const file of withoutExtract) {
    const text = readFileSync(new URL(file, CONNECTORS), "utf8");
    const m = parse(text) as ConnectorManifest;
    if (m.auth.mode === "mcp") continue;
    it(file, () => {
      const missing = toolRefs(text).filter((t) => !t.cited).map((t) => t.name);
      expect(missing, `connectors/${file}: tools without a # ref: comment (or add fixtures/vendor-api/${file.replace(/\.yaml$/, ".json")})`).toEqual([]);
    });
  }

  it("toolRefs sees a comment above a tool or inside it, and not a neighbour's", () => {
    const text = ["tools:", "  # ref: https://x.example/a", "  - name: a", "    description: d", "  - name: b", "    # ref: https://x.example/b", "    description: d", "  - name: c", "    description: d", ""].join("\n");
    expect(toolRefs(text)).toEqual([{ name: "a", cited: true }, { name: "b", cited: true }, { name: "c", cited: false }]);
  });
});

// The matcher itself, on a small made-up vendor, so a lenient matcher cannot pass the real ones.
describe("the matcher", () => {
  const m = {
    id: "acme",
    name: "Acme",
    description: "d",
    categories: ["x"],
    auth: { mode: "bearer", fields: [{ name: "token", label: "t" }], inject: [{ in: "header", name: "Authorization", value: "Bearer {{auth.token}}" }] },
    http: { base_url: "https://api.acme.com/v2" },
    tools: [],
  } as unknown as ConnectorManifest;
  const tool = (over: Partial<ConnectorTool["request"]>, required: string[] = ["org", "id"]): ConnectorTool =>
    ({
      name: "get_thing",
      description: "d",
      input_schema: { type: "object", properties: { org: { type: "string" }, id: { type: "string" }, q: { type: "string" } }, required },
      request: { method: "GET", path: "/orgs/{{input.org}}/things/{{input.id}}.json", ...over },
    }) as ConnectorTool;
  const extract: VendorExtract = {
    source: "acme/openapi openapi.json",
    retrieved: "2026-12-07",
    operations: [
      { method: "GET", path: "/v2/orgs/{org}/things/{thing_id}.json", params: [{ name: "org", in: "path", required: true }, { name: "thing_id", in: "path", required: true }, { name: "q", in: "query", required: true }] },
      { method: "DELETE", path: "/v2/orgs/{org}/things/{thing_id}.json", params: [{ name: "org", in: "path", required: true }, { name: "thing_id", in: "path", required: true }] },
      { method: "POST", path: "/v2/orgs/{org}/things", params: [{ name: "org", in: "path", required: true }, { name: "title", in: "body", required: true }] },
    ],
  };

  it("matches method, base path + path and provided required params", () => {
    expect(matchTool(m, tool({ query: { q: "{{input.q}}" } }, ["org", "id", "q"]), extract)).toMatchObject({ ok: true, op: { method: "GET" } });
    expect(matchTool(m, tool({ query: { q: "fixed" } }), extract).ok).toBe(true);
  });

  it("refuses a required query parameter missing or sent from an optional input", () => {
    const r = matchTool(m, tool({}), extract);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/acme\/get_thing \(GET \/v2\/orgs\/\{\{input\.org\}\}\/things\/\{\{input\.id\}\}\.json\) matches no operation .*nearest: GET \/v2\/orgs\/\{org\}\/things\/\{thing_id\}\.json .*required query parameter "q"/);
    expect(matchTool(m, tool({ query: { q: "{{input.q}}" } }), extract).ok).toBe(false);
  });

  it("suggests base_path when the document's paths omit the base URL's path", () => {
    const relative: VendorExtract = { ...extract, operations: extract.operations.map((op) => ({ ...op, path: op.path.replace(/^\/v2/, "") })) };
    const r = matchTool(m, tool({ query: { q: "x" } }), relative);
    expect(!r.ok && r.message).toMatch(/set "base_path": "\/v2" in the extract/);
    expect(matchTool(m, tool({ query: { q: "x" } }), { ...relative, base_path: "/v2" }).ok).toBe(true);
  });

  it("refuses another method, another literal segment, a missing segment, or a parameter where the vendor has text", () => {
    const q = { query: { q: "x" } };
    expect(matchTool(m, tool({ ...q, method: "PUT" }), extract).ok).toBe(false);
    expect(matchTool(m, tool({ ...q, path: "/orgs/{{input.org}}/thingz/{{input.id}}.json" }), extract).ok).toBe(false);
    expect(matchTool(m, tool({ ...q, path: "/orgs/{{input.org}}/things/{{input.id}}" }), extract).ok).toBe(false);
    expect(matchTool(m, tool({ ...q, path: "/orgs/{{input.org}}/{{input.id}}/{{input.id}}.json" }), extract).ok).toBe(false);
  });

  it("refuses a path parameter whose name disagrees with the vendor's; accepts a qualified one", () => {
    expect(matchTool(m, tool({ query: { q: "x" }, path: "/orgs/{{input.id}}/things/{{input.org}}.json" }), extract).ok).toBe(false);
    expect(namesAgree("MessageSid", "Sid")).toBe(true);
    expect(namesAgree("customer_id", "customer")).toBe(true);
    expect(namesAgree("owner", "repo")).toBe(false);
  });

  it("a literal stands for a path parameter only where the vendor documents it (accepts)", () => {
    const me = tool({ query: { q: "x" }, path: "/orgs/me/things/{{input.id}}.json" }, ["id"]);
    expect(matchTool(m, me, extract).ok).toBe(false);
    const withMe: VendorExtract = { ...extract, operations: extract.operations.map((op) => ({ ...op, params: op.params.map((p) => (p.name === "org" ? { ...p, accepts: ["me"] } : p)) })) };
    expect(matchTool(m, me, withMe).ok).toBe(true);
    expect(matchTool(m, tool({ query: { q: "x" }, path: "/orgs/you/things/{{input.id}}.json" }, ["id"]), withMe).ok).toBe(false);
  });

  it("a connection value in the base URL's path stands for the vendor's parameter there", () => {
    const store = { ...m, http: { base_url: "https://api.acme.com/stores/{{config.store}}/v2" } } as unknown as ConnectorManifest;
    const perStore: VendorExtract = { ...extract, base_path: "/stores/{store_hash}", operations: extract.operations.map((op) => ({ ...op, path: op.path })) };
    expect(fullToolPath(store, tool({}))).toBe("/stores/{{config.store}}/v2/orgs/{{input.org}}/things/{{input.id}}.json");
    expect(matchTool(store, tool({ query: { q: "x" } }), perStore).ok).toBe(true);
    expect(matchTool(m, tool({ query: { q: "x" } }), perStore).ok).toBe(false);
  });

  it("an operation's own base_path overrides the extract's", () => {
    const mixed: VendorExtract = { ...extract, base_path: "/v9", operations: extract.operations.map((op) => ({ ...op, path: op.path.replace(/^\/v2/, ""), base_path: "/v2" })) };
    expect(matchTool(m, tool({ query: { q: "x" } }), mixed).ok).toBe(true);
    expect(matchTool(m, tool({ query: { q: "x" } }), { ...mixed, operations: mixed.operations.map(({ base_path: _, ...op }) => op) }).ok).toBe(false);
  });

  it("auth_params: a credential parameter the document requires is provided by the connection's auth, not by nothing", () => {
    const tokened: VendorExtract = { ...extract, operations: [{ method: "GET", path: "/v2/orgs/{org}/things/{thing_id}.json", params: [{ name: "org", in: "path", required: true }, { name: "thing_id", in: "path", required: true }, { name: "token", in: "header", required: true }] }] };
    expect(matchTool(m, tool({}), tokened).ok).toBe(false);
    expect(matchTool(m, tool({}), { ...tokened, auth_params: ["token"] }).ok).toBe(true);
    const noAuth = { ...m, auth: { mode: "none" } } as unknown as ConnectorManifest;
    expect(matchTool(noAuth, tool({}), { ...tokened, auth_params: ["token"] }).ok).toBe(false);
  });

  it("body parameters: a required body field from a required input, or a whole-body input", () => {
    const post = (body: unknown, required: string[]) => ({ ...tool({ method: "POST", path: "/orgs/{{input.org}}/things", body }, required), input_schema: { type: "object", properties: { org: { type: "string" }, title: { type: "string" }, thing: { type: "object" } }, required } }) as ConnectorTool;
    expect(matchTool(m, post({ title: "{{input.title}}" }, ["org", "title"]), extract).ok).toBe(true);
    expect(matchTool(m, post({ title: "{{input.title}}" }, ["org"]), extract).ok).toBe(false);
    expect(matchTool(m, post("{{input.thing}}", ["org", "thing"]), extract).ok).toBe(true);
    expect(matchTool(m, post({ name: "{{input.title}}" }, ["org", "title"]), extract).ok).toBe(false);
  });
});
