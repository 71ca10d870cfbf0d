// The three manifest-format additions of issue 18 (codegen/validate/manifest-requests.ts and
// codegen/emit/connector-module.ts): `response.select` as a map of named paths, `{{+input.x}}`
// path values of several segments, and `body_encoding: multipart` with base64 file parts. Each
// misuse is refused at gen time with the file, line, JSON path and a fix; the valid shapes are
// accepted by the JSON Schema and the semantic checks and compile to code (no path or template
// interpreted at run time). The wire form of the compiled code: test/unit/tools/format-gaps-wire.test.ts.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { emitConnectorModule } from "../../codegen/emit/connector-module";
import { parseYaml } from "../../codegen/load/yaml-source";
import { checkManifestSemantics, MANIFEST_SCHEMA_COMMENT } from "../../codegen/validate/manifest-semantics";
import type { ManifestView } from "../../codegen/validate/manifest-view";
import { REPO } from "./support/temp-project";

type Tool = Record<string, unknown>;

const str = (description = "A string value.") => ({ type: "string", description });
function manifest(tools: Tool[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "acme",
    name: "Acme",
    description: "Acme.",
    categories: ["test"],
    auth: { mode: "none" },
    http: { base_url: "https://api.acme.test" },
    tools,
    ...extra,
  };
}
const tool = (request: Record<string, unknown>, properties: Record<string, unknown> = { path: str(), file: str() }, response?: Record<string, unknown>): Tool => ({
  name: "act",
  description: "Does a thing.",
  input_schema: { type: "object", properties, required: Object.keys(properties).filter((k) => k === "path") },
  request,
  ...(response ? { response } : {}),
});

function check(m: Record<string, unknown>) {
  const text = `# yaml-language-server: $schema=${MANIFEST_SCHEMA_COMMENT}\n${stringify(m)}`;
  const src = parseYaml(text, "connectors/acme.yaml");
  if ("jsonPath" in src) throw new Error(src.message);
  return { diagnostics: checkManifestSemantics(src, src.value as ManifestView, "acme"), lines: text.split("\n") };
}

const upload = (over: Record<string, unknown> = {}) => ({
  method: "POST",
  path: "/upload",
  body_encoding: "multipart",
  body: { purpose: "transcribe", tags: ["a", "b"] },
  files: { file: { content: "{{input.file}}", filename: "{{input.path}}", content_type: "audio/mpeg", max_bytes: 1024 } },
  ...over,
});

describe("valid shapes pass the semantic checks and the JSON Schema", () => {
  const schema = async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    return ajv.compile(JSON.parse(await readFile(join(REPO, "generated/schemas/connector-manifest.schema.json"), "utf8")));
  };

  it.each([
    ["a one-path select", tool({ method: "GET", path: "/x" }, {}, { select: "data.items", max_chars: 100 })],
    ["a map select with [] and the vendor's own key names", tool({ method: "GET", path: "/x" }, {}, { select: { items: "data[].id", _metadata: "_metadata", next_cursor: "meta.next", all: "[].name" }, max_chars: 100 })],
    ["{{+input.path}} in the path", tool({ method: "GET", path: "/files/{{+input.path}}/raw" })],
    ["a multipart upload", tool(upload())],
    ["a multipart upload with files only", tool(upload({ body: undefined }))],
  ])("%s", async (_, t) => {
    const m = manifest([t]);
    expect(check(m).diagnostics).toEqual([]);
    const validate = await schema();
    expect(validate(JSON.parse(JSON.stringify(m))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("the JSON Schema bounds max_bytes (1 byte to 10 MiB) and requires it", async () => {
    const validate = await schema();
    const withFile = (file: Record<string, unknown>) => JSON.parse(JSON.stringify(manifest([tool(upload({ files: { file } }))])));
    expect(validate(withFile({ content: "{{input.file}}", max_bytes: 10 * 1024 * 1024 }))).toBe(true);
    expect(validate(withFile({ content: "{{input.file}}", max_bytes: 10 * 1024 * 1024 + 1 }))).toBe(false);
    expect(validate(withFile({ content: "{{input.file}}", max_bytes: 0 }))).toBe(false);
    expect(validate(withFile({ content: "{{input.file}}" }))).toBe(false);
    expect(validate(JSON.parse(JSON.stringify(manifest([tool({ method: "POST", path: "/x", body_encoding: "xml" })]))))).toBe(false);
  });
});

const INVALID: [string, Record<string, unknown>, string, RegExp, string][] = [
  ["{{+input.x}} in a query parameter", manifest([tool({ method: "GET", path: "/x", query: { p: "{{+input.path}}" } })]), "$.tools[0].request.query.p", /only for a tool's request\.path/, "p: "],
  ["{{+input.x}} in the verify path", manifest([tool({ method: "GET", path: "/x" })], { auth: { mode: "bearer", fields: [{ name: "t", label: "T" }], inject: [{ in: "header", name: "Authorization", value: "Bearer {{auth.t}}" }] }, verify: { method: "GET", path: "/me/{{+input.path}}" } }), "$.verify.path", /only for a tool's request\.path, with an input/, "path: /me/"],
  ["{{+config.x}} in a tool path", manifest([tool({ method: "GET", path: "/{{+config.site}}/x" })], { auth: { mode: "none", config: [{ name: "site", label: "Site" }] } }), "$.tools[0].request.path", /only for a tool's request\.path, with an input/, "path: /{{+config"],
  ["{{+input.x}} on an integer input", manifest([tool({ method: "GET", path: "/x/{{+input.path}}" }, { path: { type: "integer", description: "A number value." } })]), "$.tools[0].request.path", /needs a string input .* "path" has type "integer"/, "path: /x/"],
  ["an empty select map", manifest([tool({ method: "GET", path: "/x" }, {}, { select: {} })]), "$.tools[0].response.select", /select is an empty map/, "select: {}"],
  ["a select key that is not a plain name", manifest([tool({ method: "GET", path: "/x" }, {}, { select: { "next-cursor": "meta.next" } })]), '$.tools[0].response.select["next-cursor"]', /select key "next-cursor" is not a plain name/, "next-cursor:"],
  ["a select path with a space", manifest([tool({ method: "GET", path: "/x" }, {}, { select: "data items" })]), "$.tools[0].response.select", /select path "data items" is not a dot path/, "select: data items"],
  ["a select path with [] in the middle of a key", manifest([tool({ method: "GET", path: "/x" }, {}, { select: "a[]b" })]), "$.tools[0].response.select", /is not a dot path/, "select: a[]b"],
  ["a select path ending in a dot", manifest([tool({ method: "GET", path: "/x" }, {}, { select: { items: "data." } })]), "$.tools[0].response.select.items", /"data\." is not a dot path/, "items: data."],
  ["files without multipart", manifest([tool(upload({ body_encoding: "form" }))]), "$.tools[0].request.files", /files are only sent by a multipart body/, "files:"],
  ["multipart with GET", manifest([tool(upload({ method: "GET" }))]), "$.tools[0].request.method", /cannot be sent with GET/, "method: GET"],
  ["multipart without files", manifest([tool(upload({ files: undefined }))]), "$.tools[0].request", /needs at least one entry in files/, "request:"],
  ["a nested multipart field", manifest([tool(upload({ body: { meta: { a: "b" } } }))]), "$.tools[0].request.body.meta", /multipart field "meta" is an object/, "meta:"],
  ["a multipart body that is a list", manifest([tool(upload({ body: ["a"] }))]), "$.tools[0].request.body", /must be a map of form fields/, "body:"],
  ["a form field and a file of the same name", manifest([tool(upload({ body: { file: "x" } }))]), "$.tools[0].request.body.file", /"file" is both a form field and a file/, "file: x"],
  ["file content mixing text and a ref", manifest([tool(upload({ files: { file: { content: "b64:{{input.file}}", max_bytes: 10 } } }))]), "$.tools[0].request.files.file.content", /exactly one \{\{input\.x\}\}/, "content: b64:"],
  ["file content from a setting", manifest([tool(upload({ files: { file: { content: "{{config.site}}", max_bytes: 10 } } }))], { auth: { mode: "none", config: [{ name: "site", label: "Site" }] } }), "$.tools[0].request.files.file.content", /exactly one \{\{input\.x\}\}/, "content:"],
  ["file content from a non-string input", manifest([tool(upload(), { path: str(), file: { type: "object", description: "An object value." } })]), "$.tools[0].request.files.file.content", /"file" must have type string/, "content:"],
];

describe("misuses are refused with file, line, JSON path and a fix", () => {
  it.each(INVALID)("%s", (_, m, path, message, lineText) => {
    const { diagnostics, lines } = check(m);
    const d = diagnostics.find((x) => x.jsonPath === path && message.test(x.message));
    expect(d, JSON.stringify(diagnostics, null, 1)).toBeDefined();
    expect(d).toMatchObject({ file: "connectors/acme.yaml" });
    expect(lines[d!.line - 1], `line ${d!.line}`).toContain(lineText);
    expect(d!.hint).toMatch(/\w{3,}/);
  });

  it("an undeclared input in a file part is reported like any other reference", () => {
    const { diagnostics } = check(manifest([tool(upload({ files: { file: { content: "{{input.nope}}", max_bytes: 10 } } }))]));
    expect(diagnostics.map((d) => [d.jsonPath, d.message])).toEqual([["$.tools[0].request.files.file.content", '{{input.nope}} refers to "nope", which is not in the tool\'s input_schema.properties']]);
  });

  it("a {{+input.x}} path parameter must be declared and required, like any path parameter", () => {
    const { diagnostics } = check(manifest([tool({ method: "GET", path: "/x/{{+input.file}}" })]));
    expect(diagnostics.map((d) => d.message)).toEqual(['path parameter "file" must be required']);
  });
});

describe("what the shapes compile to: code, not data to interpret", () => {
  const source = (t: Tool) => emitConnectorModule(manifest([t]) as unknown as ManifestView, () => "v0");

  it("a select path is keys through arg() and each [] a map with each(); a map select an object of fields()", () => {
    expect(source(tool({ method: "GET", path: "/x" }, {}, { select: "data.items" }))).toContain('select: (r: unknown) => arg(r, "data", "items"),');
    expect(source(tool({ method: "GET", path: "/x" }, {}, { select: "data[].tags[].name" }))).toContain('select: (r: unknown) => each(arg(r, "data"), (x1) => each(arg(x1, "tags"), (x2) => arg(x2, "name"))),');
    expect(source(tool({ method: "GET", path: "/x" }, {}, { select: "[].id" }))).toContain('select: (r: unknown) => each(r, (x1) => arg(x1, "id")),');
    expect(source(tool({ method: "GET", path: "/x" }, {}, { select: { items: "results", next_cursor: "paging.next.after" } }))).toContain(
      'select: (r: unknown) => fields([["items", arg(r, "results")], ["next_cursor", arg(r, "paging", "next", "after")]]),',
    );
    expect(source(tool({ method: "GET", path: "/x" }))).toContain("select: null,");
  });

  it("{{+input.x}} compiles to segs(), {{input.x}} to seg(); each is imported only where used", () => {
    const multi = source(tool({ method: "GET", path: "/a/{{input.path}}/b/{{+input.file}}" }, { path: str(), file: str() }));
    expect(multi).toContain('"/a/" + seg(arg(i, "path"), "path") + "/b/" + segs(arg(i, "file"), "file")');
    expect(multi).toMatch(/import \{[^}]*\bsegs\b[^}]*\} from "\.\/connector-runtime"/);
    expect(multi).not.toMatch(/import \{[^}]*\beach\b/);
    const plain = source(tool({ method: "GET", path: "/a/{{input.path}}" }));
    expect(plain).not.toMatch(/\bsegs\b/);
  });

  it("a multipart body lists its fields and its file parts (field, content, file name, type, byte limit, argument)", () => {
    expect(source(tool(upload()))).toContain(
      '{ value: fields([["purpose", "transcribe"], ["tags", items(["a", "b"])]]), encoding: "multipart", files: [["file", arg(i, "file"), arg(i, "path"), "audio/mpeg", 1024, "file"]] }',
    );
    expect(source(tool(upload({ body: undefined, files: { doc: { content: "{{input.file}}", max_bytes: 5 } } })))).toContain('{ value: undefined, encoding: "multipart", files: [["doc", arg(i, "file"), undefined, undefined, 5, "file"]] }');
  });
});
