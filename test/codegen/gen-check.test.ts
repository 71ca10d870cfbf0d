// `npm run gen -- --check` (run in CI) fails, naming each stale file, whenever generated/
// does not match spec/ and connectors/, and passes again once gen has run.
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempProject, removeTempProject, runGen, snapshotDir, type RunResult } from "./support/temp-project";

let root: string;
const at = (rel: string) => join(root, rel);
const staleLines = (r: RunResult) => r.stderr.split("\n").filter((l) => l.startsWith("  stale: ")).map((l) => l.slice("  stale: ".length)).sort();

async function edit(rel: string, from: string, to: string): Promise<void> {
  const text = await readFile(at(rel), "utf8");
  expect(text, `${rel} should contain ${from}`).toContain(from);
  await writeFile(at(rel), text.replace(from, to));
}

/** --check fails naming exactly `expected`, and leaves generated/ as it was. */
async function expectStale(expected: string[]): Promise<void> {
  const before = await snapshotDir(at("generated"));
  const check = await runGen(root, "--check");
  expect(check.code, check.stderr).toBe(1);
  expect(staleLines(check)).toEqual([...expected].sort());
  expect(check.stderr).toContain("run `npm run gen`");
  expect(await snapshotDir(at("generated"))).toEqual(before);
}

/** gen brings generated/ up to date, after which --check exits 0. */
async function regenerate(): Promise<void> {
  const gen = await runGen(root);
  expect(gen.code, gen.stderr).toBe(0);
  const again = await runGen(root, "--check");
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toContain("generated/ is up to date");
}

beforeAll(async () => {
  root = await makeTempProject(undefined, { connectors: ["github", "linear", "stripe"] });
  // Start from an up-to-date copy even if the working tree's generated/ is mid-edit (and of the three manifests kept).
  const gen = await runGen(root);
  expect(gen.code, gen.stderr).toBe(0);
}, 120_000);
afterAll(() => removeTempProject(root));

describe("gen --check", () => {
  it("exits 0 on a freshly generated copy", { timeout: 120_000 }, async () => {
    const r = await runGen(root, "--check");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/check +generated\/ is up to date/);
  });

  it("a doc comment and a new field in spec/health.tsp make the OpenAPI document and API types stale", { timeout: 120_000 }, async () => {
    await edit("spec/health.tsp", "/** Always `ok` when the Worker answers. */", "/** Always `ok` while the Worker is reachable. */");
    await edit("spec/health.tsp", "  /** Server time, epoch milliseconds. */", "  /** Region serving the request. */\n  region?: string;\n\n  /** Server time, epoch milliseconds. */");
    await expectStale(["generated/openapi/openapi.yaml", "generated/api/types.ts"]);
    await regenerate();
    expect(await readFile(at("generated/openapi/openapi.yaml"), "utf8")).toContain("while the Worker is reachable");
    expect(await readFile(at("generated/api/types.ts"), "utf8")).toMatch(/region\?: string/);
  });

  // Each later case lists exactly its own stale files, which also shows the previous gen fixed everything.
  it("an edited connector manifest makes the connector catalog and its search index stale", { timeout: 120_000 }, async () => {
    const from = "description: Search, read, create and update Linear issues";
    const to = "description: Find, read, create and update Linear issues";
    await edit("connectors/linear.yaml", from, to);
    await expectStale(["generated/connectors/catalog.ts", "generated/connectors/search-index.ts"]);
    await edit("connectors/linear.yaml", to, from); // undo instead of regenerating: saves a run
  });

  it("a deleted, a hand-edited and an extra file under generated/ are each reported", { timeout: 120_000 }, async () => {
    await rm(at("generated/providers/catalog.ts"));
    await appendFile(at("generated/api/routes.ts"), "// a hand edit\n");
    await writeFile(at("generated/connectors/handwritten.ts"), "export const x = 1;\n");
    await expectStale([
      "generated/providers/catalog.ts (missing)",
      "generated/api/routes.ts",
      "generated/connectors/handwritten.ts (not generated any more)",
    ]);
    await regenerate();
    expect([...(await snapshotDir(at("generated"))).keys()]).not.toContain("connectors/handwritten.ts");
  });
});
