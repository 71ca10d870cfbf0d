import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256HexOf, toHex } from "../../runtime/bytes";

describe("runtime/bytes", () => {
  it("toHex writes every byte value as two lower-case digits", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(Buffer.from(all).toString("hex"));
    expect(toHex(new Uint8Array())).toBe("");
  });

  it("sha256HexOf hashes the UTF-8 bytes", async () => {
    for (const text of ["", "abc", "tenant\0user", "naïve ✓ 😀"]) {
      expect(await sha256HexOf(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    }
  });
});
