import { describe, expect, it } from "vitest";
import { RRF_K, reciprocalRankFusion } from "../../../runtime/search/fusion";

describe("reciprocalRankFusion", () => {
  it("sums 1/(k+rank) over the lists, best first", () => {
    const out = reciprocalRankFusion([["a", "b", "c"], ["c", "a"]]);
    expect(out.map((o) => o.key)).toEqual(["a", "c", "b"]);
    expect(out[0]!.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 2));
    expect(out[1]!.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1));
    expect(out[2]!.score).toBeCloseTo(1 / (RRF_K + 2));
  });

  it("an item in both lists beats the head of one; ties keep first-seen order; empty lists fuse to nothing", () => {
    expect(reciprocalRankFusion([["x", "both"], ["y", "both"]]).map((o) => o.key)).toEqual(["both", "x", "y"]);
    expect(reciprocalRankFusion([["p"], ["q"]]).map((o) => o.key)).toEqual(["p", "q"]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
