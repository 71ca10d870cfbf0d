import { describe, expect, it } from "vitest";
import { decodeThreadCursor, encodeThreadCursor } from "../../../runtime/threads/list-cursor";

describe("the threads list cursor", () => {
  it("round-trips a position and is URL-safe", () => {
    const pos = { createdAt: 1_765_000_000_123, id: "0d6f4c1e-8f8a-4c53-9f43-3f1f7a2b9c10" };
    const cursor = encodeThreadCursor(pos);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeThreadCursor(cursor)).toEqual(pos);
  });

  it.each(["x", "!!!", btoa("nodot"), btoa("12.").replaceAll("=", ""), btoa("-1.abc").replaceAll("=", ""), btoa("99999999999999999.a").replaceAll("=", "")])(
    "refuses %s as a 400 naming query.after",
    (bad) => {
      expect(() => decodeThreadCursor(bad)).toThrow(expect.objectContaining({ status: 400, param: "query.after" }));
    },
  );
});
