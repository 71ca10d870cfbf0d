import { describe, expect, it } from "vitest";
import { assertMicros, formatUsd, LedgerInputError } from "../../../runtime/wallet/money";

describe("formatUsd", () => {
  it.each([
    [0, "$0.00"],
    [1_000_000, "$1.00"],
    [1_234_500, "$1.2345"],
    [50, "$0.00005"],
    [300_000, "$0.30"],
    [-2_500_000, "-$2.50"],
  ])("%i micros → %s (exact, no float rounding)", (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });
});

describe("assertMicros", () => {
  it("accepts whole non-negative micro-dollars", () => {
    expect(assertMicros("x", 0)).toBe(0);
    expect(assertMicros("x", Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([0.1, -1, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, "5", null])("rejects %s naming the argument", (value) => {
    expect(() => assertMicros("capMicros", value)).toThrow(LedgerInputError);
    expect(() => assertMicros("capMicros", value)).toThrow(/^capMicros must be a non-negative whole number of micro-dollars/);
  });
});
