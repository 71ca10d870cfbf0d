// Two files declaring the same connector id (e.g. linear.yaml and linear.yml) fail gen
// with a positioned diagnostic instead of a raw ajv error.
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CodegenError } from "../../codegen/diagnostics";
import { generate } from "../../codegen/pipeline";
import { makeTempProject, removeTempProject } from "./support/temp-project";

let root: string;
beforeAll(async () => {
  root = await makeTempProject();
  await copyFile(join(root, "connectors/linear.yaml"), join(root, "connectors/linear.yml"));
}, 60_000);
afterAll(() => removeTempProject(root));

it("names both files when a connector id is defined twice", async () => {
  const err = await generate(root).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CodegenError);
  const diags = (err as CodegenError).diagnostics;
  expect(diags).toHaveLength(1);
  // The line of `id:` in the copy (comments may sit above it).
  const idLine = (await readFile(join(root, "connectors/linear.yml"), "utf8")).split("\n").findIndex((l) => l.startsWith("id:")) + 1;
  expect(diags[0]).toMatchObject({ file: "connectors/linear.yml", line: idLine, jsonPath: "$.id" });
  expect(diags[0]?.message).toBe('connector id "linear" is also defined in connectors/linear.yaml');
}, 60_000);
