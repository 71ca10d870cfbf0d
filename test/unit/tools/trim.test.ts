// `select` projects the vendor's JSON and `max_chars` cuts what remains, saying it did.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executeTool } from "../../../runtime/tools/execute";
import { applySelect, truncate } from "../../../runtime/tools/trim";
import { startMockVendor, type MockVendor } from "../../support/mock-vendor";

const listing = {
  total: 2,
  items: [
    { title: "first", user: { login: "ana" }, body: "x".repeat(50) },
    { title: "second", user: { login: "bo" }, body: "y".repeat(50) },
  ],
  data: { searchIssues: { nodes: [{ id: "1" }] } },
};

describe("select", () => {
  it("one key, nested keys, and [] over arrays", () => {
    expect(applySelect(listing, "total")).toBe(2);
    expect(applySelect(listing, "data.searchIssues.nodes")).toEqual([{ id: "1" }]);
    expect(applySelect(listing, "items[].title")).toEqual(["first", "second"]);
    expect(applySelect(listing, "items[].user.login")).toEqual(["ana", "bo"]);
    expect(applySelect(listing.items, "[].title")).toEqual(["first", "second"]);
  });

  it("a list of paths gives an object keyed by path, leaving out what does not match", () => {
    expect(applySelect(listing, ["total", "items[].title", "missing.key"])).toEqual({ total: 2, "items[].title": ["first", "second"] });
  });

  it("no match is null, not a failure; prototype keys are not reachable", () => {
    expect(applySelect(listing, "nope")).toBeNull();
    expect(applySelect(listing, "total.deeper")).toBeNull();
    expect(applySelect(listing, "__proto__")).toBeNull();
    expect(applySelect(listing, "items.constructor")).toBeNull();
  });
});

describe("max_chars", () => {
  it("cuts and says how much was shown", () => {
    const out = truncate("a".repeat(100), 10);
    expect(out.truncated).toBe(true);
    expect(out.text).toBe(`${"a".repeat(10)}\n…[truncated: showing 10 of 100 characters]`);
    expect(truncate("short", 10)).toEqual({ text: "short", truncated: false });
  });

  it("never splits a surrogate pair", () => {
    expect(truncate("ab😀cd", 3).text.startsWith("ab\n")).toBe(true);
  });
});

describe("trimming a real response", () => {
  let vendor: MockVendor;
  beforeAll(async () => {
    vendor = await startMockVendor();
  });
  afterAll(() => vendor.close());
  beforeEach(() => vendor.reset());

  const run = (select: string | string[] | null, maxChars: number | null) =>
    executeTool({ method: "GET", url: `${vendor.url}/issues` }, { baseUrl: vendor.url, auth: { mode: "none" }, credential: {}, connectionId: "c", select, maxChars });

  it("select then max_chars, on the vendor's JSON", async () => {
    vendor.script("/issues", { body: listing });
    expect(await run("items[].title", null)).toEqual({ ok: true, status: 200, content: '["first","second"]', truncated: false });
    const cut = await run(null, 40);
    expect(cut).toMatchObject({ ok: true, truncated: true });
    expect(cut.ok && cut.content).toBe(`${JSON.stringify(listing).slice(0, 40)}\n…[truncated: showing 40 of ${JSON.stringify(listing).length} characters]`);
  });

  it("a plain-text answer is returned as text, select not applied", async () => {
    vendor.script("/issues", { body: "plain words" });
    expect(await run("items", null)).toMatchObject({ ok: true, content: "plain words" });
  });
});

describe("oversized answers", () => {
  let vendor: MockVendor;
  beforeAll(async () => {
    vendor = await startMockVendor();
  });
  afterAll(() => vendor.close());

  it("reads at most maxBodyBytes and says the answer was cut", async () => {
    vendor.script("/big", { body: "z".repeat(100_000) });
    const out = await executeTool({ method: "GET", url: `${vendor.url}/big` }, { baseUrl: vendor.url, auth: { mode: "none" }, credential: {}, connectionId: "c", maxBodyBytes: 1000 });
    expect(out).toMatchObject({ ok: true, truncated: true });
    expect(out.ok && out.content).toBe(`${"z".repeat(1000)}\n…[truncated: the vendor's answer exceeded 1000 bytes]`);
  });
});
