import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashSecret, newSecret } from "../../../runtime/auth/key-material";
import { sha256Hex } from "../../../runtime/auth/sha256";
import { seededRandom } from "../../support/random";

const reference = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

describe("sha256Hex", () => {
  it("matches the FIPS 180-4 examples", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("matches node:crypto at every length across the padding boundaries, and on multi-byte UTF-8", () => {
    const random = seededRandom(42);
    for (let len = 0; len <= 300; len++) {
      const s = Array.from({ length: len }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join("");
      expect(sha256Hex(s)).toBe(reference(s));
    }
    for (const s of ["é", "日本語のキー", "🔑".repeat(40)]) expect(sha256Hex(s)).toBe(reference(s));
  });

  it("is what keys are stored under", () => {
    const secret = newSecret("test");
    expect(hashSecret(secret)).toBe(reference(secret));
  });
});
