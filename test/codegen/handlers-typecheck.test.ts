// "A missing handler is a compile error": codegen's Handlers interface has one member per
// operationId, so dropping one from runtime/handlers makes tsc fail, naming the operation.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempProject, removeTempProject, run, type RunResult } from "./support/temp-project";

const PARTS = ["runtime", "generated", "tsconfig.json"];
const HANDLERS = "runtime/handlers/index.ts";
const tsc = (root: string) => run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", join(root, "tsconfig.json")], root);

let intact: string;
let broken: string;
let intactRun: RunResult;
let brokenRun: RunResult;

beforeAll(async () => {
  [intact, broken] = await Promise.all([makeTempProject(PARTS), makeTempProject(PARTS)]);
  const file = join(broken, HANDLERS);
  const text = await readFile(file, "utf8");
  const without = text.replace(/^\s*\.\.\.walletHandlers,\n/m, "");
  expect(without, `${HANDLERS} should spread ...walletHandlers`).not.toBe(text);
  await writeFile(file, without);
  // One tsc run per copy, side by side (each takes 10–20 s).
  [intactRun, brokenRun] = await Promise.all([tsc(intact), tsc(broken)]);
}, 180_000);
afterAll(() => Promise.all([removeTempProject(intact), removeTempProject(broken)]));

const errorLines = (r: RunResult) => r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));

describe("handlers vs the generated Handlers interface", () => {
  it("the unmodified runtime + generated copy type-checks", () => {
    // If this fails, the working tree itself does not type-check (e.g. an operation was
    // added to spec/ and generated before its handler was written): see the tsc output.
    expect(intactRun.stdout + intactRun.stderr, "tsc on an unmodified copy of runtime/ + generated/").toBe("");
    expect(intactRun.code).toBe(0);
  });

  it("without the wallet handlers, tsc fails in runtime/handlers/index.ts naming getWallet", () => {
    expect(brokenRun.code).not.toBe(0);
    const missing = errorLines(brokenRun).filter((l) => l.includes("getWallet"));
    expect(missing, brokenRun.stdout).toHaveLength(1);
    expect(missing[0]).toMatch(/^runtime\/handlers\/index\.ts\(\d+,\d+\): error TS\d+: .*('getWallet' is missing|missing the following properties[^\n]*getWallet)/);
    // The only new errors are about the removed handler.
    const added = errorLines(brokenRun).filter((l) => !errorLines(intactRun).includes(l));
    expect(added.every((l) => l.startsWith("runtime/handlers/index.ts(")), added.join("\n")).toBe(true);
    expect(intactRun.stdout).not.toContain("getWallet");
  });
});
