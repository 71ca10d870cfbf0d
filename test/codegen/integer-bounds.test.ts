import { describe, expect, it } from "vitest";
import { boundIntegers } from "../../codegen/emit/integer-bounds";

describe("boundIntegers", () => {
  it("bounds int64 to the safe integers and int32 to its range", () => {
    expect(boundIntegers({ type: "integer", format: "int64" })).toEqual({ type: "integer", format: "int64", minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
    expect(boundIntegers({ type: "integer", format: "int32" })).toEqual({ type: "integer", format: "int32", minimum: -(2 ** 31), maximum: 2 ** 31 - 1 });
  });

  it("keeps a tighter bound from the spec", () => {
    expect(boundIntegers({ type: "integer", format: "int64", minimum: 0, maximum: 10 })).toMatchObject({ minimum: 0, maximum: 10 });
  });

  it("reaches nested schemas and nullable integers, and leaves the rest alone", () => {
    const out = boundIntegers({ properties: { a: { type: ["integer", "null"], format: "int64" }, b: { type: "number", format: "double" }, c: { anyOf: [{ type: "integer", format: "int64" }] } } });
    expect(out.properties.a).toMatchObject({ maximum: Number.MAX_SAFE_INTEGER });
    expect(out.properties.b).toEqual({ type: "number", format: "double" });
    expect(out.properties.c.anyOf[0]).toMatchObject({ maximum: Number.MAX_SAFE_INTEGER });
  });
});
