import { describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { DEFAULT_WINDOW_MS, resolveWindow } from "../../../runtime/usage/window";

const NOW = 1_763_900_000_000;

describe("resolveWindow", () => {
  it("defaults to the last 30 days with every breakdown", () => {
    const w = resolveWindow({}, NOW);
    expect(w).toMatchObject({ from_ms: NOW - DEFAULT_WINDOW_MS, to_ms: NOW });
    expect([...w.groups].sort()).toEqual(["day", "key", "model"]);
  });

  it("counts 30 days back from a given to_ms, and group_by keeps one breakdown", () => {
    const w = resolveWindow({ to_ms: 5 * DEFAULT_WINDOW_MS, group_by: "day" }, NOW);
    expect(w).toMatchObject({ from_ms: 4 * DEFAULT_WINDOW_MS, to_ms: 5 * DEFAULT_WINDOW_MS });
    expect([...w.groups]).toEqual(["day"]);
    expect(resolveWindow({ to_ms: 10 }, NOW).from_ms).toBe(0);
  });

  it("accepts from_ms = to_ms (an empty window)", () => {
    expect(resolveWindow({ from_ms: 7, to_ms: 7 }, NOW)).toMatchObject({ from_ms: 7, to_ms: 7 });
  });

  it("refuses from_ms after to_ms with a 400 naming query.from_ms", () => {
    const call = (q: { from_ms?: number; to_ms?: number }) => {
      try {
        resolveWindow(q, NOW);
      } catch (e) {
        return e;
      }
      return null;
    };
    const explicit = call({ from_ms: 10, to_ms: 9 }) as ApiError;
    expect(explicit).toBeInstanceOf(ApiError);
    expect(explicit).toMatchObject({ status: 400, param: "query.from_ms" });
    const future = call({ from_ms: NOW + 1 }) as ApiError;
    expect(future.param).toBe("query.from_ms");
    expect(future.message).toContain("defaults to now");
  });
});
