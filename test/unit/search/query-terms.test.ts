import { describe, expect, it } from "vitest";
import { MAX_QUERY_TERMS, matchExpression, queryTerms } from "../../../runtime/search/query-terms";

describe("queryTerms", () => {
  it("keeps words, drops FTS5 syntax and duplicates", () => {
    expect(queryTerms('"liveness probe" NEAR(a b) col:x ^start pre* (x OR y')).toEqual(["liveness", "probe", "NEAR", "a", "b", "col", "x", "start", "pre", "OR", "y"]);
    expect(queryTerms("Probe probe PROBE")).toEqual(["Probe"]);
    expect(queryTerms("  *^:()\"-+ ")).toEqual([]);
  });

  it("keeps letters of every script, digits and combining marks", () => {
    expect(queryTerms("café 東京 नमस्ते v2.0")).toEqual(["café", "東京", "नमस्ते", "v2", "0"]);
  });

  it("stops at MAX_QUERY_TERMS distinct words", () => {
    const q = Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ");
    expect(queryTerms(q)).toHaveLength(MAX_QUERY_TERMS);
    expect(queryTerms(q).at(-1)).toBe(`w${MAX_QUERY_TERMS - 1}`);
  });
});

describe("matchExpression", () => {
  it("quotes every word, confines them to the body column and requires the scope token", () => {
    expect(matchExpression("tabc", ["near", "OR"], "all")).toBe('scope : "tabc" AND body : ("near" AND "OR")');
    expect(matchExpression("uabc", ["a", "b"], "any")).toBe('scope : "uabc" AND body : ("a" OR "b")');
    expect(() => matchExpression("t", [], "all")).toThrow();
  });
});
