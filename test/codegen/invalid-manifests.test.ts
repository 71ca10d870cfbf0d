// An invalid connector manifest fails codegen with file:line:column, the JSON path and a
// fix hint, and nothing is written. Each fixture is fixtures/manifests/valid/sentry.yaml
// with its id set to the case name and exactly one defect.
import { copyFile, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodegenError, type Diagnostic } from "../../codegen/diagnostics";
import { generate } from "../../codegen/pipeline";
import { columnOf, FIXTURES, lineOf, makeTempProject, removeTempProject, runGen, snapshotDir } from "./support/temp-project";

interface Case {
  /** The JSON path reported. */
  path: string;
  /** Text on the defect's line (`nth` occurrence), and where on that line the column points. */
  line: string;
  nth?: number;
  column: string;
  message: RegExp;
  /** Diagnostics expected for the file; more than one only when one slip breaks two rules. */
  count?: number;
}

const CASES: Record<string, Case> = {
  "unknown-auth-mode": { path: "$.auth.mode", line: "mode: magic", column: "magic", message: /must be one of: .*"bearer"/ },
  "missing-tool-name": { path: "$.tools[1]", line: "- description: Get the details", column: "description", message: /missing required property "name"/ },
  "unknown-input-reference": { path: "$.tools[0].request.query.cursor", line: "{{input.nope}}", column: '"{{input.nope}}"', message: /\{\{input\.nope\}\} refers to "nope", which is not in the tool's input_schema/ },
  "duplicate-tool-name": { path: "$.tools[2].name", line: "- name: get_issue", nth: 2, column: "get_issue", message: /duplicate tool name "get_issue" \(also tools\[1\]\)/ },
  "path-param-not-in-schema": { path: "$.tools[1].request.path", line: "{{input.issue_id}}", column: "/organizations/", message: /path parameter "issue_id" is missing from input_schema/, count: 2 },
  "single-brace-path-param": { path: "$.tools[1].request.path", line: "/{issue_id}/", column: "/organizations/", message: /path parameter \{issue_id\} is not a template/ },
  "yaml-syntax-error": { path: "$", line: "assign an issue: status", column: "Resolve", message: /^YAML syntax error: Nested mappings/ },
  "duplicate-yaml-key": { path: "$", line: "description: Fetch one issue.", column: "description", message: /^YAML syntax error: Map keys must be unique/ },
  "unknown-top-level-property": { path: "$.owner", line: "owner: platform-team", column: "platform-team", message: /^unknown property "owner"$/ },
  "misspelled-tool-property": { path: "$.tools[2].descripton", line: "descripton:", column: "Resolve", message: /^unknown property "descripton"$/, count: 2 },
  "id-mismatch": { path: "$.id", line: "id: sentry", column: "sentry", message: /id "sentry" does not match the file name "id-mismatch\.yaml"/ },
  "missing-schema-comment": { path: "$", line: "id: missing-schema-comment", column: "id", message: /first line must point editors at the manifest schema/ },
  "wrong-schema-comment": { path: "$", line: "# yaml-language-server: $schema=./", column: "#", message: /first line must point editors at the manifest schema/ },
  "unknown-auth-reference": { path: "$.auth.inject[0].value", line: "{{auth.token}}", column: '"Bearer', message: /\{\{auth\.token\}\} refers to "token", which is not in auth\.fields/ },
  "invalid-input-schema": { path: "$.tools[0].input_schema", line: "input_schema:", column: "input_schema", message: /not a valid JSON Schema: .*unknown keyword: "minimun"/ },
  "bad-template-syntax": { path: "$.tools[0].request.query.statsPeriod", line: "| default", column: '"{{', message: /is not a valid reference/ },
  "multi-segment-ref-in-query": { path: "$.tools[0].request.query.query", line: "{{+input.query}}", column: '"{{+input.query}}"', message: /\{\{\+input\.query\}\} \(a value of several path segments\) is only for a tool's request\.path/ },
  "select-not-a-path": { path: "$.tools[0].response.select.issues", line: "data..items", column: '"data..items"', message: /select path "data\.\.items" is not a dot path/ },
  "multipart-file-content-not-an-input": { path: "$.tools[2].request.files.attachment.content", line: "content:", column: '"data:', message: /file content must be exactly one \{\{input\.x\}\}/ },
  "bearer-without-inject": { path: "$.auth", line: "auth:", column: "auth", message: /auth mode "bearer" needs at least one auth\.inject entry/ },
};

const fixture = (name: string) => readFile(join(FIXTURES, "invalid", `${name}.yaml`), "utf8");

/** The diagnostics `generate()` throws with `connectors/<name>.yaml` added to a copy of the project. */
async function diagnosticsFor(root: string, name: string): Promise<Diagnostic[]> {
  const target = join(root, "connectors", `${name}.yaml`);
  await copyFile(join(FIXTURES, "invalid", `${name}.yaml`), target);
  try {
    await generate(root);
  } catch (e) {
    if (e instanceof CodegenError) return e.diagnostics;
    throw e;
  } finally {
    await rm(target);
  }
  throw new Error(`generate() accepted fixtures/manifests/invalid/${name}.yaml`);
}

let root: string;
beforeAll(async () => {
  // Three manifests beside each defective one: the checks are per file, and gen runs twice as fast.
  root = await makeTempProject(undefined, { connectors: ["github", "linear", "stripe"] });
  const gen = await runGen(root);
  expect(gen.code, gen.stderr).toBe(0);
}, 120_000);
afterAll(() => removeTempProject(root));

describe("invalid connector manifests: generate() throws CodegenError", () => {
  it("has a fixture for every case and a case for every fixture", async () => {
    const files = (await readdir(join(FIXTURES, "invalid"))).map((f) => f.replace(/\.yaml$/, "")).sort();
    expect(files).toEqual(Object.keys(CASES).sort());
  });

  it("the valid base manifest passes, so each fixture's failure comes from its defect", async () => {
    await copyFile(join(FIXTURES, "valid/sentry.yaml"), join(root, "connectors/sentry.yaml"));
    try {
      const files = await generate(root);
      // The catalog is derived from the manifests at load time; the request table names every tool.
      expect(files.get("connectors/sentry.ts")).toContain('name: "sentry/list_issues"');
    } finally {
      await rm(join(root, "connectors/sentry.yaml"));
    }
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: reports ${c.path} at the defect's line and column, with a fix`, { timeout: 60_000 }, async () => {
      const text = await fixture(name);
      const line = lineOf(text, c.line, c.nth);
      const column = columnOf(text, line, c.column);
      const diagnostics = await diagnosticsFor(root, name);

      expect(diagnostics).toHaveLength(c.count ?? 1);
      for (const d of diagnostics) expect(d.file).toBe(`connectors/${name}.yaml`);
      const d = diagnostics.find((x) => x.jsonPath === c.path && c.message.test(x.message));
      expect(d, `no ${c.path} diagnostic matching ${c.message} in ${JSON.stringify(diagnostics, null, 2)}`).toBeDefined();
      expect({ line: d?.line, column: d?.column }).toEqual({ line, column });
      expect(d?.hint ?? "").toMatch(/\w{3,}/);
    });
  }
});

describe("invalid connector manifests: the gen CLI", () => {
  for (const name of ["unknown-auth-mode", "missing-tool-name", "yaml-syntax-error"]) {
    it(`${name}: exits 1, prints file:line:column  path / message / fix, writes nothing`, { timeout: 120_000 }, async () => {
      const c = CASES[name] as Case;
      const text = await fixture(name);
      const line = lineOf(text, c.line, c.nth);
      const column = columnOf(text, line, c.column);
      // Make generated/ stale first (a successful run would restore README.md), so
      // "nothing written" is observable rather than vacuous.
      await rm(join(root, "generated/README.md"), { force: true });
      const before = await snapshotDir(join(root, "generated"));
      await copyFile(join(FIXTURES, "invalid", `${name}.yaml`), join(root, "connectors", `${name}.yaml`));
      try {
        const r = await runGen(root);
        expect(r.code, r.stderr).toBe(1);
        const lines = r.stderr.split("\n");
        const at = lines.indexOf(`connectors/${name}.yaml:${line}:${column}  ${c.path}`);
        expect(at, r.stderr).toBeGreaterThanOrEqual(0);
        expect(lines[at + 1]).toMatch(new RegExp(`^    ${c.message.source.replace(/^\^/, "")}`));
        expect(lines[at + 2]).toMatch(/^    fix: \S/);
        expect(r.stderr).toContain("nothing was written");
        expect(r.stdout).not.toMatch(/write/);
        expect(await snapshotDir(join(root, "generated"))).toEqual(before);
      } finally {
        await rm(join(root, "connectors", `${name}.yaml`));
      }
    });
  }
});
