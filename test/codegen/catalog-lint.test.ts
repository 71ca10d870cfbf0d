// The catalog lint (codegen/validate/catalog-lint.ts): each rule on a one-defect variant of
// fixtures/manifests/valid/sentry.yaml (which passes every rule), with the JSON path and line
// it must report; then the switch: strict findings fail generate() with file:line, non-strict
// ones reach onWarning and generation goes on.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodegenError, type Diagnostic } from "../../codegen/diagnostics";
import { parseYaml, type YamlSource } from "../../codegen/load/yaml-source";
import { generate } from "../../codegen/pipeline";
import { existsSync } from "node:fs";
import { manifests } from "../../generated/connectors/catalog";
import { CATALOG_TOOL_NAMES, lintCatalogManifest, READ_VERBS, registrableDomain, TOOL_VERBS } from "../../codegen/validate/catalog-lint";
import { checkManifestSemantics } from "../../codegen/validate/manifest-semantics";
import type { ManifestView } from "../../codegen/validate/manifest-view";
import { FIXTURES, makeTempProject, removeTempProject } from "./support/temp-project";

let base: string;
beforeAll(async () => {
  base = await readFile(join(FIXTURES, "valid/sentry.yaml"), "utf8");
});

/** The base fixture with `from` replaced by `to` (which must occur). */
function variant(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`the sentry fixture no longer contains ${JSON.stringify(from)}`);
  return base.replace(from, to);
}

function lint(text: string): Diagnostic[] {
  const src = parseYaml(text, "connectors/sentry.yaml") as YamlSource;
  if (!("value" in src)) throw new Error("the variant is not valid YAML");
  return lintCatalogManifest(src, src.value as ManifestView);
}

/** 1-based line of the first line containing `marker` (`nth` occurrence). */
function lineOf(text: string, marker: string, nth = 1): number {
  let seen = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) if ((lines[i] as string).includes(marker) && ++seen === nth) return i + 1;
  throw new Error(`marker ${JSON.stringify(marker)} not found`);
}

interface Rule {
  from: string;
  to: string;
  path: string;
  /** Text on the reported line (its `nth` occurrence). */
  line: string;
  nth?: number;
  message: RegExp;
}

const GET_ANN = "annotations: { read_only: true, destructive: false, idempotent: true }";
const PUT_ANN = "annotations: { read_only: false, destructive: false, idempotent: true }";

const RULES: Record<string, Rule> = {
  "docs_url missing": { from: "docs_url: https://docs.sentry.io/api/\n", to: "", path: "$", line: "id: sentry", message: /docs_url is missing/ },
  "docs_url on another domain": { from: "docs_url: https://docs.sentry.io/api/", to: "docs_url: https://example.com/sentry-api", path: "$.docs_url", line: "docs_url:", message: /docs_url's domain example\.com differs from the base URL's sentry\.io/ },
  "docs_url not a URL": { from: "docs_url: https://docs.sentry.io/api/", to: "docs_url: https://", path: "$.docs_url", line: "docs_url:", message: /docs_url must be a plain https URL/ },
  "tool name without a verb": { from: "- name: list_projects", to: "- name: projects_list", path: "$.tools[3].name", line: "- name: projects_list", message: /tool name "projects_list" must be snake_case and start with one of: list, get/ },
  "tool name in camelCase": { from: "- name: list_projects", to: "- name: listProjects", path: "$.tools[3].name", line: "- name: listProjects", message: /tool name "listProjects" must be snake_case/ },
  "short tool description": { from: "description: List the projects of an organization. Use it to find a project's numeric id for list_issues.", to: "description: List projects.", path: "$.tools[3].description", line: "description: List projects.", message: /description is 14 characters; at least 40/ },
  "property without description": { from: "organization_slug: { type: string, description: The organization's slug. }\n      required: [organization_slug]\n", to: "organization_slug: { type: string }\n      required: [organization_slug]\n", path: "$.tools[3].input_schema.properties.organization_slug", line: "organization_slug: { type: string }", message: /property "organization_slug" has no description/ },
  "short property description": { from: "description: The new status of the issue.", to: "description: Status", path: "$.tools[2].input_schema.properties.status.description", line: "description: Status", message: /property "status"'s description "Status" is shorter than 8 characters/ },
  "nested property without description": {
    from: "        full: { type: boolean, default: false, description: Include each event's full body (stack traces). }\n",
    to: "        full: { type: boolean, default: false, description: Include each event's full body (stack traces). }\n        filter: { type: object, description: Filters on the events., properties: { tag: { type: string } }, additionalProperties: false }\n",
    path: "$.tools[4].input_schema.properties.filter.properties.tag",
    line: "tag: { type: string }",
    message: /property "tag" has no description/,
  },
  "array item property without description": {
    from: "        full: { type: boolean, default: false, description: Include each event's full body (stack traces). }\n",
    to: "        full: { type: boolean, default: false, description: Include each event's full body (stack traces). }\n        tags: { type: array, description: Tag filters to apply., items: { type: object, properties: { key: { type: string, description: k } } } }\n",
    path: "$.tools[4].input_schema.properties.tags.items.properties.key.description",
    line: "tags: { type: array",
    message: /property "key"'s description "k" is shorter than 8/,
  },
  "property without type": { from: "assignedTo: { type: string, description:", to: "assignedTo: { description:", path: "$.tools[2].input_schema.properties.assignedTo", line: "assignedTo: { description:", message: /property "assignedTo" has no type/ },
  "JSON Schema format": { from: 'statsPeriod: { type: string, description: "Time window such as 24h or 14d." }', to: 'statsPeriod: { type: string, format: duration, description: "Time window such as 24h or 14d." }', path: "$.tools[0].input_schema.properties.statsPeriod.format", line: "format: duration", message: /JSON Schema "format" \(duration\) is not checked/ },
  "additionalProperties not false": { from: "      required: [organization_slug]\n      additionalProperties: false\n    request:\n      method: GET\n      path: /organizations/{{input.organization_slug}}/projects/", to: "      required: [organization_slug]\n    request:\n      method: GET\n      path: /organizations/{{input.organization_slug}}/projects/", path: "$.tools[3].input_schema", line: "input_schema:", nth: 4, message: /input_schema must set additionalProperties: false/ },
  "annotations missing": { from: `    ${GET_ANN}\n    input_schema:\n      type: object\n      properties:\n        organization_slug: { type: string, description: The organization's slug. }\n      required`, to: "    input_schema:\n      type: object\n      properties:\n        organization_slug: { type: string, description: The organization's slug. }\n      required", path: "$.tools[3]", line: "- name: list_projects", message: /annotations must state read_only, destructive and idempotent \(missing: read_only, destructive, idempotent\)/ },
  "idempotent missing": { from: PUT_ANN, to: "annotations: { read_only: false, destructive: false }", path: "$.tools[2].annotations", line: "annotations: { read_only: false, destructive: false }", message: /missing: idempotent/ },
  "GET not read_only": { from: `description: List the projects of an organization. Use it to find a project's numeric id for list_issues.\n    ${GET_ANN}`, to: `description: List the projects of an organization. Use it to find a project's numeric id for list_issues.\n    annotations: { read_only: false, destructive: false, idempotent: true }`, path: "$.tools[3].annotations", line: PUT_ANN, nth: 2, message: /a GET tool must be read_only: true, destructive: false, idempotent: true/ },
  "PUT not idempotent": { from: PUT_ANN, to: "annotations: { read_only: false, destructive: false, idempotent: false }", path: "$.tools[2].annotations", line: "idempotent: false", message: /a PUT tool must be idempotent: true/ },
  "read_only PUT": { from: PUT_ANN, to: "annotations: { read_only: true, destructive: false, idempotent: true }", path: "$.tools[2].annotations", line: GET_ANN, nth: 3, message: /read_only: true needs GET, or POST for a search\/query endpoint .*this is PUT update_issue/ },
  "credential pasted into a template": { from: '        limit: "{{input.limit}}"\n', to: '        limit: "{{input.limit}}"\n        token: "sk_live_51HxAbCdEfGhIjKlMnOp"\n', path: "$.tools[0].request.query.token", line: "sk_live_", message: /looks like a real credential/ },
  "credential in a schema example": { from: 'description: The numeric issue id. }\n      required: [organization_slug, issue_id]\n      additionalProperties: false\n    request:\n      method: GET\n', to: 'description: The numeric issue id., examples: ["ghp_abcdefghijklmnopqrstuvwxyz0123"] }\n      required: [organization_slug, issue_id]\n      additionalProperties: false\n    request:\n      method: GET\n', path: "$.tools[1].input_schema.properties.issue_id.examples[0]", line: "ghp_", message: /looks like a real credential/ },
  "max_chars missing": { from: "    response: { max_chars: 8000 }\n", to: "", path: "$.tools[2]", line: "- name: update_issue", message: /response\.max_chars is missing/ },
  "max_chars too large": { from: "response: { max_chars: 8000 }", to: "response: { max_chars: 90000 }", path: "$.tools[2].response.max_chars", line: "max_chars: 90000", message: /response\.max_chars 90000 is above 50000/ },
  "fewer than five tools": { from: "__LAST_TOOL__", to: "", path: "$.tools", line: "tools:", message: /4 tool\(s\); a catalog connector needs at least 5/ },
};

describe("catalog lint rules", () => {
  it("the base fixture passes every rule (and the semantic checks)", () => {
    expect(lint(base)).toEqual([]);
    const src = parseYaml(base, "connectors/sentry.yaml") as YamlSource;
    expect(checkManifestSemantics(src, src.value as ManifestView, "sentry")).toEqual([]);
  });

  for (const [name, rule] of Object.entries(RULES)) {
    it(`${name}: reported at ${rule.path}`, () => {
      const text = rule.from === "__LAST_TOOL__" ? base.slice(0, base.indexOf("  - name: list_issue_events")) : variant(rule.from, rule.to);
      const found = lint(text);
      expect(found, JSON.stringify(found, null, 1)).toHaveLength(1);
      const d = found[0] as Diagnostic;
      expect(d.jsonPath).toBe(rule.path);
      expect(d.message).toMatch(rule.message);
      expect(d.line).toBe(lineOf(text, rule.line, rule.nth));
      expect(d.file).toBe("connectors/sentry.yaml");
      expect(d.hint).toBeTruthy();
    });
  }

  it("DELETE must be destructive and not read_only", () => {
    const text = variant("      method: PUT\n", "      method: DELETE\n");
    const found = lint(text);
    expect(found.map((d) => d.message)).toEqual([expect.stringMatching(/a DELETE tool must be destructive: true and read_only: false/)]);
    expect(lint(text.replace(PUT_ANN, "annotations: { read_only: false, destructive: true, idempotent: true }"))).toEqual([]);
  });

  it("read_only POST is fine for a search/query tool, not for a create", () => {
    const post = variant("      method: GET\n      path: /organizations/{{input.organization_slug}}/projects/", "      method: POST\n      path: /organizations/{{input.organization_slug}}/projects/");
    expect(lint(post)).toEqual([]);
    const create = post.replace("- name: list_projects", "- name: create_project");
    expect(lint(create).map((d) => d.message)).toEqual([expect.stringMatching(/read_only: true needs GET, or POST .*this is POST create_project/)]);
    const both = post.replace(`Use it to find a project's numeric id for list_issues.\n    ${GET_ANN}`, "Use it to find a project's numeric id for list_issues.\n    annotations: { read_only: true, destructive: true, idempotent: true }");
    expect(lint(both).map((d) => d.message)).toEqual([expect.stringMatching(/cannot be both read_only and destructive/)]);
  });

  it("a templated base URL host skips the docs_url domain check; an mcp connector needs no tools", () => {
    const templated = variant("base_url: https://sentry.io/api/0", "base_url: https://{{config.host}}/api/0").replace("  fields:\n", "  config:\n    - { name: host, label: Sentry host }\n  fields:\n");
    expect(lint(templated)).toEqual([]);
    const mcp = [
      "# yaml-language-server: $schema=../generated/schemas/connector-manifest.schema.json",
      "id: sentry", "name: Sentry", "description: Sentry's MCP server.", "categories: [monitoring]",
      "docs_url: https://docs.sentry.io/product/sentry-mcp/",
      "auth:", "  mode: mcp", "  fields: [{ name: connection_token, label: Token }]", "  mcp: { url: https://mcp.sentry.dev/mcp }",
      "tools: []", "",
    ].join("\n");
    expect(lint(mcp)).toEqual([]);
  });

  it("an API on another domain than the vendor's site passes only with its listed docs domain", () => {
    const hub = variant("base_url: https://sentry.io/api/0", "base_url: https://api.hubapi.com");
    expect(lint(hub.replace("docs_url: https://docs.sentry.io/api/", "docs_url: https://developers.hubspot.com/docs/api"))).toEqual([]);
    expect(lint(hub).map((d) => d.message)).toEqual([expect.stringMatching(/docs_url's domain sentry\.io differs from the base URL's hubapi\.com \(or hubspot\.com\)/)]);
  });

  it("registrableDomain keeps the last two labels; the verb list has the names the design lists", () => {
    expect(registrableDomain("api.github.com")).toBe("github.com");
    expect(registrableDomain("Docs.GitHub.com")).toBe("github.com");
    expect(registrableDomain("sentry.io")).toBe("sentry.io");
    for (const v of ["list", "get", "search", "create", "update", "delete", "send", "refund", "transcribe", "upsert"]) expect(TOOL_VERBS).toContain(v);
    expect(new Set(TOOL_VERBS).size).toBe(TOOL_VERBS.length);
  });
});

const SHARED_CATALOG = join(import.meta.dirname, "../../../shared/connectors/catalog.json");

describe.skipIf(!existsSync(SHARED_CATALOG))("tool names the vendor catalog fixes", () => {
  it("CATALOG_TOOL_NAMES is exactly the catalog's tool names that do not start with a listed verb", async () => {
    const rows = JSON.parse(await readFile(SHARED_CATALOG, "utf8")) as { tools: { name: string }[] }[];
    const off = [...new Set(rows.flatMap((r) => r.tools.map((t) => t.name)).filter((n) => !TOOL_VERBS.includes(n.split("_")[0] as string)))].sort();
    expect([...CATALOG_TOOL_NAMES].sort()).toEqual(off);
  });

  // Apps written against qlaud call the catalog's tools by these names (`twilio/make_call`),
  // so every manifest keeps them, verb or not. Zapier's tools come from its MCP server's
  // tools/list.
  const NOT_IN_MANIFESTS = new Set(["zapier/discover_zapier_actions", "zapier/execute_zapier_read_action", "zapier/execute_zapier_write_action"]);
  it("every manifest keeps its three catalog tools under the catalog's names", async () => {
    const rows = JSON.parse(await readFile(SHARED_CATALOG, "utf8")) as { id: string; tools: { name: string }[] }[];
    const missing = rows
      .flatMap((r) => r.tools.map((t) => `${r.id}/${t.name}`))
      .filter((id) => !NOT_IN_MANIFESTS.has(id) && !manifests[id.split("/")[0] as string]?.tools.some((t) => t.name === id.split("/")[1]));
    expect(missing).toEqual([]);
  });

  it("a catalog name passes the name rule (and may be a read-only POST); a bare verb passes too", () => {
    expect(lint(variant("- name: list_projects", "- name: graphql"))).toEqual([]);
    expect(lint(variant("- name: list_projects", "- name: search"))).toEqual([]);
    expect(READ_VERBS).toContain("search");
  });
});

describe("the switch: strict fails generate() with file:line, otherwise warnings", () => {
  let root: string;
  const bad = () => variant("response: { max_chars: 8000 }", "response: { max_chars: 90000 }").replace("id: sentry", "id: lint-probe");
  beforeAll(async () => {
    root = await makeTempProject();
  });
  afterAll(() => removeTempProject(root));

  it("strict: CodegenError naming the file, line and JSON path", async () => {
    const target = join(root, "connectors/lint-probe.yaml");
    await writeFile(target, bad());
    try {
      const err = await generate(root, () => {}, { strictCatalogLint: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodegenError);
      const mine = (err as CodegenError).diagnostics.filter((d) => d.file === "connectors/lint-probe.yaml");
      expect(mine).toEqual([expect.objectContaining({ jsonPath: "$.tools[2].response.max_chars", line: lineOf(bad(), "max_chars: 90000"), message: expect.stringMatching(/above 50000/) })]);
    } finally {
      await rm(target);
    }
  });

  it("not strict: the same finding goes to onWarning and the files are generated", async () => {
    const target = join(root, "connectors/lint-probe.yaml");
    await writeFile(target, bad());
    try {
      const warnings: Diagnostic[] = [];
      const files = await generate(root, () => {}, { strictCatalogLint: false, onWarning: (d) => warnings.push(d) });
      expect(files.get("connectors/lint-probe.ts")).toContain('name: "lint-probe/update_issue"');
      expect(warnings.filter((d) => d.file === "connectors/lint-probe.yaml")).toEqual([expect.objectContaining({ jsonPath: "$.tools[2].response.max_chars" })]);
    } finally {
      await rm(target);
    }
  });
});
