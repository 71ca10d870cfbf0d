// codegen/validate/templates.ts: the `{{input.x}}` / `{{auth.x}}` / `{{config.x}}` language
// of connector manifests. Only dotted names are allowed: no expressions, filters or code.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseTemplate, stringsIn, type TemplatePart } from "../../codegen/validate/templates";
import { REPO } from "./support/temp-project";

const ok = (text: string): TemplatePart[] => {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${r.message}`);
  return r.parts;
};
const fails = (text: string): string => {
  const r = parseTemplate(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected, got ${JSON.stringify(r.parts)}`);
  return r.message;
};
/** Writes parts back as a template (references in canonical `{{ns.a.b}}` form). */
const render = (parts: TemplatePart[]) => parts.map((p) => (typeof p === "string" ? p : `{{${p.multi ? "+" : ""}${p.ref}.${p.path.join(".")}}}`)).join("");

describe("parseTemplate: accepted", () => {
  it("plain text is one literal part; the empty string has none", () => {
    expect(ok("application/json")).toEqual(["application/json"]);
    expect(ok("")).toEqual([]);
  });

  it("splits literal text and references, in order", () => {
    expect(ok("Bearer {{auth.token}}")).toEqual(["Bearer ", { ref: "auth", path: ["token"] }]);
    expect(ok("/repos/{{input.owner}}/{{input.repo}}/issues")).toEqual([
      "/repos/",
      { ref: "input", path: ["owner"] },
      "/",
      { ref: "input", path: ["repo"] },
      "/issues",
    ]);
    expect(ok("https://{{config.site}}.atlassian.net")).toEqual(["https://", { ref: "config", path: ["site"] }, ".atlassian.net"]);
  });

  it("adjacent references produce no empty literal between them", () => {
    expect(ok("{{auth.user}}{{auth.pass}}")).toEqual([{ ref: "auth", path: ["user"] }, { ref: "auth", path: ["pass"] }]);
  });

  it("allows dotted paths and whitespace inside the braces", () => {
    expect(ok("{{input.filter.team_id}}")).toEqual([{ ref: "input", path: ["filter", "team_id"] }]);
    expect(ok("{{ input.x }}")).toEqual([{ ref: "input", path: ["x"] }]);
  });

  it("{{+input.x}} is a reference of several path segments (multi); without + there is no multi key", () => {
    expect(ok("/contents/{{+input.path}}")).toEqual(["/contents/", { ref: "input", path: ["path"], multi: true }]);
    expect(ok("{{ +input.path }}")).toEqual([{ ref: "input", path: ["path"], multi: true }]);
    expect(Object.keys(ok("{{input.path}}")[0] as object)).toEqual(["ref", "path"]);
  });

  it("single braces and stray closing braces are literal text", () => {
    expect(ok("{ viewer { id } }")).toEqual(["{ viewer { id } }"]);
    expect(ok("a}}b")).toEqual(["a}}b"]);
  });
});

describe("parseTemplate: rejected, with a message that says what to write", () => {
  it("an unclosed {{ names its 1-based position", () => {
    expect(fails("ab{{input.x")).toBe('unclosed "{{" at character 3 of "ab{{input.x"');
  });

  it.each([
    ["unknown namespace", "{{env.SECRET}}"],
    ["namespace without a name", "{{input}}"],
    ["empty braces", "{{}}"],
    ["a filter", "{{input.x | upper}}"],
    ["a call", "{{constructor.constructor('return 1')()}}"],
    ["an expression", "{{input.a + input.b}}"],
    ["a name starting with a digit", "{{input.1x}}"],
    ["a hyphenated name", "{{input.a-b}}"],
    ["an empty path segment", "{{input.a..b}}"],
    ["an index", "{{input.items[0]}}"],
    ["triple braces", "{{{input.x}}}"],
    ["a + after the namespace", "{{input.+x}}"],
    ["a space after +", "{{+ input.x}}"],
    ["two +", "{{++input.x}}"],
  ])("%s: %s", (_what, text) => {
    expect(fails(text)).toMatch(/is not a valid reference; use \{\{input\.<name>\}\}, \{\{auth\.<name>\}\} or \{\{config\.<name>\}\}/);
  });

  it("one bad reference rejects the whole string, even after good ones", () => {
    expect(fails("{{auth.token}} and {{secrets.x}}")).toContain('"{{secrets.x}}"');
  });
});

describe("stringsIn", () => {
  it("yields every string with its JSON path segments, skipping other scalars", () => {
    const value = { a: ["x", { b: "y", n: 1, t: true, z: null }], c: "w" };
    expect([...stringsIn(value)]).toEqual([
      { text: "x", at: ["a", 0] },
      { text: "y", at: ["a", 1, "b"] },
      { text: "w", at: ["c"] },
    ]);
  });

  it("prefixes paths with the given start, and handles a bare string", () => {
    expect([...stringsIn({ q: "{{input.q}}" }, ["tools", 2, "request"])]).toEqual([{ text: "{{input.q}}", at: ["tools", 2, "request", "q"] }]);
    expect([...stringsIn("s", ["x"])]).toEqual([{ text: "s", at: ["x"] }]);
    expect([...stringsIn(undefined)]).toEqual([]);
  });
});

describe("the real manifests", () => {
  it("every string in connectors/*.yaml parses, and round-trips to the same text", async () => {
    const dir = join(REPO, "connectors");
    let references = 0;
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".yaml"))) {
      const manifest = parse(await readFile(join(dir, file), "utf8")) as { tools: { input_schema: unknown }[] };
      // input_schema holds JSON Schema text (descriptions), not templates.
      const templated = { ...manifest, tools: manifest.tools.map((t) => ({ ...t, input_schema: null })) };
      for (const { text, at } of stringsIn(templated)) {
        const r = parseTemplate(text);
        expect(r.ok, `${file} ${at.join(".")}: ${text}`).toBe(true);
        if (!r.ok) continue;
        if (!/\{\{\s/.test(text)) expect(render(r.parts), `${file} ${at.join(".")}`).toBe(text);
        references += r.parts.filter((p) => typeof p !== "string").length;
      }
    }
    expect(references).toBeGreaterThan(20);
  });
});
