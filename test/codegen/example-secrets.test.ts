import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../..");

// Examples in the published API document are copied into docs, tickets and code. One that
// looks like a real credential fools readers and trips secret scanners on every copy, so
// each credential-shaped string in the spec says EXAMPLE in it.
// A key's listed prefix (`qlk_test_` and 4 characters) is not a credential; more is.
const CREDENTIAL = /\b(?:qlk_(?:live|test)_[A-Za-z0-9]{5,}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{6,}|whsec_[A-Za-z0-9]{6,}|sk-[A-Za-z0-9_-]{10,})/g;

it("every credential-shaped example in the OpenAPI document is obviously fake", async () => {
  const text = await readFile(join(REPO, "generated/openapi/openapi.yaml"), "utf8");
  const found = [...text.matchAll(CREDENTIAL)].map((m) => m[0]);
  expect(found.length).toBeGreaterThan(0);
  expect(found.filter((s) => !s.includes("EXAMPLE"))).toEqual([]);
});

it("example keys are test keys, never live ones", async () => {
  const text = await readFile(join(REPO, "generated/openapi/openapi.yaml"), "utf8");
  expect(text.match(/qlk_live_[A-Za-z0-9]+/g) ?? []).toEqual([]);
});
