import { describe, expect, it } from "vitest";
import { createSseFramer } from "../../../runtime/gateway/sse-framer";
import { sseFromChunks } from "../../support/upstream-streams";

const enc = new TextEncoder();
const dec = new TextDecoder();
const MiB = 1024 * 1024;

/** Pushes `text` in pieces of `size` bytes; returns what the framer released, piece by piece. */
function frame(text: string, size: number, max = 4 * MiB) {
  const framer = createSseFramer(max);
  const bytes = enc.encode(text);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const whole = framer.push(bytes.slice(i, i + size));
    if (whole === null) throw new Error("over the cap");
    if (whole.length > 0) out.push(dec.decode(whole));
  }
  return { out, rest: dec.decode(framer.rest()), scanned: framer.scanned, pushed: bytes.length };
}

describe("sse-framer", () => {
  it.each([1, 2, 3, 7, 64, 100_000])("relays whole events only, bytes unchanged, in %i-byte pieces", (size) => {
    const stream = sseFromChunks("anthropic", 5);
    const { out, rest } = frame(stream, size);
    expect(out.join("")).toBe(stream);
    expect(rest).toBe("");
    for (const piece of out) expect(piece.endsWith("\n\n")).toBe(true);
  });

  it.each([
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("%s line ends split anywhere: every release ends on an event boundary, nothing lost", (_name, eol) => {
    const stream = sseFromChunks("openai", 4).replaceAll("\n", eol);
    for (const size of [1, 2, 3, 5]) {
      const { out, rest } = frame(stream, size);
      expect(out.join("") + rest).toBe(stream);
      for (const piece of out) expect(piece.endsWith(eol + eol)).toBe(true);
    }
  });

  it("keeps an unfinished event back and hands it out on rest()", () => {
    const { out, rest } = frame('data: {"a":1}\n\ndata: {"b"', 4);
    expect(out.join("")).toBe('data: {"a":1}\n\n');
    expect(rest).toBe('data: {"b"');
  });

  it("a 4 MiB event arriving in 1 KiB pieces: each byte is examined once, not the whole tail on every push", () => {
    const big = `data: ${"x".repeat(4 * MiB - 16)}\n\n`;
    const { out, scanned, pushed } = frame(big, 1024, 8 * MiB);
    expect(out.join("")).toBe(big);
    // A rescan of the unfinished tail on each push would examine ≈ pushed² / 2048 bytes.
    expect(scanned).toBe(pushed);
  });

  it("an unfinished event past the cap ends the stream (null) and forgets what it held", () => {
    const framer = createSseFramer(1000);
    expect(framer.push(enc.encode('data: {"ok":1}\n\n'))?.length).toBe(16);
    expect(framer.push(enc.encode(`data: ${"y".repeat(900)}`))?.length).toBe(0);
    expect(framer.push(enc.encode("y".repeat(200)))).toBeNull();
    expect(framer.rest().length).toBe(0);
  });
});
