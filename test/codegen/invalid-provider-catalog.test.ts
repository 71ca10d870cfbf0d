// spec/providers.yaml gets the same file:line:column + JSON path diagnostics as manifests.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CodegenError, type Diagnostic } from "../../codegen/diagnostics";
import { generate } from "../../codegen/pipeline";
import { columnOf, lineOf, makeTempProject, removeTempProject, REPO } from "./support/temp-project";

let root: string;
let original: string;
const catalogPath = () => join(root, "spec/providers.yaml");

async function diagnosticsWith(text: string): Promise<Diagnostic[]> {
  await writeFile(catalogPath(), text);
  try {
    await generate(root);
  } catch (e) {
    if (e instanceof CodegenError) return e.diagnostics;
    throw e;
  }
  throw new Error("generate() accepted the broken provider catalog");
}

beforeAll(async () => {
  // The provider catalog is under test; three manifests keep each generate() short.
  root = await makeTempProject(["spec", "connectors"], { connectors: ["github", "linear", "stripe"] });
  original = await readFile(join(REPO, "spec/providers.yaml"), "utf8");
});
beforeEach(() => writeFile(catalogPath(), original));
afterAll(() => removeTempProject(root));

describe("invalid provider catalog", () => {
  it("a wrong $schema comment is reported at line 1, not where the first key is", { timeout: 60_000 }, async () => {
    const firstLine = original.split("\n")[0] as string;
    expect(firstLine).toBe("# yaml-language-server: $schema=../generated/schemas/provider-catalog.schema.json");
    const text = original.replace(firstLine, "# yaml-language-server: $schema=./provider-catalog.schema.json");
    const [d, ...rest] = await diagnosticsWith(text);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ file: "spec/providers.yaml", line: 1, column: 1, jsonPath: "$" });
    expect(d?.message).toMatch(/first line must point editors at the provider catalog schema/);
    expect(d?.hint).toContain(firstLine);
  });

  it("a base_url that is not https is refused (production calls it as written)", { timeout: 60_000 }, async () => {
    const before = "base_url: https://api.openai.com/v1";
    expect(original).toContain(before);
    const text = original.replace(before, "base_url: http://api.openai.com/v1");
    const line = lineOf(text, "base_url: http://api.openai.com/v1");
    const diagnostics = await diagnosticsWith(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: "spec/providers.yaml", line, jsonPath: expect.stringMatching(/^\$\.providers\[\d+\]\.base_url$/) });
    expect(diagnostics[0]?.message).toContain('provider "openai" has a base_url that is not https');
  });

  it("responses as a provider's first format is refused (the chat surfaces would be sent Responses bodies)", { timeout: 60_000 }, async () => {
    const before = "formats: [openai, responses]";
    expect(original).toContain(before);
    const text = original.replace(before, "formats: [responses, openai]");
    const diagnostics = await diagnosticsWith(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: "spec/providers.yaml", line: lineOf(text, "formats: [responses, openai]"), jsonPath: expect.stringMatching(/^\$\.providers\[\d+\]\.formats$/) });
    expect(diagnostics[0]?.message).toContain('provider "openai" lists responses first');
  });

  it("an alias target that is no provider/model points at that target", { timeout: 60_000 }, async () => {
    const target = "groq/llama-3.3-70b-versatile";
    expect(original).toContain(`      - ${target}\n`);
    const text = original.replace(`      - ${target}\n`, "      - groq/llama-9b-nonexistent\n");
    const line = lineOf(text, "groq/llama-9b-nonexistent");
    const diagnostics = await diagnosticsWith(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: "spec/providers.yaml", line, column: columnOf(text, line, "groq/") });
    expect(diagnostics[0]?.jsonPath).toMatch(/^\$\.aliases\[\d+\]\.targets\[\d+\]$/);
    expect(diagnostics[0]?.message).toContain('"groq/llama-9b-nonexistent" is not a provider/model');
  });

  it("a price of the wrong type names the model's field", { timeout: 60_000 }, async () => {
    const before = "{ id: echo, input_usd_per_mtok: 1,";
    expect(original).toContain(before);
    const text = original.replace(before, "{ id: echo, input_usd_per_mtok: one,");
    const line = lineOf(text, "input_usd_per_mtok: one");
    const diagnostics = await diagnosticsWith(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      file: "spec/providers.yaml",
      line,
      column: columnOf(text, line, "one"),
      jsonPath: "$.providers[0].models[0].input_usd_per_mtok",
      message: "must be number",
    });
  });
});
