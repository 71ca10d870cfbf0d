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

describe("handlers vs the generated Handlers interface", () => {
  it("the unmodified runtime + generated copy type-checks", () => {
    expect(intactRun.stdout + intactRun.stderr).toBe("");
    expect(intactRun.code).toBe(0);
  });

  it("without the wallet handlers, tsc fails in runtime/handlers/index.ts naming getWallet", () => {
    expect(brokenRun.code).not.toBe(0);
    const errors = brokenRun.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
    expect(errors.length, brokenRun.stdout).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/^runtime\/handlers\/index\.ts\(\d+,\d+\): error TS\d+:/);
    expect(brokenRun.stdout).toMatch(/'getWallet' is missing|missing the following properties[^\n]*getWallet/);
  });
});
