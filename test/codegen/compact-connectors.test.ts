// Connector code is emitted compactly: data one line per connector and per tool, code once
// (the lookup table, the catalog derived from the manifests), one validator per distinct
// input schema. Measured on the 105 connectors of the shared fact catalog when it is present.
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRows, lookupRows, objectWithRows } from "../../codegen/emit/compact-literal";
import { emitConnectorValidators, shareValidators } from "../../codegen/emit/connector-validators";
import { generate } from "../../codegen/pipeline";
import type { ManifestView, ToolView } from "../../codegen/validate/manifest-view";
import { catalogManifests, sharedCatalogAvailable } from "./support/catalog-manifests";
import { makeTempProject, removeTempProject } from "./support/temp-project";

const lines = (text: string) => text.split("\n").length - 1;

describe("compact literals (pure)", () => {
  it("jsonRows: one line of JSON per item", () => {
    expect(jsonRows([{ a: 1 }, [2, "x"]])).toBe('[\n  {"a":1},\n  [2,"x"],\n]');
    expect(jsonRows([])).toBe("[]");
  });

  it("lookupRows: a lookupTable call with one [key, value] row per entry", () => {
    expect(lookupRows("number", [["a", 1], ["b", { c: null }]])).toBe('lookupTable<number>([\n  ["a", 1],\n  ["b", {"c":null}],\n])');
    expect(lookupRows("number", [])).toBe("lookupTable<number>([])");
  });

  it("objectWithRows: one line for the object, one per item of its array key, key order kept, and it parses back", () => {
    const value = { id: "x", tools: [{ n: 1 }, { n: 2 }], after: true };
    const text = objectWithRows(value, "tools");
    expect(text).toBe('{"id":"x","tools":[\n    {"n":1},\n    {"n":2},\n  ],"after":true}');
    // JS accepts the trailing commas the rows carry; the value is unchanged.
    expect(new Function(`return ${text}`)()).toEqual(value);
    expect(objectWithRows({ id: "y" }, "tools")).toBe('{"id":"y"}');
  });
});

const tool = (name: string, input_schema: ToolView["input_schema"]): ToolView => ({ name, description: name, input_schema, request: { method: "GET", path: "/" } });
const manifest = (id: string, tools: ToolView[]): ManifestView => ({ id, name: id, description: id, categories: [], auth: { mode: "none" }, tools });

describe("validators shared where identical, per connector", () => {
  const idSchema = { type: "object", properties: { id: { type: "string" } }, required: ["id"] };
  const sameReordered = { required: ["id"], properties: { id: { type: "string" } }, type: "object" };
  const other = { type: "object", properties: { n: { type: "integer" } } };
  const acme = manifest("acme", [tool("get_a", idSchema), tool("list", other), tool("get_b", sameReordered)]);

  it("tools whose input schemas are the same JSON (key order aside) share the first one's validator", () => {
    const { byTool, schemas } = shareValidators(acme);
    expect([...byTool]).toEqual([
      ["get_a", "tool_acme__get_a"],
      ["list", "tool_acme__list"],
      ["get_b", "tool_acme__get_a"],
    ]);
    expect([...schemas.keys()]).toEqual(["tool_acme__get_a", "tool_acme__list"]);
  });

  it("the emitted module (generated/connectors/<id>.validators.js) holds one function per distinct schema", async () => {
    const js = emitConnectorValidators(acme).files["connectors/acme.validators.js"] ?? "";
    expect(js.match(/export const tool_/g)).toHaveLength(2);
    const dir = await makeTempProject([]);
    try {
      await writeFile(join(dir, "v.mjs"), js);
      const v = (await import(/* @vite-ignore */ join(dir, "v.mjs"))) as Record<string, (x: unknown) => boolean>;
      expect(v.tool_acme__get_a?.({ id: "1" })).toBe(true);
      expect(v.tool_acme__get_a?.({})).toBe(false);
      expect(v.tool_acme__list?.({ n: "x" })).toBe(false);
    } finally {
      await removeTempProject(dir);
    }
  });
});

describe("generated/connectors/ size", () => {
  let root: string;
  let real: Map<string, string>;
  beforeAll(async () => {
    root = await makeTempProject(["spec", "connectors"]);
    real = await generate(root);
  }, 120_000);
  afterAll(() => removeTempProject(root));

  // The copied templates (the builders' helpers, the search's text rules) are fixed code, not per connector.
  const TEMPLATE_COPIES = new Set(["connectors/connector-runtime.ts", "connectors/search-terms.ts"]);
  const connectorLines = (files: Map<string, string>) => [...files].filter(([k]) => k.startsWith("connectors/") && !TEMPLATE_COPIES.has(k)).reduce((n, [, v]) => n + lines(v), 0);

  it("the project's connectors take a few lines per tool (compiled code, one module per connector)", () => {
    const count = connectorLines(real);
    const tools = [...real.keys()].filter((k) => /^connectors\/[a-z0-9-]+\.ts$/.test(k) && !["connectors/catalog.ts", "connectors/registry.ts", "connectors/connector-runtime.ts", "connectors/search-index.ts", "connectors/search-terms.ts"].includes(k)).reduce((n, k) => n + ((real.get(k) ?? "").match(/satisfies CompiledTool</g) ?? []).length, 0);
    console.log(`generated/connectors/: ${count} lines for ${tools} tools`);
    expect(count).toBeLessThan(700 + 20 * tools);
  });

  it.skipIf(!sharedCatalogAvailable())("105 connectors (synthesized from ../shared/connectors/catalog.json) stay under 8,000 lines (no tens of thousands)", { timeout: 120_000 }, async () => {
    for (const f of await readdir(join(root, "connectors"))) if (f.endsWith(".yaml")) await rm(join(root, "connectors", f));
    const manifests = catalogManifests();
    expect(manifests.size).toBe(105);
    for (const [f, text] of manifests) await writeFile(join(root, "connectors", f), text);
    // Synthesized from the catalog's three tools each: a size check, not catalog quality (lint off).
    const files = await generate(root, () => {}, { strictCatalogLint: false });
    const count = connectorLines(files);
    // 315 tools + 105 connectors: per tool its input type, a compiled entry (~9 lines) and a
    // catalog line; per connector a module head, a validators module and its .d.ts; code once.
    console.log(`generated/connectors/ for 105 connectors: ${count} lines`);
    expect(count).toBeLessThan(8_000);
    expect(count).toBeGreaterThan(315 * 3);
  });
});
